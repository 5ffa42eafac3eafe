"""Score a Hugging Face ``datasets.Dataset`` with a recipe, in parallel with ``Dataset.map``.

Example (rejection sampling: keep the correct samples)::

    from datasets import load_dataset
    from rewardkit.integrations.hf_datasets import score_dataset

    samples = load_dataset("json", data_files="samples.jsonl", split="train")  # question, completion, answer
    scored = score_dataset(samples, "my-judge.yaml", num_proc=4)     # params: {gold: answer}
    correct = scored.filter(lambda row: row["reward_correct"] == 1.0)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rewardkit.integrations.columns import ColumnScorer
from rewardkit.recipe import Recipe


def score_dataset(
    dataset: Any,
    recipe: Recipe | str | Path,
    *,
    completion_column: str = "completion",
    prompt_column: str = "prompt",
    prefix: str = "reward_",
    outcomes: bool = False,
    step: int = 0,
    batch_size: int = 512,
    num_proc: int | None = None,
    **map_kwargs: Any,
) -> Any:
    """``dataset`` with the total and one column per reward added (``{prefix}total``, ``{prefix}<id>``).

    Runs ``dataset.map(batched=True, num_proc=num_proc)``; every process compiles the recipe once and
    runs its isolated rewards in its own worker pool (``engine.workers`` per process: with several
    processes, set ``engine: {workers: 1}`` in the recipe to avoid oversubscribing the cores).
    ``outcomes=True`` adds ``{prefix}<id>_outcome`` (``ok``, ``skip``, ``error:<kind>``) so that errors
    are filtered apart rather than read as 0. Extra keyword arguments go to ``Dataset.map``.
    """
    scorer = ColumnScorer(recipe, completion_column, prompt_column, prefix, outcomes, step)
    clash = [name for name in scorer.output_columns() if name in dataset.column_names]
    if clash:
        raise ValueError(f"the dataset already has columns {clash}; pass another prefix")
    try:
        return dataset.map(scorer, batched=True, batch_size=batch_size, num_proc=num_proc, **map_kwargs)
    finally:
        scorer.close()
