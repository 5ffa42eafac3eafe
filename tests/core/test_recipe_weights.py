"""Weights are strict: a number or a schedule; strings and booleans are errors with file:line, never coerced."""

from pathlib import Path

import pytest

from rewardkit.recipe import RecipeError, WeightSchedule, loads_recipe

TOY = Path(__file__).with_name("toy_rewards.py")
HINT = "expected a number or a schedule {start, end, until_step}"


def errors(text: str) -> list[str]:
    with pytest.raises(RecipeError) as info:
        loads_recipe(f"plugins: [{TOY}]\n" + text, name="r.yaml")
    return [str(issue) for issue in info.value.issues]


@pytest.mark.parametrize("weight", ['"0.25"', "'1'", "true", "false", "yes"])
def test_string_and_boolean_weights_are_errors(weight: str) -> None:
    assert errors(f"rewards:\n  - reward: toy.length\n    weight: {weight}\n") == [f"r.yaml:4: rewards.0.weight: {HINT}"]


def test_every_bad_weight_is_reported_at_once_including_composition_nodes() -> None:
    text = (
        "rewards:\n"
        "  - {reward: toy.length, weight: '2'}\n"
        "  - {id: g, gate: toy.length, then: toy.plain, weight: true}\n"
        "  - {id: m, min: [toy.length, toy.plain], weight: 0.5}\n"
    )
    assert errors(text) == [f"r.yaml:3: rewards.0.weight: {HINT}", f"r.yaml:4: rewards.1.weight: {HINT}"]


def test_schedule_fields_are_strict_too() -> None:
    text = "rewards:\n  - reward: toy.length\n    weight: {start: '0', end: true, until_step: '10'}\n"
    assert errors(text) == [
        "r.yaml:4: rewards.0.weight.start: input should be a valid number",
        "r.yaml:4: rewards.0.weight.end: input should be a valid number",
        "r.yaml:4: rewards.0.weight.until_step: input should be a valid integer",
    ]


def test_numbers_and_schedules_are_accepted() -> None:
    text = (
        f"plugins: [{TOY}]\n"
        "rewards:\n"
        "  - {id: a, reward: toy.length, weight: 2}\n"
        "  - {id: b, reward: toy.length, weight: 0.25}\n"
        "  - {id: c, reward: toy.length, weight: {start: 0, end: 1, until_step: 10}}\n"
    )
    recipe = loads_recipe(text)
    weights = [node.weight for node in recipe.rewards]
    assert weights[:2] == [2.0, 0.25] and isinstance(weights[0], float)
    assert weights[2] == WeightSchedule(start=0.0, end=1.0, until_step=10)
