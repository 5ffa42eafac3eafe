"""Offline scoring of rows with a recipe, combined the way TRL combines rewards in training.

TRL multiplies each reward by its weight and ``nansum``s them: a ``None`` (skip) contributes
nothing, and a row where every reward skipped has no total (TRL warns and uses NaN). The
``score``, ``test`` and ``probe`` commands use this module, so offline numbers equal training numbers.

:func:`score_stream` scores any number of rows in batches and yields results in input order as
they complete: memory is bounded by the batch size and the worker pool, not by the input, and a
:class:`Summary` keeps running counters for the end-of-run tables.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rewardkit.engine import LATENCIES_KEPT, percentile
from rewardkit.outcome import plain
from rewardkit.recipe import Recipe
from rewardkit.reward import Sample
from rewardkit.rows import sample_from_row
from rewardkit.runtime import CompiledRecipe, compile_recipe

DEFAULT_BATCH = 1024  # rows scored together: big enough for dedupe and worker batching, small enough to stream


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
            "id": plain(self.id),
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
    """TRL's rule: ``nansum(w * r)``; ``None`` when every reward skipped (or the sum overflows: never inf/NaN)."""
    present = [w * v for v, w in zip(values, weights, strict=True) if v is not None]
    if not present:
        return None
    total = sum(present)
    return total if math.isfinite(total) else None


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


def score_rows(
    recipe: Recipe, rows: Iterable[Mapping[str, Any]], compiled: CompiledRecipe | None = None, step: int = 0
) -> list[RowResult]:
    """Every row scored, in order (for files that fit in memory; see :func:`score_stream` for any size)."""
    own = compiled is None
    compiled = compiled or compile_recipe(recipe)
    try:
        return list(score_stream(recipe, rows, compiled=compiled, step=step))
    finally:
        if own:
            compiled.close()


def score_stream(
    recipe: Recipe,
    rows: Iterable[Mapping[str, Any]],
    compiled: CompiledRecipe,
    step: int = 0,
    batch_size: int = DEFAULT_BATCH,
) -> Iterator[RowResult]:
    """Score ``rows`` (dicts as in a rows file) batch by batch; yield each row's result in input order.

    A row without an ``id`` gets its position (0-based) as id.
    """
    _ = compiled.engine  # worker processes start (and build the isolated rewards) while the first batch is read
    index = 0
    batch: list[Mapping[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= batch_size:
            yield from _score_batch(recipe, batch, index, compiled, step)
            index += len(batch)
            batch = []
    if batch:
        yield from _score_batch(recipe, batch, index, compiled, step)


def _score_batch(
    recipe: Recipe, rows: Sequence[Mapping[str, Any]], first: int, compiled: CompiledRecipe, step: int
) -> list[RowResult]:
    samples = [sample_from_row(row) for row in rows]
    ids = [row.get("id", first + i) for i, row in enumerate(rows)]
    return score_samples(recipe, samples, ids, step=step, compiled=compiled)


@dataclass
class Summary:
    """Running counters over scored rows, for the tables printed at the end: memory stays bounded.

    Counts are per row (a completion that appears three times counts three times), latencies keep
    the latest :data:`~rewardkit.engine.LATENCIES_KEPT` rows per reward.
    """

    ids: list[str]
    rows: int = 0
    totals: int = 0  # rows with a total
    total_sum: float = 0.0
    outcomes: dict[str, Counter[str]] = field(default_factory=dict)
    latencies: dict[str, deque[float]] = field(default_factory=dict)

    def add(self, result: RowResult) -> None:
        self.rows += 1
        if result.total is not None:
            self.totals += 1
            self.total_sum += result.total
        for rid in self.ids:
            self.outcomes.setdefault(rid, Counter())[result.outcomes.get(rid, "missing")] += 1
            ring = self.latencies.get(rid)
            if ring is None:
                ring = self.latencies[rid] = deque(maxlen=LATENCIES_KEPT)
            ring.append(result.elapsed_ms.get(rid, 0.0))

    @property
    def mean_total(self) -> float | None:
        return self.total_sum / self.totals if self.totals else None

    def latency(self, rid: str, q: float) -> float:
        return percentile(sorted(self.latencies.get(rid, [])), q)

    def to_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "mean_total": self.mean_total,
            "rewards": {
                rid: {
                    "outcomes": dict(self.outcomes.get(rid, {})),
                    "p50_ms": self.latency(rid, 0.5),
                    "p95_ms": self.latency(rid, 0.95),
                    "max_ms": max(self.latencies.get(rid, [0.0]) or [0.0]),
                }
                for rid in self.ids
            },
        }
