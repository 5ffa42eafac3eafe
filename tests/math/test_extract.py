"""rewardkit_math.extract: the built-in extractors and how the judge picks the final answer."""

from __future__ import annotations

import unicodedata

import pytest

from rewardkit.extractors import ExtractContext
from rewardkit_math import extract as ex
from rewardkit_math.judge import Judge
from rewardkit_math.reading import prepare

CTX = ExtractContext()


def last(extractor, text: str, context: ExtractContext = CTX) -> str | None:
    found = extractor(prepare(text), context)
    return found[-1].text if found else None


def test_boxed() -> None:
    assert last(ex.boxed, "a \\boxed{1} b \\boxed{\\frac{1}{2}}") == "\\frac{1}{2}"
    assert last(ex.boxed, "\\boxed{\\{1, 2\\}}") == "\\{1, 2\\}"
    assert last(ex.boxed, "\\boxed{7} then \\boxed{}") == "7"  # an empty box is never an answer
    assert last(ex.boxed, "so \\boxed{42") == "42"  # unclosed last box recovered
    assert last(ex.boxed, "\\fbox{3}") == "3"
    assert last(ex.boxed, "\\đóng hộp{5}") == "5"  # the translation artifact, fixed by prepare()


def test_tags() -> None:
    assert last(ex.tags, "<answer> 36 </answer>") == "36"
    assert last(ex.tags, "<ANSWER>36</ANSWER><answer>37</answer>") == "37"
    assert last(ex.tags, "<answer>36") == "36"
    assert last(ex.tags, "<answer>  </answer>") is None
    assert last(ex.tags, "<final>9</final>", ExtractContext(answer_tag="final")) == "9"


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("The answer is: 42", "42"),
        ("Final Answer: The final answer is $42$. I hope it is correct.", "$42$"),
        ("**Answer:** 42", "42"),
        ("The answer is 2.5 km.", "2.5 km"),
        ("The answer is:\n\n$$9$$", "$$9$$"),
        ("Đáp án: 1.500.000 đồng.", "1.500.000 đồng"),
        ("Vậy đáp án là 42.", "42"),
        ("Đáp số: 42 quả", "42 quả"),
        ("Câu trả lời là: 7", "7"),
        ("Kết quả: 9", "9"),
        ("Trả lời: 12 học sinh", "12 học sinh"),
        (unicodedata.normalize("NFD", "Đáp án: 42"), "42"),
        ("<answer>The answer is 8</answer>", "8"),
    ],
)
def test_phrase(text: str, span: str) -> None:
    assert last(ex.phrase, text) == span


def test_gsm8k_choice_conclusion() -> None:
    assert last(ex.gsm8k, "48 + 24 = 72\n#### 72") == "72"
    assert last(ex.choice, "Phương án A sai. Vậy chọn C.") == "C"
    assert last(ex.choice, "Chọn đáp án (D)") == "D"
    assert last(ex.choice, "The correct option is (B).") == "B"
    assert last(ex.choice, "the answer is a prime") is None  # lower-case "a" is an article
    assert last(ex.conclusion, "Vậy số học sinh là 30 em.") == "30 em"
    assert last(ex.conclusion, "Therefore, the total is 45 dollars.") == "45 dollars"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Step 1: 4 × 6 = 24\nStep 2: That's the total.", "24"),
        ("Bước 1: 48 : 3 = 16\nBước 2: Kết luận.", "16"),
        ("1. Compute 50 * 2\n2. The result is 100\n3. Done", "100"),
        ("Số tiền là 600 000 đồng.", "600 000"),
        ("The temperature dropped to -4 degrees", "-4"),
        ("10 - 4 = 6", "6"),
        ("Mỗi bạn được 2,5 cái bánh", "2,5"),
        ("Step 1: add\nStep 2: subtract", None),
        ("Đáp án không phải là 5.", None),
    ],
)
def test_last_number_never_takes_a_step_number(text: str, number: str | None) -> None:
    found = ex.last_number(prepare(text), CTX)
    assert (found[0].text if found else None) == number


def test_last_number_takes_the_whole_math_span() -> None:
    found = ex.last_number(prepare("Vận tốc ánh sáng là $3 \\cdot 10^8$ m/s."), CTX)
    assert [f.rule for f in found] == ["last_number", "last_math"] and found[-1].text == "3 \\cdot 10^8"


@pytest.mark.parametrize(
    ("completion", "extractor", "span"),
    [
        ("<think>The answer is 3.</think><answer>4</answer>", "tags", "4"),  # the think block is superseded
        ("<think>The answer is 3.</think>", "phrase", "3"),  # nothing after it: the think block counts
        ("\\boxed{5}\nThe answer is 6.", "phrase", "6"),  # the answer written last wins
        ("The answer is 6.\n\\boxed{5}", "boxed", "5"),
        ("<answer>\\boxed{8}</answer>", "tags", "8"),  # the box inside the tag is the precise span
        ("Vậy có tất cả 126 cách chọn.", "conclusion", "có tất cả 126 cách chọn"),
    ],
)
def test_judge_locates_the_final_answer(completion: str, extractor: str, span: str) -> None:
    found = Judge().find(prepare(completion))
    assert found is not None and (found.extractor, found.extraction.text) == (extractor, span)


def test_explicit_extractor_order() -> None:
    from rewardkit_math.judge import JudgeConfig

    judge = Judge(JudgeConfig(extract=("tags", "boxed")))
    found = judge.find(prepare("<answer>7</answer> and later \\boxed{9}"))
    assert found is not None and found.extraction.text == "7"  # priority order, not position
    assert Judge(JudgeConfig(extract=("boxed",))).find(prepare("The answer is 5")) is None


@pytest.mark.parametrize(
    "text",
    [
        "1 " * 500_000,
        "\\boxed{" * 150_000,
        "Đáp án: " * 120_000,
        "Step 1. " * 120_000,
        "Chọn answer option " * 50_000,
        "Vậy so thus " * 80_000,
    ],
)
def test_megabyte_inputs_are_scanned_quickly(text: str) -> None:
    """Every extractor on 1 MB inputs: linear scans (a quadratic one would take minutes here)."""
    import time

    prepared = prepare(text)
    start = time.perf_counter()
    for extractor in ex.BUILTIN_EXTRACTORS.values():
        extractor(prepared, CTX)
    assert time.perf_counter() - start < 2.0
