"""builtin:arith: seeded, distinct, correct problems in English and Vietnamese."""

from __future__ import annotations

import operator
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewardkit.train import arith

OPS = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "x": operator.mul,
    "/": operator.floordiv,
    ":": operator.floordiv,
}


def _value(text: str) -> int:
    return int(text.replace(".", "").replace(",", ""))


def _check_equation(problem: arith.ArithProblem) -> None:
    result = None
    for step in problem.equation.split(", "):  # two-step problems write the intermediate result
        left, right = step.split(" = ")
        numbers = [_value(n) for n in re.findall(r"\d[\d.,]*", left)]
        ops = re.findall(r" ([-+*x/:]) ", left)
        value = numbers[0]
        for op, n in zip(ops, numbers[1:], strict=True):
            value = OPS[op](value, n)
        assert value == _value(right)
        result = value
    assert result == int(problem.solution)


def test_same_seed_same_problems_and_distinct_questions() -> None:
    a = arith.generate(300, seed=3)
    b = arith.generate(300, seed=3)
    assert a == b
    assert len({p.question for p in a}) == 300
    assert arith.generate(50, seed=4) != a[:50]


def test_exclude_keeps_held_out_questions_out() -> None:
    held_out = arith.generate(200, seed=99)
    train = arith.generate(2000, seed=0, exclude={p.question for p in held_out})
    assert not {p.question for p in train} & {p.question for p in held_out}


@pytest.mark.parametrize("level", list(arith.LEVELS))
def test_every_level_gives_correct_equations_in_both_languages(level: str) -> None:
    problems = arith.generate(200, seed=1, level=level)
    assert {p.language for p in problems} == {"en", "vi"}
    for problem in problems:
        _check_equation(problem)
        assert problem.solution in problem.reference.replace(".", "").replace(",", "")


def test_graded_fraction_controls_the_reference_style() -> None:
    all_graded = arith.generate(100, seed=2, graded_fraction=1.0)
    for p in all_graded:
        c = arith.format_number(int(p.solution), p.language)
        assert p.reference == f"<think>{p.equation}</think><answer>{c}</answer>"
    none_graded = arith.generate(200, seed=2, graded_fraction=0.0)
    assert not any("<answer>" in p.reference for p in none_graded)
    assert any("Đáp số:" in p.reference for p in none_graded if p.language == "vi")
    assert any("The answer is" in p.reference for p in none_graded if p.language == "en")


def test_working_fraction_controls_whether_free_form_references_show_the_working() -> None:
    always = arith.generate(200, seed=4, graded_fraction=0.0, working_fraction=1.0)
    for p in always:
        c = arith.format_number(int(p.solution), p.language)
        sentence = "The answer is" if p.language == "en" else "Đáp số:"
        assert p.reference == f"{p.equation}. {sentence} {c}."
    never = arith.generate(200, seed=4, graded_fraction=0.0, working_fraction=0.0)
    assert not any("=" in p.reference for p in never)
    default = arith.generate(700, seed=4, graded_fraction=0.0)
    assert 0.2 < sum("=" in p.reference for p in default) / 700 < 0.37  # 2/7 by default


def test_vietnamese_numbers_use_dot_thousands() -> None:
    assert arith.format_number(2500, "vi") == "2.500"
    assert arith.format_number(2500, "en") == "2,500"
    assert arith.format_number(999, "vi") == "999"
    hard_vi = [p for p in arith.generate(300, seed=5, level="hard", languages=["vi"]) if int(p.solution) >= 1000]
    assert hard_vi and all("." in p.equation.split(" = ")[1] for p in hard_vi)


def test_two_step_problems_write_the_intermediate_result() -> None:
    problems = arith.generate(200, seed=3, two_step_fraction=1.0, graded_fraction=1.0)
    assert {p.op for p in problems} == {"two"}
    for p in problems:
        _check_equation(p)
        first, second = p.equation.split(", ")
        assert first.split(" = ")[1] == second.split(" - ")[0]  # a + b = s, s - d = c
        assert p.reference.startswith(f"<think>{p.equation}</think>")
    assert not any(p.op == "two" for p in arith.generate(200, seed=3, two_step_fraction=0.0))


def test_unknown_level_and_an_exhausted_problem_space_are_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="unknown difficulty"):
        arith.generate(1, seed=0, level="impossible")
    same = arith.generate(1, seed=0)[0]
    monkeypatch.setattr(arith, "_stream", lambda *args: iter(lambda: same, None))
    with pytest.raises(ValueError, match="cannot produce 2 distinct problems"):
        arith.generate(2, seed=0)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), level=st.sampled_from(list(arith.LEVELS)), fraction=st.floats(0, 1))
def test_any_seed_gives_consistent_problems(seed: int, level: str, fraction: float) -> None:
    for problem in arith.generate(5, seed=seed, level=level, graded_fraction=fraction):
        _check_equation(problem)
        assert problem.language in ("en", "vi")
        assert int(problem.solution) >= 0
