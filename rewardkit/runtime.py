"""A recipe compiled for running: one reward function per entry, plus the weights TRL applies.

This is the runtime behind everything that scores: ``GRPOTrainer(reward_funcs=compiled.funcs,
args=GRPOConfig(reward_weights=compiled.weights))`` in training, and ``score``, ``test`` and
``probe`` offline (through :mod:`rewardkit.score`), so offline numbers equal training numbers.

A plain weighted entry becomes one callable whose ``__name__`` is the entry id, and its weight goes
to ``reward_weights``: TRL then weights, ``nansum``s and logs every component as
``rewards/<id>/mean``. A scheduled weight cannot live in ``reward_weights`` (TRL's are constant),
so such an entry gets weight 1.0 and scales its own values by the schedule at
``trainer_state.global_step``. ``compiled.async_funcs()`` gives the same callables as coroutines:
TRL then gathers them concurrently, so a reward waiting on worker processes overlaps the others.

Nothing here imports torch or trl: the callables only follow TRL's calling convention.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from rewardkit.compose import combine
from rewardkit.engine import Engine, Leaf, percentile
from rewardkit.outcome import ErrorKind, Outcome
from rewardkit.params import Column, roles
from rewardkit.plugins import get_registry
from rewardkit.recipe import EngineSettings, Node, Recipe, ValuePolicy, WeightSchedule
from rewardkit.registry import Registry
from rewardkit.reward import Reward, Sample, Scored, samples_from_trl

logger = logging.getLogger("rewardkit")

# Details worth a column in TRL's completions table (log_extra); the rest stay in `score --explain`.
LOGGED_DETAILS = ("extracted", "parsed", "rule", "reason")


class RewardRaised(RuntimeError):
    """A reward failed and its recipe policy is ``raise``: the training step stops, on purpose."""


class RewardBuildError(RuntimeError):
    """A reward's constructor failed (its params validated): the message names the recipe line and the reward."""


class RecipeReward:
    """One recipe entry, compiled: its rewards (leaves), how they combine, its policies and weight.

    Calling it follows TRL's reward-function contract; it is picklable and its ``__name__`` is the
    entry id. The engine (worker processes) belongs to the :class:`CompiledRecipe` and is shared.
    """

    def __init__(self, node: Node, leaves: list[Leaf], compiled: CompiledRecipe) -> None:
        self.node = node
        self.leaves = leaves
        self.compiled = compiled
        self.__name__ = node.key
        self.weight: float | WeightSchedule = node.weight
        self.weight_in_trl = 1.0 if isinstance(node.weight, WeightSchedule) else float(node.weight)
        self.names = [leaf.reward_name for leaf in leaves]
        self._warned: set[tuple[str, str]] = set()  # (entry id, column) already reported missing
        self._columns_read: list[tuple[str, str, str]] | None = None  # (reward, param, column), on first call

    @property
    def id(self) -> str:
        return self.__name__

    @property
    def scheduled(self) -> bool:
        return isinstance(self.weight, WeightSchedule)

    def evaluate(self, samples: Sequence[Sample]) -> list[Scored]:
        """Each sample's combined outcome and time; rows outside the entry's ``when:`` skip unscored."""
        engine = self.compiled.engine

        def run(i: int, batch: Sequence[Sample]) -> list[Scored]:
            return engine.run(self.leaves[i], batch)

        condition = self.node.when
        if condition is None:
            return combine(self.node, samples, run, self.names)
        applies = [i for i, sample in enumerate(samples) if condition.matches(sample.columns)]
        results = [Scored(Outcome.skip(f"not applicable: {condition.describe()}"))] * len(samples)
        if applies:
            for i, scored in zip(applies, combine(self.node, [samples[i] for i in applies], run, self.names), strict=True):
                results[i] = scored
        return results

    def value_for(self, outcome: Outcome) -> float | None:
        """What TRL receives for ``outcome`` under this entry's policies (before any weight schedule)."""
        if outcome.status == "ok":
            return outcome.score
        if outcome.status == "skip":
            return None
        node = self.node
        policy = node.on_timeout if outcome.kind == ErrorKind.TIMEOUT else node.on_error
        if isinstance(policy, ValuePolicy):
            return policy.value
        if policy == "skip":
            return None
        raise RewardRaised(f"reward {self.id!r}: {outcome.label}: {outcome.message}")

    def values(self, scored: Sequence[Scored], step: int | None = None) -> list[float | None]:
        """TRL's values for ``scored``: policies applied, scaled by a weight schedule at ``step``."""
        value_for = self.value_for
        values = [s.outcome.score if s.outcome.status == "ok" else value_for(s.outcome) for s in scored]
        if isinstance(self.weight, WeightSchedule):
            scale = self.weight.at(step or 0)
            values = [None if v is None else v * scale for v in values]
        return values

    def __call__(
        self,
        prompts: Sequence[Any] | None = None,
        completions: Sequence[Any] | None = None,
        completion_ids: Sequence[Sequence[int]] | None = None,
        **kwargs: Any,
    ) -> list[float | None]:
        samples = samples_from_trl(prompts, completions or [], completion_ids, **kwargs)
        if samples:
            self._warn_missing_columns(samples[0].columns)
        state = kwargs.get("trainer_state")
        step = getattr(state, "global_step", 0) if state is not None else 0
        scored = self.evaluate(samples)
        log_extra = kwargs.get("log_extra")
        if callable(log_extra):
            _log_details(log_extra, self.id, scored)
        log_metric = kwargs.get("log_metric")
        if callable(log_metric):
            _log_outcomes(log_metric, self.id, scored)
        return self.values(scored, step)

    def _warn_missing_columns(self, columns: Mapping[str, Any]) -> None:
        """Log once per column when a reward reads a column the batch lacks: every row would skip, silently."""
        if self._columns_read is None:  # computed once: this runs on every training step
            self._columns_read = [
                (leaf.reward_name, role.field, role.value)
                for leaf in self.leaves
                for role in roles(leaf.reward.params, Column)
                if isinstance(role.value, str)
            ]
        for reward_name, field_name, column in self._columns_read:
            if column not in columns and (self.id, column) not in self._warned:
                self._warned.add((self.id, column))
                logger.warning(
                    "rewardkit: reward %r (%s) reads the dataset column %r, which the batch does not have "
                    "(columns: %s); it skips every row (None). Add the column or set params.%s.",
                    self.id,
                    reward_name,
                    column,
                    ", ".join(sorted(columns)) or "none",
                    field_name,
                )

    def __repr__(self) -> str:
        return f"RecipeReward({self.id!r})"


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


