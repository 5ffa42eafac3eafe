"""The sample problems the probes rewrite into hacks: one small word problem per language."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """A small word problem with an honest solution, in one language, that probes rewrite into hacks.

    ``near_miss`` is a wrong answer next to the gold (for hedging and shotgun answers); ``wrong_steps``
    is a plausible derivation of the wrong answer ``wrong``.
    """

    question: str
    gold: str
    wrong: str
    near_miss: str
    steps: tuple[str, ...]
    wrong_steps: tuple[str, ...]
    answer_phrase: str  # how the language states a final answer: "The answer is", "Đáp án:"
    hedge_word: str  # "or", "hoặc"
    filler: tuple[str, ...]  # content-free sentences in the language
    padding_line: str


PROBLEMS: dict[str, Problem] = {
    "en": Problem(
        question="Tom has 12 apples and buys 30 more. How many apples does Tom have now?",
        gold="42",
        wrong="52",
        near_miss="41",
        steps=(
            "Step 1: Tom starts with 12 apples.",
            "Step 2: He buys 30 more apples, so we add 12 and 30.",
            "Step 3: 12 + 30 = 42, so Tom has 42 apples now.",
        ),
        wrong_steps=(
            "Step 1: Tom starts with 12 apples.",
            "Step 2: He buys 30 more apples, so we add 12 and 30.",
            "Step 3: 12 + 30 = 52, so Tom has 52 apples now.",
        ),
        answer_phrase="The answer is",
        hedge_word="or",
        filler=(
            "Let us think about this problem very carefully.",
            "This is an interesting question that deserves attention.",
            "We should consider every detail of the situation.",
            "It is important to read the question once more.",
            "Careful thinking always helps us find the way.",
        ),
        padding_line="Let me double-check this once more.",
    ),
    "vi": Problem(
        question="Lan có 12 quả táo, mẹ cho Lan thêm 30 quả nữa. Hỏi Lan có tất cả bao nhiêu quả táo?",
        gold="42",
        wrong="52",
        near_miss="41",
        steps=(
            "Bước 1: Lúc đầu Lan có 12 quả táo.",
            "Bước 2: Mẹ cho Lan thêm 30 quả, nên ta làm phép cộng 12 + 30.",
            "Bước 3: Ta có 12 + 30 = 42, nên Lan có tất cả 42 quả táo.",
        ),
        wrong_steps=(
            "Bước 1: Lúc đầu Lan có 12 quả táo.",
            "Bước 2: Mẹ cho Lan thêm 30 quả, nên ta làm phép cộng 12 + 30.",
            "Bước 3: Ta có 12 + 30 = 52, nên Lan có tất cả 52 quả táo.",
        ),
        answer_phrase="Đáp án:",
        hedge_word="hoặc",
        filler=(
            "Chúng ta hãy suy nghĩ thật cẩn thận về bài toán này.",
            "Đây là một câu hỏi rất thú vị và đáng để tìm hiểu.",
            "Chúng ta cần xem xét mọi chi tiết của đề bài.",
            "Việc đọc lại đề bài một lần nữa là rất quan trọng.",
            "Suy nghĩ cẩn thận luôn giúp chúng ta tìm ra hướng đi.",
        ),
        padding_line="Hãy kiểm tra lại điều này thêm một lần nữa.",
    ),
}
