"""Preflight and evaluation find gold columns through the params' markers, never through parameter names.

A third-party reward defined here names its gold parameter ``reference`` (column ``target`` by
default): preflight checks that column, counts the reward in the gold parse rate, and the held-out
evaluation judges with it.
"""

from __future__ import annotations

import pytest

from rewardkit import GoldColumn, Outcome, Reward, RewardParams, Sample, hookimpl
from rewardkit.recipe import loads_recipe
from rewardkit.registry import Registry
from rewardkit.train.columns import column_uses, gold_reader
from rewardkit.train.evaluate import JudgeUnavailable, make_judge
from rewardkit.train.preflight import check_rewards_on_reference, missing_columns


class LastWordParams(RewardParams):
    reference: GoldColumn = "target"
    strip: str = "."


class LastWord(Reward[LastWordParams]):
    """1.0 when the completion's last word is the gold (an empty gold cannot be read)."""

    def score(self, sample: Sample) -> Outcome:
        gold = str(sample.columns.get(self.params.reference) or "").strip()
        if not gold:
            return Outcome.error("unparseable_gold", "empty gold")
        words = sample.completion.split()
        return Outcome.ok(1.0 if words and words[-1].strip(self.params.strip) == gold else 0.0)


class LastWordPlugin:
    @hookimpl
    def register_rewards(self, register):
        register("third.last_word", LastWord)


@pytest.fixture
def last_word(rewardkit_plugin):
    rewardkit_plugin(LastWordPlugin(), "third-last-word")


RECIPE = """\
name: third
rewards:
  - {id: format, reward: format.tags, weight: 0.2}
  - id: match
    reward: third.last_word
    params: {strip: "!"}
"""


def test_preflight_sees_a_third_party_gold_column_by_its_marker(last_word) -> None:
    recipe = loads_recipe(RECIPE)
    uses = list(column_uses(recipe))
    assert [(u.entry_id, u.reward, u.field, u.column, u.gold) for u in uses] == [
        ("match", "third.last_word", "reference", "target", True)
    ]
    assert uses[0].path == ("rewards", 1, "params", "reference")
    errors = missing_columns(recipe, {"question", "solution", "prompt"})
    assert len(errors) == 1
    assert "rewards.1.params.reference: column 'target' (read by third.last_word) is not in the training data" in errors[0]
    assert missing_columns(recipe, {"question", "solution", "target"}) == []


def test_a_column_given_in_the_recipe_is_located_at_its_line(last_word, tmp_path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(RECIPE.replace('{strip: "!"}', "\n      reference: answer_text\n"), encoding="utf-8")
    from rewardkit.recipe import load_recipe

    (error,) = missing_columns(load_recipe(path), {"question"})
    assert error.startswith(f"{path}:7: rewards.1.params.reference: column 'answer_text'")


def test_gold_parse_rate_counts_the_third_party_gold_reader(last_word) -> None:
    from datasets import Dataset

    from rewardkit.runtime import compile_recipe

    recipe = loads_recipe(RECIPE)
    rows = Dataset.from_list(
        [
            {"question": "q1", "solution": "5", "reference": "It is 5!", "target": "5"},
            {"question": "q2", "solution": "6", "reference": "It is 6!", "target": "6"},
            {"question": "q3", "solution": "7", "reference": "It is 7!", "target": ""},
            {"question": "q4", "solution": "8", "reference": "It is 9!", "target": "8"},
        ]
    )
    compiled = compile_recipe(recipe)
    try:
        checks, parsed, correct, n = check_rewards_on_reference(recipe, compiled, rows, limit=10)
    finally:
        compiled.close()
    by_id = {c.id: c for c in checks}
    assert by_id["match"].uses_gold and not by_id["format"].uses_gold
    assert (n, parsed, correct) == (4, 0.75, 0.5)


def test_evaluation_judges_with_the_recipes_gold_reader_pointed_at_the_rows_gold(last_word) -> None:
    judge = make_judge(loads_recipe(RECIPE))
    assert judge.name == "third.last_word"
    assert judge.reward.params.reference == "solution"  # the eval rows' gold column
    assert judge.reward.params.strip == "!"  # the rest as in the recipe
    assert judge(["so it is 42!", "so it is 41!", "42 is not it"], ["42", "42", "42"]) == [True, False, False]


def test_wrapped_gold_readers_count() -> None:
    recipe = loads_recipe("rewards:\n  - {reward: format.tags}\n  - {reward: shaping.cosine, params: {max_length: 50}}\n")
    use = gold_reader(recipe)
    assert use is not None and use.reward == "math.equivalence" and use.entry_id == "shaping.cosine"
    assert make_judge(recipe).name == "math.equivalence"


def test_without_a_gold_reader_math_equivalence_judges_with_the_eval_locale() -> None:
    recipe = loads_recipe("rewards:\n  - {reward: format.tags}\n")
    assert gold_reader(recipe) is None
    vi, en = make_judge(recipe, "vi"), make_judge(recipe, "en")
    assert vi.name == en.name == "math.equivalence"
    assert vi(["Đáp số: 2.500"], ["2500"]) == [True]
    assert en(["The answer is 2.500"], ["2500"]) == [False]


def test_no_judge_at_all_is_a_clear_error() -> None:
    with pytest.raises(JudgeUnavailable, match="GoldColumn"):
        make_judge(None, registry=Registry())
