"""Runs rewards on batches: deduplication, isolation, hard timeouts and per-reward statistics.

Each leaf runs where its ``isolation`` says:

- ``inline``: in this process, sample by sample (a reward that overrides ``score_batch`` gets the
  whole batch at once). No time limit can be enforced here; elapsed times are still recorded.
- ``process``: in a :class:`~rewardkit.workers.WorkerPool` of killable worker processes, started
  once on first use and shared by every leaf. A sample that runs past ``timeout_s`` gets its worker
  killed and a ``timeout`` outcome; a worker that crashes gives its sample a ``crash`` outcome; the
  rest of the batch is scored as usual.

Identical samples in a batch (common in GRPO groups) are scored once. The engine is thread-safe,
so TRL's async reward functions may share it.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rewardkit.recipe import EngineSettings
from rewardkit.reward import Reward, Sample, Scored, run_reward
from rewardkit.workers import WorkerPool

LOCAL_PLUGIN_PREFIX = "rewardkit_local_"  # module names rewardkit.plugins gives plugin files (not importable by name)

SLOWEST_KEPT = 5
LATENCIES_KEPT = 10_000  # the latest latencies only: memory stays bounded over a long run


@dataclass(eq=False)
class Leaf:
    """One reward to run: how to build it (here or in a worker process), where to run it, how long it may take.

    Pickling a leaf (to a worker, or with TRL's reward functions to another process) carries its name,
    params and local plugins, from which the reward is rebuilt there, plus the pickled reward itself as
    a fallback for rewards the registry there does not know (registered at run time, in tests).
    """

    key: str  # the name its counters and latencies are kept under ("format", "answer/gate", ...)
    reward_name: str
    params: dict[str, Any]
    isolation: str  # "inline" or "process" (``auto`` is resolved when compiling)
    timeout_s: float
    plugins: tuple[str, ...] = ()
    base_dir: str = "."
    built: Reward | None = field(default=None, repr=False)
    _fallback: bytes | None = field(default=None, repr=False)
    _fallback_files: tuple[str, ...] = ()  # plugin files the pickled reward's class lives in (imported by path)

    @property
    def reward(self) -> Reward:
        if self.built is None:
            self.built = self.build()
        return self.built

    @property
    def cache_key(self) -> str:
        """What worker processes cache the built reward under: equal leaves share one build."""
        return repr((self.reward_name, self.params, self.plugins, self.base_dir))

    def build(self) -> Reward:
        """Build the reward from its name and params (loading the recipe's local plugins first)."""
        from rewardkit.plugins import get_registry, import_local_plugin, load_local_plugins

        try:
            if self.plugins:
                load_local_plugins(list(self.plugins), Path(self.base_dir))
            reward = get_registry().build(self.reward_name, self.params)
        except Exception:
            if not self._fallback:  # b"": the reward could not be pickled
                raise
            for path in self._fallback_files:  # a plugin registered at run time from a file: import it by path
                import_local_plugin(path, Path(path).parent)
            reward = pickle.loads(self._fallback)
        reward.__name__ = self.key.split("/", 1)[0]
        return reward

    def __getstate__(self) -> dict[str, Any]:
        if self._fallback is None and self.built is not None:
            try:
                self._fallback = pickle.dumps(self.built)
            except Exception:  # noqa: BLE001 - an unpicklable reward relies on being rebuilt by name
                self._fallback = b""
            module = sys.modules.get(type(self.built).__module__)
            if module is not None and module.__name__.startswith(LOCAL_PLUGIN_PREFIX) and getattr(module, "__file__", None):
                self._fallback_files = (str(module.__file__),)
        return {**self.__dict__, "built": None}


def percentile(ordered: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) of already sorted values, nearest rank; 0.0 for none."""
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]


@dataclass
class RewardStats:
    """Counters and latencies of one leaf since the last reset."""

    counts: Counter[str] = field(default_factory=Counter)
    latencies_ms: deque[float] = field(default_factory=lambda: deque(maxlen=LATENCIES_KEPT))  # the latest only
    slowest: list[tuple[float, str]] = field(default_factory=list)  # (ms, completion preview)
    max_ms: float = 0.0

    def record(self, sample: Sample, scored: Scored) -> None:
        self.record_batch([sample], [scored])

    def record_batch(self, samples: Sequence[Sample], scored: Sequence[Scored]) -> None:
        """Count a batch: list-at-a-time operations, since this runs for every completion of every step."""
        self.counts.update([r.outcome.status if r.outcome.kind is None else r.outcome.label for r in scored])
        times = [r.elapsed_ms for r in scored]
        self.latencies_ms.extend(times)  # a bounded deque: percentiles describe the latest LATENCIES_KEPT
        floor = self.slowest[-1][0] if len(self.slowest) >= SLOWEST_KEPT else -1.0
        if times and max(times) > floor:
            candidates = [(ms, s.completion[:80].replace("\n", " ")) for s, ms in zip(samples, times, strict=True) if ms > floor]
            self.slowest = sorted([*self.slowest, *candidates], key=lambda pair: pair[0], reverse=True)[:SLOWEST_KEPT]
            self.max_ms = max(self.max_ms, self.slowest[0][0])

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def percentile(self, q: float) -> float:
        return percentile(sorted(self.latencies_ms), q)

    def summary(self) -> dict[str, Any]:
        total = self.total or 1
        return {
            "count": self.total,
            "counts": dict(self.counts),
            "error_rate": sum(v for k, v in self.counts.items() if k.startswith("error")) / total,
            "timeout_rate": self.counts.get("error:timeout", 0) / total,
            "crash_rate": self.counts.get("error:crash", 0) / total,
            "skip_rate": self.counts.get("skip", 0) / total,
            "p50_ms": self.percentile(0.5),
            "p95_ms": self.percentile(0.95),
            "max_ms": self.max_ms,
            "slowest": [{"ms": ms, "completion": text} for ms, text in self.slowest],
        }


def _dedupe_key(sample: Sample) -> Any:
    """What makes two samples score the same: completion, token ids, prompt and row (``None``: not comparable).

    Token ids belong in the key: the same text can decode from different ids, and length rewards count tokens.
    """
    ids = sample.completion_ids
    head = (sample.completion, sample.prompt) if ids is None else (sample.completion, sample.prompt, tuple(ids))
    columns = sample.columns
    if not columns:
        return head
    items = tuple(columns.items())
    if not [v for _, v in items if type(v) is not str]:  # the common case, and cheap; 1 == 1.0 == True must not merge
        return (*head, items)
    try:
        return (*head, tuple((k, repr(v)) for k, v in items))
    except Exception:  # noqa: BLE001 - an unprintable value: never merge this sample with another
        return None


def _unique(samples: Sequence[Sample]) -> tuple[list[int], list[Sample]]:
    """For each sample, the index of its first equal in the list of distinct samples; and that list."""
    unique: dict[Any, int] = {}
    order: list[int] = []
    todo: list[Sample] = []
    for sample in samples:
        key = _dedupe_key(sample)
        if key is None:
            order.append(len(todo))
            todo.append(sample)
        elif key in unique:
            order.append(unique[key])
        else:
            unique[key] = len(todo)
            order.append(len(todo))
            todo.append(sample)
    return order, todo


def default_workers() -> int:
    """Worker processes for ``workers: auto``: the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def worker_count(settings: EngineSettings) -> int:
    """Workers to start: one per core for ``auto``; a number is capped at the cores unless ``oversubscribe``.

    More CPU-bound workers than cores only adds switching (and 40 processes on 2 cores is a typo).
    """
    cores = default_workers()
    if settings.workers == "auto":
        return cores
    return int(settings.workers) if settings.oversubscribe else min(int(settings.workers), cores)


class Engine:
    """Scores batches of samples with leaves, honouring each leaf's isolation and time limit.

    Args:
        settings: the recipe's ``engine:`` section (isolation default, timeout, workers, memory, dedupe).

    Example:
        >>> from rewardkit.engine import Engine
        >>> with Engine() as engine:
        ...     scored = engine.run(leaf, samples)  # doctest: +SKIP
    """

    def __init__(self, settings: EngineSettings | None = None) -> None:
        self.settings = settings or EngineSettings()
        self.stats: dict[str, RewardStats] = {}
        self._lock = threading.Lock()
        self._pool: WorkerPool | None = None

    def run(self, leaf: Leaf, samples: Sequence[Sample]) -> list[Scored]:
        """One :class:`Scored` per sample, in order. Identical samples are scored once."""
        if not samples:
            return []
        order: list[int] | None = None
        todo: Sequence[Sample] = samples
        # Distinct completions cannot be duplicates: that common case costs one set, no keys.
        if self.settings.dedupe and len({s.completion for s in samples}) < len(samples):
            order, todo = _unique(samples)
        scored = self._run_process(leaf, todo) if leaf.isolation == "process" else run_reward(leaf.reward, todo)
        with self._lock:
            stats = self.stats.get(leaf.key)
            if stats is None:
                stats = self.stats[leaf.key] = RewardStats()
            stats.record_batch(todo, scored)
        return scored if order is None else [scored[i] for i in order]

    def prestart(self, leaves: Sequence[Leaf]) -> None:
        """Start the worker processes now, building the first isolated leaf's reward in them (non-blocking)."""
        isolated = [leaf for leaf in leaves if leaf.isolation == "process"]
        if isolated:
            self.pool.prestart(isolated[0])

    def _run_process(self, leaf: Leaf, samples: Sequence[Sample]) -> list[Scored]:
        return [Scored(outcome, ms) for outcome, ms in self.pool.run(leaf, samples)]

    @property
    def pool(self) -> WorkerPool:
        """The worker pool, started on first use (not per batch)."""
        with self._lock:
            if self._pool is None:
                self._pool = WorkerPool(worker_count(self.settings), self.settings.memory_mb, self.settings.max_tasks_per_worker)
            return self._pool

    def pool_stats(self) -> dict[str, Any] | None:
        """Worker processes started, killed on timeout, crashed and recycled (``None`` before any)."""
        return self._pool.stats.summary() if self._pool is not None else None

    def snapshot(self, reset: bool = False) -> dict[str, dict[str, Any]]:
        """Per-leaf statistics; ``reset`` starts a new window (one per logging step in training)."""
        with self._lock:
            result = {key: stats.summary() for key, stats in self.stats.items()}
            if reset:
                self.stats = {}
        return result

    def close(self) -> None:
        """Stop the worker processes, if any were started (a later ``run`` starts new ones)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
