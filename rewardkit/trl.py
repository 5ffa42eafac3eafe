"""A recipe compiled for TRL's ``GRPOTrainer``: ``reward_funcs`` plus ``reward_weights``.

A plain weighted entry becomes one callable whose ``__name__`` is the entry id, and its weight goes
to ``GRPOConfig(reward_weights=...)``: TRL then weights, ``nansum``s and logs every component as
``rewards/<id>/mean``. A scheduled weight cannot live in ``reward_weights`` (TRL's are constant),
so such an entry gets weight 1.0 and scales its own values by the schedule at
``trainer_state.global_step``.

``compiled.async_funcs()`` gives the same callables as coroutines: TRL then gathers them
concurrently, so a reward waiting on worker processes overlaps the others.

Nothing here imports torch or trl: the callables only follow TRL's calling convention.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rewardkit.compose import CompiledNode, NodeResult, compile_nodes
from rewardkit.engine import Engine
from rewardkit.recipe import EngineSettings, Recipe, WeightSchedule
from rewardkit.reward import Sample, samples_from_trl

# Details worth a column in TRL's completions table (log_extra); the rest stay in `score --explain`.
LOGGED_DETAILS = ("extracted", "parsed", "rule", "reason")


class EngineHandle:
    """One engine per process, shared by a recipe's callables, created lazily.

    Reward callables are pickled into other processes (accelerate, dataloader workers); the
    engine, with its worker processes, is never pickled: each process builds its own.
    """

    def __init__(self, settings: EngineSettings) -> None:
        self.settings = settings
        self._engine: Engine | None = None
        self._lock = threading.Lock()  # async reward functions reach for the engine from several threads

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                self._engine = Engine(self.settings)
            return self._engine

    def close(self) -> None:
        with self._lock:
            engine, self._engine = self._engine, None
        if engine is not None:
            engine.close()

    def __getstate__(self) -> dict[str, Any]:
        return {"settings": self.settings}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.settings = state["settings"]
        self._engine = None
        self._lock = threading.Lock()


class RecipeReward:
    """One recipe entry as a TRL reward function (picklable; ``__name__`` is the entry id)."""

    def __init__(self, node: CompiledNode, handle: EngineHandle, weight_in_trl: float) -> None:
        self.node = node
        self.handle = handle
        self.weight_in_trl = weight_in_trl
        self.__name__ = node.id

    def evaluate(self, samples: Sequence[Sample], step: int | None = None) -> list[NodeResult]:
        """Outcomes and TRL values for ``samples`` (values scaled by a weight schedule at ``step``)."""
        results = self.node.evaluate(samples, self.handle.engine)
        if isinstance(self.node.weight, WeightSchedule):
            scale = self.node.weight.at(step or 0)
            results = [NodeResult(r.outcome, None if r.value is None else r.value * scale, r.elapsed_ms) for r in results]
        return results

    def __call__(
        self,
        prompts: Sequence[Any] | None = None,
        completions: Sequence[Any] | None = None,
        completion_ids: Sequence[Sequence[int]] | None = None,
        **kwargs: Any,
    ) -> list[float | None]:
        samples = samples_from_trl(prompts, completions or [], completion_ids, **kwargs)
        state = kwargs.get("trainer_state")
        step = getattr(state, "global_step", 0) if state is not None else 0
        results = self.evaluate(samples, step)
        log_extra = kwargs.get("log_extra")
        if callable(log_extra):
            _log_details(log_extra, self.node.id, results)
        log_metric = kwargs.get("log_metric")
        if callable(log_metric):
            _log_outcomes(log_metric, self.node.id, results)
        return [r.value for r in results]

    def __repr__(self) -> str:
        return f"RecipeReward({self.node.id!r})"


class AsyncRecipeReward:
    """A :class:`RecipeReward` as a coroutine function, for TRL to ``asyncio.gather`` with the others.

    The work runs in a thread (the engine is thread-safe and waits on worker processes without
    holding the GIL), so a slow isolated reward no longer delays the inline ones.
    """

    def __init__(self, func: RecipeReward) -> None:
        self.func = func
        self.__name__ = func.__name__

    async def __call__(
        self,
        prompts: Sequence[Any] | None = None,
        completions: Sequence[Any] | None = None,
        completion_ids: Sequence[Sequence[int]] | None = None,
        **kwargs: Any,
    ) -> list[float | None]:
        return await asyncio.to_thread(self.func, prompts, completions, completion_ids, **kwargs)

    def __repr__(self) -> str:
        return f"AsyncRecipeReward({self.__name__!r})"


def _log_details(log_extra: Any, node_id: str, results: list[NodeResult]) -> None:
    log_extra(f"{node_id}/outcome", [r.outcome.label for r in results])
    for key in LOGGED_DETAILS:
        if any(key in r.outcome.details for r in results):
            log_extra(f"{node_id}/{key}", [_short(r.outcome.details.get(key)) for r in results])


def _log_outcomes(log_metric: Any, node_id: str, results: list[NodeResult]) -> None:
    """Per-call rates and latencies; TRL averages them over each logging step (TensorBoard, W&B)."""
    n = len(results) or 1
    errors = [r.outcome.kind.value for r in results if r.outcome.status == "error" and r.outcome.kind is not None]
    log_metric(f"rewardkit/{node_id}/error_rate", len(errors) / n)
    log_metric(f"rewardkit/{node_id}/skip_rate", sum(r.outcome.status == "skip" for r in results) / n)
    log_metric(f"rewardkit/{node_id}/timeout_rate", errors.count("timeout") / n)
    log_metric(f"rewardkit/{node_id}/crash_rate", errors.count("crash") / n)
    latencies = sorted(r.elapsed_ms for r in results)
    if latencies:
        last = len(latencies) - 1
        log_metric(f"rewardkit/{node_id}/p50_ms", latencies[int(0.5 * last + 0.5)])
        log_metric(f"rewardkit/{node_id}/p95_ms", latencies[min(last, int(0.95 * last + 0.5))])
        log_metric(f"rewardkit/{node_id}/max_ms", latencies[-1])


def _short(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 200 else text[:197] + "..."


@dataclass
class CompiledRecipe:
    """What ``GRPOTrainer`` needs: ``reward_funcs=compiled.funcs``, ``reward_weights=compiled.weights``."""

    funcs: list[RecipeReward]
    weights: list[float]
    handle: EngineHandle
    ids: list[str] = field(default_factory=list)

    @property
    def engine(self) -> Engine:
        return self.handle.engine

    def async_funcs(self) -> list[AsyncRecipeReward]:
        """The same reward functions as coroutines (TRL runs them concurrently); weights are unchanged."""
        return [AsyncRecipeReward(func) for func in self.funcs]

    def close(self) -> None:
        self.handle.close()

    def __enter__(self) -> CompiledRecipe:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def compile_recipe(recipe: Recipe) -> CompiledRecipe:
    """Compile ``recipe`` to TRL reward functions and weights (see the module docstring)."""
    handle = EngineHandle(recipe.engine)
    funcs, weights = [], []
    for node in compile_nodes(recipe):
        weight = 1.0 if isinstance(node.weight, WeightSchedule) else float(node.weight)
        funcs.append(RecipeReward(node, handle, weight))
        weights.append(weight)
    return CompiledRecipe(funcs, weights, handle, [f.__name__ for f in funcs])
