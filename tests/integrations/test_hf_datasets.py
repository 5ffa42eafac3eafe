"""``score_dataset``: a recipe over a ``datasets.Dataset`` with ``Dataset.map``, in one process and in two."""

from __future__ import annotations

import pytest
from dataset_rows import rows

datasets = pytest.importorskip("datasets", reason="the train extra (datasets) is not installed")

from rewardkit.integrations.hf_datasets import score_dataset  # noqa: E402
from rewardkit.recipe import load_recipe  # noqa: E402
from rewardkit.score import score_rows  # noqa: E402


@pytest.mark.parametrize("num_proc", [None, 2])
def test_adds_total_and_per_reward_columns_that_filter_keeps_the_correct_rows(recipe_path, num_proc):
    data = rows(40)
    ds = datasets.Dataset.from_list(data)
    scored = score_dataset(ds, recipe_path, num_proc=num_proc, batch_size=8, outcomes=True, load_from_cache_file=False)
    assert scored.column_names == [
        "completion",
        "answer",
        "reward_total",
        "reward_correct",
        "reward_fmt",
        "reward_correct_outcome",
        "reward_fmt_outcome",
    ]
    expected = [0.0 if i % 3 == 0 else 1.0 for i in range(40)]
    assert scored["reward_correct"] == expected
    assert set(scored["reward_correct_outcome"]) == {"ok"}
    correct = scored.filter(lambda row: row["reward_correct"] == 1.0)
    assert correct.num_rows == sum(expected)
    # the same numbers as `rewardkit score` on the same rows
    offline = score_rows(load_recipe(recipe_path), data)
    assert scored["reward_total"] == pytest.approx([r.total for r in offline])


def test_own_column_names_and_a_recipe_object(recipe_path):
    recipe = load_recipe(recipe_path)
    ds = datasets.Dataset.from_list([{"output": r["completion"], "answer": r["answer"]} for r in rows(6)])
    scored = score_dataset(ds, recipe, completion_column="output", prefix="rk_", load_from_cache_file=False)
    assert scored["rk_correct"] == [0.0, 1.0, 1.0, 0.0, 1.0, 1.0]
    with pytest.raises(ValueError, match="already has columns"):
        score_dataset(scored, recipe, completion_column="output", prefix="rk_")


def test_chat_message_completions(recipe_path):
    ds = datasets.Dataset.from_list(
        [{"completion": [{"role": "assistant", "content": "<think>1+1=2</think><answer>2</answer>"}], "answer": "2"}]
    )
    scored = score_dataset(ds, recipe_path, load_from_cache_file=False)
    assert scored["reward_correct"] == [1.0] and scored["reward_fmt"] == [1.0]


def test_isolation_holds_inside_map(fault_recipe):
    ds = datasets.Dataset.from_list([{"completion": "ok:0.5"}, {"completion": "sleep"}, {"completion": "ok:1"}])
    scored = score_dataset(ds, fault_recipe, outcomes=True, load_from_cache_file=False)
    assert scored["reward_inject"] == [0.5, None, 1.0]
    assert scored["reward_inject_outcome"] == ["ok", "error:timeout", "ok"]
