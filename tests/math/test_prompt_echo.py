"""An expression copied from the question is not an answer, even when it is equivalent to the gold.

A policy rewarded for "Solve 2x - 3 > 5" -> "x > 4" would otherwise learn to answer with the question's
own inequality (equivalent after normalising), and "Expand (x-5)(x-6)" with "(x-5)(x-6)".
"""

from __future__ import annotations

import pytest

from rewardkit import Sample, get_registry

CASES = [
    # (prompt, completion, gold, expected score, rule when wrong)
    ("Solve 2x - 3 > 5.", "The answer is $2x - 3 > 5$", "x > 4", 0.0, "restates_prompt"),
    ("Expand (x-5)(x-6).", r"So the result is \boxed{(x-5)(x-6)}", "x^2 - 11x + 30", 0.0, "restates_prompt"),
    ("Giải bất phương trình 3y + 1 \\le 10.", r"Vậy đáp án là $3y + 1 \le 10$", "y \\le 3", 0.0, "restates_prompt"),
    ("Solve 2x - 3 > 5.", "The answer is $x > 4$", "x > 4", 1.0, None),
    ("Expand (x-5)(x-6).", r"\boxed{x^2 - 11x + 30}", "x^2 - 11x + 30", 1.0, None),
    ("Which is true: x > 3 or x < 3?", r"\boxed{x > 3}", "x > 3", 1.0, None),  # the gold as written stands
    ("What is 12 + 30?", r"\boxed{42}", "42", 1.0, None),  # plain numbers are judged as usual
    ("Compute \\frac{1}{2} + \\frac{1}{3}.", r"\boxed{\frac{5}{6}}", "5/6", 1.0, None),
]


@pytest.mark.parametrize(("prompt", "completion", "gold", "score", "rule"), CASES)
def test_copied_expressions_score_zero(prompt: str, completion: str, gold: str, score: float, rule: str | None) -> None:
    reward = get_registry().build("math.equivalence", {"gold": "solution"})
    outcome = reward.score(Sample(completion=completion, prompt=prompt, columns={"solution": gold}))
    assert outcome.score == score, outcome
    if rule is not None:
        assert outcome.details["rule"] == rule
