"""Offline scoring of rows with a recipe, combined the way TRL combines rewards in training.

TRL multiplies each reward by its weight and ``nansum``s them: a ``None`` (skip) contributes
nothing, and a row where every reward skipped has no total (TRL warns and uses NaN). The
``score`` and ``test`` commands use this module, so offline numbers equal training numbers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rewardkit.outcome import plain
from rewardkit.recipe import Recipe
from rewardkit.reward import Sample, message_text
from rewardkit.runtime import CompiledRecipe, compile_recipe


@dataclass
class RowResult:
    """One row's scores: per reward id, the TRL value, the outcome label, time and details."""

    id: Any
    total: float | None
    rewards: dict[str, float | None]
    outcomes: dict[str, str]
    elapsed_ms: dict[str, float]
    details: dict[str, dict[str, Any]] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)

    def to_json(self, explain: bool = True) -> dict[str, Any]:
        row: dict[str, Any] = {
            "id": self.id,
            "total": self.total,
            "rewards": self.rewards,
            "outcomes": self.outcomes,
            "elapsed_ms": {k: round(v, 3) for k, v in self.elapsed_ms.items()},
        }
        if explain:
            row["details"] = {
                k: {**v, **({"message": self.messages[k]} if self.messages.get(k) else {})}
                for k, v in self.details.items()
                if v or self.messages.get(k)
            }
        return row


def weighted_total(values: Sequence[float | None], weights: Sequence[float]) -> float | None:
    """TRL's rule: ``nansum(w * r)``; ``None`` when every reward skipped."""
    present = [w * v for v, w in zip(values, weights, strict=True) if v is not None]
    return sum(present) if present else None


def score_samples(
    recipe: Recipe,
    samples: Sequence[Sample],
    ids: Sequence[Any] | None = None,
    step: int = 0,
    compiled: CompiledRecipe | None = None,
) -> list[RowResult]:
    """Score ``samples`` with every reward of ``recipe``; results in input order."""
    own = compiled is None
    compiled = compiled or compile_recipe(recipe)
    try:
        per_func = [func.evaluate(samples) for func in compiled.funcs]
        per_values = [func.values(scored, step) for func, scored in zip(compiled.funcs, per_func, strict=True)]
    finally:
        if own:
            compiled.close()
    ids_ = compiled.ids
    weights = compiled.weights
    rows = []
    for i in range(len(samples)):
        scored = [column[i] for column in per_func]
        values = [column[i] for column in per_values]
        rows.append(
            RowResult(
                id=ids[i] if ids is not None else i,
                total=weighted_total(values, weights),
                rewards=dict(zip(ids_, values, strict=True)),
                outcomes={name: s.outcome.label for name, s in zip(ids_, scored, strict=True)},
                elapsed_ms={name: s.elapsed_ms for name, s in zip(ids_, scored, strict=True)},
                details={name: plain(s.outcome.details) for name, s in zip(ids_, scored, strict=True)},
                messages={name: s.outcome.message for name, s in zip(ids_, scored, strict=True) if s.outcome.message},
            )
        )
    return rows


def sample_from_row(row: dict[str, Any]) -> Sample:
    """A JSONL row (``completion``, optional ``prompt``/``id``, any columns) as a :class:`Sample`."""
    columns = {k: v for k, v in row.items() if k not in {"completion", "prompt", "id"}}
    return Sample(
        completion=message_text(row.get("completion"), role="assistant"),
        prompt=message_text(row.get("prompt"), role="user"),
        columns=columns,
        completion_ids=row.get("completion_ids"),
    )


class RowsError(Exception):
    """A rows file is unreadable; the message names the file and line."""


def read_rows(path: Path, require: str | None = "completion") -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, row)`` for each non-empty line of a JSONL file; each row must hold ``require``."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise RowsError(f"{path}: cannot read: {exc.strerror or exc}") from None
    with handle:
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise RowsError(f"{path}:{lineno}: not valid JSON: {exc.msg}") from None
            if not isinstance(row, dict) or (require is not None and require not in row):
                key = f" with a {require!r} key" if require else ""
                raise RowsError(f"{path}:{lineno}: each row must be a JSON object{key}")
            yield lineno, row


def score_rows(recipe: Recipe, rows: Iterable[dict[str, Any]], compiled: CompiledRecipe | None = None) -> list[RowResult]:
    rows = list(rows)
    samples = [sample_from_row(r) for r in rows]
    ids = [r.get("id", i) for i, r in enumerate(rows)]
    return score_samples(recipe, samples, ids, compiled=compiled)
