"""Units, spaced scale words, sentence ends, hedging under any extractor order, and the exact tolerance rule.

Each rule is tested on both sides: what it must accept and what it must still refuse.
"""

from __future__ import annotations

import pytest

from rewardkit import Sample
from rewardkit.plugins import get_registry
from rewardkit_math.judge import Judge, JudgeConfig
from rewardkit_math.quantity import read_quantity


def verdict(completion: str, gold: str, **config: object) -> tuple[bool, str, str | None]:
    v = Judge(JudgeConfig(**config)).judge(completion, gold)  # type: ignore[arg-type]
    return v.correct, v.rule, v.parsed


def correct(completion: str, gold: str, **config: object) -> bool:
    return verdict(completion, gold, **config)[0]


# -- 1. units are dropped, never converted -------------------------------------------------------------
@pytest.mark.parametrize(
    ("completion", "gold"),
    [
        ("Đáp án: −4,5 °C", "-4.5"),
        ("Đáp án: 18°C", "18"),
        ("The answer is 451 °F", "451"),
        ("The answer is $-40^{\\circ}\\mathrm{F}$", "-40"),
        ("\\boxed{36^\\circ C}", "36"),
        ("Đáp số: 30 độ C", "30"),
        ("Đáp số: 72 km/h", "72"),
        ("Đáp số: 3 m/s", "3"),
        ("Đáp số: 81 cm²", "81"),
        ("The answer is 12 cm^2", "12"),
        ("Đáp án: 6 lít nước cam", "6"),  # words that are no known unit, set apart from the number
        ("The answer is 15 N", "15"),  # a capital letter after a space is a unit (newton), not a variable
        ("The answer is 2 mol/L", "2"),
    ],
)
def test_units_after_a_number_are_dropped(completion: str, gold: str) -> None:
    assert correct(completion, gold), verdict(completion, gold)


@pytest.mark.parametrize(
    ("completion", "gold"),
    [
        ("Đáp án: 100 °C", "212"),  # never converted
        ("Đáp án: 120 mm", "12"),
        ("The answer is 5x", "5"),  # a letter glued to the number is algebra
        ("The answer is 5 x", "5"),  # a lone lower-case letter is a variable, never a unit
        ("The answer is 4 a", "4"),
        ("The answer is 2 \\sqrt{3}", "2"),  # math after the number
        ("The answer is 3 \\pi", "3"),
        ("The answer is 2 sin x", "2"),
        ("Đáp án: 7 hoặc 8 quả", "7"),  # a hedge, not a unit
    ],
)
def test_math_after_a_number_is_not_a_unit(completion: str, gold: str) -> None:
    assert not correct(completion, gold), verdict(completion, gold)


def test_symbolic_answers_still_parse_as_expressions() -> None:
    assert correct("The answer is 3x + 4", "4 + 3x")
    assert verdict("The answer is 3x + 4", "4 + 3x")[2] == "3*x + 4"
    assert correct("\\boxed{5\\sqrt{3}}", "\\sqrt{75}")
    assert correct("The answer is 2 C", "2C")  # a symbolic gold: "C" is a symbol, not a unit
    assert verdict("The answer is 2 C", "2")[2] == "2"  # a numeric gold: a unit, never the product 2*C


def test_loose_unit_reading_needs_the_numeric_gold() -> None:
    assert read_quantity("25 C", "en") is None
    assert read_quantity("25 C", "en", loose=True).value == 25  # type: ignore[union-attr]
    assert read_quantity("25 x", "en", loose=True) is None
    assert read_quantity("25 sin", "en", loose=True) is None
    assert read_quantity("25 kg/m^3", "en", loose=True).value == 25  # type: ignore[union-attr]
    assert read_quantity("25 - x", "en", loose=True) is None  # an operator: an expression


# -- 2. scale words with a space multiply like the attached forms ---------------------------------------
@pytest.mark.parametrize(
    ("completion", "gold", "ok"),
    [
        ("Đáp án: 4,5 tr", "4500000", True),
        ("Đáp án: 8 tr", "8000000", True),
        ("Đáp án: 2,5 tr đồng", "2500000", True),
        ("Đáp án: 7 k", "7000", True),
        ("Đáp án: 6 nghìn đồng", "6000", True),
        ("Đáp án: 8 tr", "8", False),
        ("Đáp án: 7 k", "7", False),
        ("Đáp án: 7 kg", "7", True),  # "kg" is a unit, not the scale "k"
        ("Số tiền còn lại: 9 tr", "9000000", True),  # the last-number fallback reads the scale too
        ("Cô ấy tiết kiệm được 1 tỷ 250 triệu", "1250000000", True),
    ],
)
def test_spaced_scale_words(completion: str, gold: str, ok: bool) -> None:
    assert correct(completion, gold, locale="vi") is ok, verdict(completion, gold, locale="vi")


