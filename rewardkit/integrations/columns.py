"""Columns in, columns out: the batch function behind the ``datasets`` and Ray Data integrations.

A batch is a mapping of column name to a list of values (``Dataset.map(batched=True)`` and Ray's
``map_batches`` both hand one over). Each row becomes a :class:`~rewardkit.Sample` the way a rows
file's line does, so the recipe's params name the dataset's own columns (``gold: answer``). The
scorer is picklable: it carries the recipe, not the compiled rewards, and each process compiles
once on first use (with its own engine and worker pool, so isolation and timeouts hold there too).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rewardkit.recipe import Recipe, load_recipe
from rewardkit.rows import RESERVED, sample_from_row
from rewardkit.runtime import CompiledRecipe, compile_recipe
from rewardkit.score import score_samples


class ColumnScorer:
    """Scores batches of columns with a recipe; returns the new columns (total, one per reward, outcomes).

    Args:
        recipe: a loaded :class:`~rewardkit.recipe.Recipe` or the path of a recipe file.
        completion_column: the column holding completions (text or chat messages).
        prompt_column: the column holding prompts (optional in the data).
        prefix: prepended to every new column: ``{prefix}total``, ``{prefix}<reward id>``.
        outcomes: also add ``{prefix}<reward id>_outcome`` (``ok``, ``skip``, ``error:<kind>``).
        step: training step at which scheduled weights are read.
    """

    def __init__(
        self,
        recipe: Recipe | str | Path,
        completion_column: str = "completion",
        prompt_column: str = "prompt",
        prefix: str = "reward_",
        outcomes: bool = False,
        step: int = 0,
    ) -> None:
        self.recipe = recipe if isinstance(recipe, Recipe) else load_recipe(recipe)
        self.completion_column = completion_column
        self.prompt_column = prompt_column
        self.prefix = prefix
        self.outcomes = outcomes
        self.step = step
        self._compiled: CompiledRecipe | None = None

    @property
    def compiled(self) -> CompiledRecipe:
        if self._compiled is None:
            self._compiled = compile_recipe(self.recipe)
        return self._compiled

    def output_columns(self) -> list[str]:
        """The names of the columns :meth:`__call__` adds, in order."""
        ids = [node.key for node in self.recipe.rewards]
        names = [f"{self.prefix}total", *(f"{self.prefix}{rid}" for rid in ids)]
        if self.outcomes:
            names += [f"{self.prefix}{rid}_outcome" for rid in ids]
        return names

    def __call__(self, batch: Mapping[str, Sequence[Any]]) -> dict[str, list[Any]]:
        if self.completion_column not in batch:
            raise KeyError(f"no column {self.completion_column!r} (columns: {', '.join(batch)}); set completion_column")
        n = len(batch[self.completion_column])
        rows = [self._row(batch, i) for i in range(n)]
        results = score_samples(self.recipe, [sample_from_row(row) for row in rows], step=self.step, compiled=self.compiled)
        out: dict[str, list[Any]] = {f"{self.prefix}total": [r.total for r in results]}
        for rid in self.compiled.ids:
            out[f"{self.prefix}{rid}"] = [r.rewards[rid] for r in results]
        if self.outcomes:
            for rid in self.compiled.ids:
                out[f"{self.prefix}{rid}_outcome"] = [r.outcomes[rid] for r in results]
        return out

    def _row(self, batch: Mapping[str, Sequence[Any]], i: int) -> dict[str, Any]:
        row = {k: v[i] for k, v in batch.items() if k not in RESERVED and k not in (self.completion_column, self.prompt_column)}
        row["completion"] = _plain_value(batch[self.completion_column][i])
        if self.prompt_column in batch:
            row["prompt"] = _plain_value(batch[self.prompt_column][i])
        return row

    def close(self) -> None:
        """Stop this process's worker pool (also stopped at interpreter exit)."""
        if self._compiled is not None:
            self._compiled.close()
            self._compiled = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_compiled": None}  # each process compiles (and starts workers) for itself


def _plain_value(value: Any) -> Any:
    """Arrow/numpy containers (chat messages come back as arrays of dicts) as plain lists."""
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()
    if isinstance(value, list):
        return [dict(v) if isinstance(v, Mapping) else v for v in value]
    return value