class CompiledRecipe:
    """What ``GRPOTrainer`` needs: ``reward_funcs=compiled.funcs``, ``reward_weights=compiled.weights``.

    Owns the engine, created lazily once per process: the reward functions are pickled into other
    processes (accelerate, dataloader workers), the engine and its worker processes never are.
    """

    def __init__(self, settings: EngineSettings) -> None:
        self.settings = settings
        self.funcs: list[RecipeReward] = []
        self._engine: Engine | None = None
        self._lock = threading.Lock()  # async reward functions reach for the engine from several threads

    @property
    def weights(self) -> list[float]:
        return [func.weight_in_trl for func in self.funcs]

    @property
    def ids(self) -> list[str]:
        return [func.id for func in self.funcs]

    @property
    def engine(self) -> Engine:
        """The engine, created on first use; its worker processes start then, building the isolated rewards."""
        with self._lock:
            if self._engine is None:
                self._engine = Engine(self.settings)
                self._engine.prestart([leaf for func in self.funcs for leaf in func.leaves])
            return self._engine

    def async_funcs(self) -> list[AsyncRecipeReward]:
        """The same reward functions as coroutines (TRL runs them concurrently); weights are unchanged."""
        return [AsyncRecipeReward(func) for func in self.funcs]

    def close(self) -> None:
        """Stop the engine's worker processes (a later call starts new ones)."""
        with self._lock:
            engine, self._engine = self._engine, None
        if engine is not None:
            engine.close()

    def __enter__(self) -> CompiledRecipe:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getstate__(self) -> dict[str, Any]:
        return {"settings": self.settings, "funcs": self.funcs}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["settings"])  # type: ignore[misc]
        self.funcs = state["funcs"]


def resolve_isolation(requested: str, reward: Reward) -> str:
    """``auto`` runs cheap rewards inline and the others (``cheap = False``) in killable workers."""
    if requested == "auto":
        return "inline" if getattr(reward, "cheap", True) else "process"
    return requested


def compile_recipe(recipe: Recipe, registry: Registry | None = None) -> CompiledRecipe:
    """Build every reward of ``recipe`` (validated params) into reward functions and weights."""
    registry = registry or get_registry()
    settings = recipe.engine
    compiled = CompiledRecipe(settings)
    plugins = tuple(recipe.plugins)
    for node in recipe.rewards:
        leaves = []
        for key, ref in node.leaves():
            try:
                reward = registry.build(ref.reward, ref.params)
            except Exception as exc:
                where = recipe.locate(("rewards", recipe.rewards.index(node)))
                raise RewardBuildError(
                    f"{where}: {key}: cannot build reward {ref.reward!r}: {type(exc).__name__}: {exc}"
                ) from exc
            reward.__name__ = node.key
            leaves.append(
                Leaf(
                    key=key,
                    reward_name=ref.reward,
                    params=dict(ref.params),
                    isolation=resolve_isolation(node.isolation or settings.isolation, reward),
                    timeout_s=node.timeout_s or settings.timeout_s,
                    plugins=plugins,
                    base_dir=str(recipe.base_dir),
                    built=reward,
                )
            )
        compiled.funcs.append(RecipeReward(node, leaves, compiled))
    return compiled


def _log_details(log_extra: Any, node_id: str, results: Sequence[Scored]) -> None:
    log_extra(f"{node_id}/outcome", [r.outcome.label for r in results])
    for key in LOGGED_DETAILS:
        if any(key in r.outcome.details for r in results):
            log_extra(f"{node_id}/{key}", [_short(r.outcome.details.get(key)) for r in results])


def _log_outcomes(log_metric: Any, node_id: str, results: Sequence[Scored]) -> None:
    """Per-call rates and latencies; TRL averages them over each logging step (TensorBoard, W&B)."""
    n = len(results) or 1
    errors = [r.outcome.kind.value for r in results if r.outcome.status == "error" and r.outcome.kind is not None]
    log_metric(f"rewardkit/{node_id}/error_rate", len(errors) / n)
    log_metric(f"rewardkit/{node_id}/skip_rate", sum(r.outcome.status == "skip" for r in results) / n)
    log_metric(f"rewardkit/{node_id}/timeout_rate", errors.count("timeout") / n)
    log_metric(f"rewardkit/{node_id}/crash_rate", errors.count("crash") / n)
    latencies = sorted(r.elapsed_ms for r in results)
    if latencies:
        log_metric(f"rewardkit/{node_id}/p50_ms", percentile(latencies, 0.5))
        log_metric(f"rewardkit/{node_id}/p95_ms", percentile(latencies, 0.95))
        log_metric(f"rewardkit/{node_id}/max_ms", latencies[-1])


def _short(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 200 else text[:197] + "..."