# -- 3. a phrase answer ends at a sentence-final ". " -----------------------------------------------------
@pytest.mark.parametrize(
    ("completion", "gold", "ok"),
    [
        ("The answer is 9. \\boxed{}", "9", True),
        ("Đáp án: 14. \\boxed{}", "14", True),
        ("Đáp số: 7 \\boxed{}", "7", True),  # an empty box inside the span is ignored
        ("The final answer is 3.75. Let me know if you need more.", "3.75", True),
        ("Đáp án: 3.75", "3.75", True),  # a dot before a digit is a decimal point ...
        ("Đáp án: 2.500.000. Hẹn gặp lại!", "2500000", True),  # ... or a thousands group
        ("Đáp án: 2.500.000. Hẹn gặp lại!", "2", False),
        ("Vậy đáp án là \\boxed{}", "0", False),  # only an empty box: no answer
    ],
)
def test_sentence_end_and_empty_boxes(completion: str, gold: str, ok: bool) -> None:
    assert correct(completion, gold) is ok, verdict(completion, gold)


def test_an_empty_box_alone_is_no_answer() -> None:
    assert Judge().judge("Kết quả là \\boxed{ }", "3").status == "no_answer"


# -- 4. hedging, whatever the extractor order ---------------------------------------------------------------
HEDGES = [
    "\\boxed{17} or \\boxed{18}",
    "\\boxed{17}, \\boxed{18}",
    "The answer is 17 or 18",
    "It could be 17, or maybe 18.",
    "Số học sinh là 17 hoặc 18.",
    "$17$ hay $18$",
]


@pytest.mark.parametrize("completion", HEDGES)
@pytest.mark.parametrize(
    "extract",
    [None, ("boxed", "last_number"), ("last_number",), ("phrase", "boxed", "last_number"), ("conclusion", "last_number")],
)
def test_hedging_is_wrong_under_any_extractor_order(completion: str, extract: tuple[str, ...] | None) -> None:
    ok, rule, _ = verdict(completion, "18", extract=extract)
    assert (ok, rule) == (False, "hedging")


@pytest.mark.parametrize("extract", [None, ("boxed", "last_number"), ("last_number",)])
def test_the_same_answer_twice_is_not_a_hedge(extract: tuple[str, ...] | None) -> None:
    assert correct("\\boxed{18} or \\boxed{18}", "18", extract=extract)
    assert correct("So 18, or 18.", "18", extract=extract)
    assert correct("Vậy có 18 học sinh.", "18", extract=extract)


def test_hedging_through_the_reward_params() -> None:
    reward = get_registry().reward("math.equivalence").build({"gold": "solution", "extract": ["boxed", "last_number"]})
    for completion in ("\\boxed{20} or \\boxed{21}", "The answer is 20 or 21"):
        outcome = reward.score(Sample(completion=completion, columns={"solution": "21"}))
        assert (outcome.status, outcome.score, outcome.details.get("rule")) == ("ok", 0.0, "hedging")
    lenient = get_registry().reward("math.equivalence").build({"extract": ["boxed", "last_number"], "hedging": "any"})
    assert lenient.score(Sample(completion="\\boxed{20} or \\boxed{21}", columns={"solution": "21"})).score == 1.0


# -- 5. tolerance: within 1e-4 relative, nothing looser -----------------------------------------------------
@pytest.mark.parametrize(
    ("answer", "gold", "ok"),
    [
        ("3.1416", "\\pi", True),  # 2.3e-6
        ("3.142", "\\pi", False),  # correctly rounded, but 1.3e-4
        ("1.4142", "\\sqrt{2}", True),
        ("1.414", "\\sqrt{2}", False),  # 1.5e-4
        ("0.2857", "\\frac{2}{7}", True),  # 5e-5
        ("0.1667", "\\frac{1}{6}", False),  # 2e-4
        ("1.667", "\\frac{5}{3}", False),  # 2e-4
        ("2.718", "e", False),  # 1.04e-4
        ("2.7183", "e", True),
        ("0.3333", "\\frac{1}{3}", True),  # exactly 1e-4: the bound is inclusive
        ("0.33", "\\frac{1}{3}", False),  # too few significant digits
        ("3.8", "3.75", False),  # two decimal literals match exactly
        ("2.50", "2.5", True),
    ],
)
def test_tolerance_is_relative_only(answer: str, gold: str, ok: bool) -> None:
    assert correct(f"\\boxed{{{answer}}}", gold) is ok, verdict(f"\\boxed{{{answer}}}", gold)
    assert correct(f"Đáp án: {answer.replace('.', ',')}", gold, locale="vi") is ok
