"""Runs rewards on batches: deduplication, isolation, timeouts, and per-reward statistics.

This is the inline engine; worker-process isolation with hard timeouts plugs in behind
:meth:`Engine.run` (``leaf.isolation == "process"``).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rewardkit.compose import Leaf, Scored
from rewardkit.outcome import Outcome
from rewardkit.recipe import EngineSettings
from rewardkit.reward import Sample, exception_outcome

SLOWEST_KEPT = 5


@dataclass
class RewardStats:
    """Counters and latencies of one leaf since the last reset."""

    counts: Counter[str] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    slowest: list[tuple[float, str]] = field(default_factory=list)  # (ms, completion preview)

    def record(self, sample: Sample, scored: Scored) -> None:
        self.counts[scored.outcome.label] += 1
        self.latencies_ms.append(scored.elapsed_ms)
        if len(self.slowest) < SLOWEST_KEPT or scored.elapsed_ms > self.slowest[-1][0]:
            preview = sample.completion[:80].replace("\n", " ")
            self.slowest = sorted([*self.slowest, (scored.elapsed_ms, preview)], reverse=True)[:SLOWEST_KEPT]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]

    def summary(self) -> dict[str, Any]:
        total = self.total or 1
        return {
            "count": self.total,
            "counts": dict(self.counts),
            "error_rate": sum(v for k, v in self.counts.items() if k.startswith("error")) / total,
            "timeout_rate": self.counts.get("error:timeout", 0) / total,
            "skip_rate": self.counts.get("skip", 0) / total,
            "p50_ms": self.percentile(0.5),
            "p95_ms": self.percentile(0.95),
            "max_ms": max(self.latencies_ms, default=0.0),
            "slowest": [{"ms": ms, "completion": text} for ms, text in self.slowest],
        }


def _dedupe_key(sample: Sample) -> Any:
    try:
        return (sample.completion, sample.prompt, tuple(sorted((k, repr(v)) for k, v in sample.columns.items())))
    except TypeError:
        return None


class Engine:
    """Scores batches of samples with leaves, honouring each leaf's isolation and time limit."""

    def __init__(self, settings: EngineSettings | None = None) -> None:
        self.settings = settings or EngineSettings()
        self.stats: dict[str, RewardStats] = {}

    def run(self, leaf: Leaf, samples: Sequence[Sample]) -> list[Scored]:
        """One :class:`Scored` per sample, in order. Identical samples are scored once."""
        if not samples:
            return []
        unique: dict[Any, int] = {}
        order: list[int] = []
        todo: list[Sample] = []
        for sample in samples:
            key = _dedupe_key(sample) if self.settings.dedupe else None
            if key is None or key not in unique:
                if key is not None:
                    unique[key] = len(todo)
                order.append(len(todo))
                todo.append(sample)
            else:
                order.append(unique[key])
        scored = self._run_inline(leaf, todo)
        stats = self.stats.setdefault(leaf.key, RewardStats())
        for sample, result in zip(todo, scored, strict=True):
            stats.record(sample, result)
        return [scored[i] for i in order]

    def _run_inline(self, leaf: Leaf, samples: Sequence[Sample]) -> list[Scored]:
        results = []
        for sample in samples:
            start = time.perf_counter()
            try:
                outcome = leaf.reward.score_batch([sample])[0]
            except Exception as exc:  # noqa: BLE001 - score_batch overrides may raise
                outcome = exception_outcome(exc)
            results.append(Scored(outcome, (time.perf_counter() - start) * 1000))
        return results

    def snapshot(self, reset: bool = False) -> dict[str, dict[str, Any]]:
        """Per-leaf statistics; ``reset`` starts a new window (one per logging step in training)."""
        result = {key: stats.summary() for key, stats in self.stats.items()}
        if reset:
            self.stats = {}
        return result

    def close(self) -> None:
        """Stop worker processes (none in inline mode)."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def outcome_counts(outcomes: Sequence[Outcome]) -> Counter[str]:
    return Counter(o.label for o in outcomes)
