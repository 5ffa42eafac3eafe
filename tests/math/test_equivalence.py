"""rewardkit_math.equivalence: the comparison rules of DESIGN.md "How the math judge decides"."""

from __future__ import annotations

import pytest

from rewardkit_math.equivalence import Policy
from rewardkit_math.judge import Judge, JudgeConfig


def judged(completion: str, gold: str, **config: object) -> tuple[bool, str]:
    verdict = Judge(JudgeConfig(**config)).judge(completion, gold)  # type: ignore[arg-type]
    return verdict.correct, verdict.rule


@pytest.mark.parametrize(
    ("answer", "gold", "correct"),
    [
        # exact for integers and terminating decimals; float noise below 1e-9 is ignored
        ("0.5", "\\frac{1}{2}", True),
        ("5.00", "5", True),
        ("2.0001", "2", False),
        ("0.30000000000000004", "0.3", True),
        ("0.5000001", "0.5", False),
        # tolerance only against non-terminating exact golds, with >= 4 significant digits
        ("0.3333", "\\frac{1}{3}", True),
        ("0.333", "\\frac{1}{3}", False),
        ("3.1416", "\\pi", True),
        ("3.14", "\\pi", False),
        ("1.41421", "\\sqrt{2}", True),
        ("\\frac{1}{3}", "0.3333", True),
        ("\\frac{1}{3}", "0.33", False),
        # percent
        ("25\\%", "25", True),
        ("25\\%", "0.25", True),
        ("0.25", "25", False),
        ("50", "0.5", False),
        # sets unordered, tuples ordered, intervals keep brackets
        ("\\{2, 1\\}", "\\{1, 2\\}", True),
        ("(3, 2)", "(2, 3)", False),
        ("[0, 1]", "[0, 1)", False),
        ("(1, 2)", "(1; 2)", True),
        ("x \\le 3", "(-\\infty, 3]", True),
        # symbolic
        ("(x+1)^2", "x^2+2x+1", True),
        ("x", "|x|", False),
        ("\\sin^2 x + \\cos^2 x", "1", True),
        ("2y", "2x", False),
        # equations
        ("x = 5", "5", True),
        ("y = 3 + 2x", "y = 2x + 3", True),
        ("2x + 2y = 10", "x + y = 5", True),
        # text answers
        ("\\text{Monday}", "monday", True),
        ("\\text{Tuesday}", "Monday", False),
    ],
)
def test_rules(answer: str, gold: str, correct: bool) -> None:
    assert judged(f"\\boxed{{{answer}}}", gold)[0] is correct


def test_hedging_is_wrong_unless_asked() -> None:
    assert judged("The answer is 5 or 6.", "5") == (False, "hedging")
    assert judged("\\boxed{5} or \\boxed{6}", "5") == (False, "hedging")
    assert judged("The answer is 5 or 6.", "5", policy=Policy(hedging="any"))[0] is True
    assert judged("The answer is x = 2 or x = 3.", "\\{2, 3\\}")[0] is True  # a solution set, not a hedge


def test_percent_policies() -> None:
    assert judged("\\boxed{25\\%}", "0.25", policy=Policy(percent="number"))[0] is False
    assert judged("\\boxed{25\\%}", "25", policy=Policy(percent="fraction"))[0] is False
    assert judged("\\boxed{25\\%}", "0.25", policy=Policy(percent="fraction"))[0] is True


def test_tolerance_parameters() -> None:
    assert judged("\\boxed{0.33}", "\\frac{1}{3}", policy=Policy(min_significant=2, tolerance=0.02))[0] is True
    assert judged("\\boxed{0.3334}", "\\frac{1}{3}")[0] is False  # 2e-4 relative, not the rounded value
    assert judged("\\boxed{0.3334}", "\\frac{1}{3}", policy=Policy(tolerance=1e-3))[0] is True


def test_multiple_choice_needs_the_letter() -> None:
    assert judged("Đáp án: D. 200000 đồng", "D. 200000 đồng.")[0] is True
    assert judged("Đáp án: 200000 đồng", "D. 200000 đồng.") == (False, "choice_needs_letter")
    assert judged("Chọn B", "B")[0] is True
    assert judged("Đáp án: A hoặc B", "A") == (False, "hedging")


def test_locale_decides_ambiguous_numbers() -> None:
    assert judged("Đáp án: 1.234", "1234", locale="vi")[0] is True
    assert judged("Đáp án: 1.234", "1234", locale="en")[0] is False
    assert judged("Đáp án: 1.234", "1234")[0] is True  # auto, unknown convention: both readings
    assert judged("We need 2.5 hours. The answer is 1.234", "1234")[0] is False  # the document is English
    assert judged("\\boxed{2,5}", "2.5")[0] is True
    assert judged("\\boxed{2,5}", "2.5", locale="en")[0] is False


def test_scale_word_bare_value_needs_the_question() -> None:
    judge = Judge()
    assert judge.judge("Đáp án: 400 nghìn đồng", "400").correct is False
    assert judge.judge("Đáp án: 400 nghìn đồng", "400", prompt="Giá bao nhiêu nghìn đồng?").correct is True
    assert judge.judge("Đáp án: 400 nghìn đồng", "400000").correct is True
