"""Recipe nodes turned into runnable pieces: leaves (one reward each) and the nodes that combine them.

A *leaf* is one built reward plus how to run it (isolation, timeout) and how to rebuild it in a
worker process (its blueprint). A *compiled node* is one entry of the recipe's ``rewards:`` list:
it runs its leaves through the engine, combines their outcomes (gate, clip, min, product) and maps
errors to what TRL receives with the entry's ``on_error``/``on_timeout`` policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from rewardkit.outcome import ErrorKind, Outcome
from rewardkit.params import RewardParams
from rewardkit.plugins import get_registry
from rewardkit.recipe import (
    ClipNode,
    EngineSettings,
    GateNode,
    MinNode,
    Node,
    Policy,
    ProductNode,
    Recipe,
    RewardEntry,
    RewardRef,
    ValuePolicy,
    WeightSchedule,
)
from rewardkit.reward import Reward, Sample

if TYPE_CHECKING:
    from rewardkit.engine import Engine


class RewardRaised(RuntimeError):
    """A reward failed and its recipe policy is ``raise``: the training step stops, on purpose."""


@dataclass(frozen=True)
class Blueprint:
    """Everything a worker process needs to rebuild a reward: its name, params and local plugins."""

    reward: str
    params: dict[str, Any]
    plugins: tuple[str, ...] = ()
    base_dir: str = "."

    def build(self) -> Reward:
        from pathlib import Path

        from rewardkit.plugins import load_local_plugins

        if self.plugins:
            load_local_plugins(list(self.plugins), Path(self.base_dir))
        return get_registry().build(self.reward, self.params)


@dataclass
class Leaf:
    """One reward to run: the built object, where to run it and how long it may take."""

    key: str  # the name its counters and latencies are kept under ("format", "answer/gate", ...)
    reward: Reward
    blueprint: Blueprint
    isolation: str  # "inline" or "process" (``auto`` is resolved when compiling)
    timeout_s: float

    @property
    def params(self) -> RewardParams:
        return self.reward.params


class Scored(NamedTuple):
    """A leaf's outcome for one sample, with the time the reward itself spent on it.

    Named tuples, not frozen dataclasses: one is made per completion per reward per step, and a
    frozen dataclass costs as much to build as a cheap reward's engine overhead budget.
    """

    outcome: Outcome
    elapsed_ms: float = 0.0


class NodeResult(NamedTuple):
    """A recipe entry's verdict on one sample: the outcome and the value TRL receives."""

    outcome: Outcome
    value: float | None
    elapsed_ms: float


@dataclass
class CompiledNode:
    """A recipe entry ready to run."""

    id: str
    node: Node
    leaves: list[Leaf]
    on_error: Policy
    on_timeout: Policy
    weight: float | WeightSchedule = 1.0
    children: dict[str, Leaf] = field(default_factory=dict)

    @property
    def scheduled(self) -> bool:
        return isinstance(self.weight, WeightSchedule)

    def evaluate(self, samples: Sequence[Sample], engine: Engine) -> list[NodeResult]:
        """Run the leaves on the rows the entry applies to, combine their outcomes and apply the policies."""
        condition = self.node.when
        if condition is None:
            return self._evaluate(samples, engine)
        applies = [i for i, sample in enumerate(samples) if condition.matches(sample.columns)]
        skipped = NodeResult(Outcome.skip(f"not applicable: {condition.describe()}"), None, 0.0)
        results = [skipped] * len(samples)
        if applies:
            for i, result in zip(applies, self._evaluate([samples[i] for i in applies], engine), strict=True):
                results[i] = result
        return results

    def _evaluate(self, samples: Sequence[Sample], engine: Engine) -> list[NodeResult]:
        node = self.node
        n = len(samples)
        if isinstance(node, GateNode):
            gate, then = self.leaves
            gate_scored = engine.run(gate, samples)
            open_idx = [i for i, s in enumerate(gate_scored) if s.outcome.status == "ok" and s.outcome.score >= node.threshold]  # type: ignore[operator]
            then_scored = engine.run(then, [samples[i] for i in open_idx]) if open_idx else []
            by_index = dict(zip(open_idx, then_scored, strict=True))
            results = []
            for i in range(n):
                g = gate_scored[i]
                elapsed = g.elapsed_ms
                if i in by_index:
                    t = by_index[i]
                    elapsed += t.elapsed_ms
                    outcome = _with_details(t.outcome, gate_score=g.outcome.score)
                elif g.outcome.status == "error":
                    outcome = _prefixed(g.outcome, f"gate {gate.blueprint.reward}")
                elif g.outcome.status == "skip":
                    outcome = g.outcome
                else:
                    outcome = Outcome.ok(node.otherwise, gate="closed", gate_score=g.outcome.score)
                results.append(self._result(outcome, elapsed))
            return results

        per_leaf = [engine.run(leaf, samples) for leaf in self.leaves]
        if isinstance(node, RewardEntry):  # the common case, kept lean: it runs for every completion of every step
            value_for, make = self.value_for, NodeResult._make
            return [make((o, o.score if o.status == "ok" else value_for(o), ms)) for o, ms in per_leaf[0]]
        results = []
        for i in range(n):
            scored = [column[i] for column in per_leaf]
            elapsed = sum(s.elapsed_ms for s in scored)
            outcomes = [s.outcome for s in scored]
            if isinstance(node, RewardEntry):
                outcome = outcomes[0]
            elif isinstance(node, ClipNode):
                outcome = _clip(outcomes[0], node.min, node.max)
            else:
                outcome = _reduce(outcomes, [leaf.blueprint.reward for leaf in self.leaves], node)
            results.append(self._result(outcome, elapsed))
        return results

    def _result(self, outcome: Outcome, elapsed_ms: float) -> NodeResult:
        return NodeResult(outcome, self.value_for(outcome), elapsed_ms)

    def value_for(self, outcome: Outcome) -> float | None:
        """What TRL receives for ``outcome`` under this entry's policies."""
        if outcome.status == "ok":
            return outcome.score
        if outcome.status == "skip":
            return None
        policy = self.on_timeout if outcome.kind == ErrorKind.TIMEOUT else self.on_error
        if isinstance(policy, ValuePolicy):
            return policy.value
        if policy == "skip":
            return None
        raise RewardRaised(f"reward {self.id!r}: {outcome.label}: {outcome.message}")


def _with_details(outcome: Outcome, **extra: Any) -> Outcome:
    return Outcome(outcome.status, outcome.score, outcome.kind, outcome.message, {**outcome.details, **extra})


def _prefixed(outcome: Outcome, prefix: str) -> Outcome:
    return Outcome(outcome.status, outcome.score, outcome.kind, f"{prefix}: {outcome.message}", outcome.details)


def _clip(outcome: Outcome, low: float | None, high: float | None) -> Outcome:
    if outcome.status != "ok" or outcome.score is None:
        return outcome
    value = outcome.score
    if low is not None:
        value = max(low, value)
    if high is not None:
        value = min(high, value)
    return Outcome.ok(value, **outcome.details, unclipped=outcome.score)


def _reduce(outcomes: list[Outcome], names: list[str], node: MinNode | ProductNode) -> Outcome:
    for name, outcome in zip(names, outcomes, strict=True):
        if outcome.status == "error":
            return _prefixed(outcome, name)
    if any(o.status == "skip" for o in outcomes):
        return Outcome.skip("a component was not applicable")
    scores = [float(o.score) for o in outcomes]  # type: ignore[arg-type]
    parts = {name: score for name, score in zip(names, scores, strict=True)}
    if isinstance(node, MinNode):
        return Outcome.ok(min(scores), components=parts)
    product = 1.0
    for s in scores:
        product *= s
    return Outcome.ok(product, components=parts)


def _leaf_refs(node: Node) -> list[tuple[str, RewardRef]]:
    if isinstance(node, RewardEntry):
        return [("", RewardRef(reward=node.reward, params=node.params))]
    if isinstance(node, GateNode):
        return [("gate", node.gate), ("then", node.then)]
    if isinstance(node, ClipNode):
        return [("clip", node.clip)]
    refs = node.min if isinstance(node, MinNode) else node.product
    prefix = "min" if isinstance(node, MinNode) else "product"
    return [(f"{prefix}.{i}", ref) for i, ref in enumerate(refs)]


def resolve_isolation(requested: str, reward: Reward) -> str:
    if requested == "auto":
        return "inline" if getattr(reward, "cheap", True) else "process"
    return requested


def compile_nodes(recipe: Recipe) -> list[CompiledNode]:
    """Build every reward of ``recipe`` (validated params) into runnable nodes."""
    registry = get_registry()
    engine: EngineSettings = recipe.engine
    plugins = tuple(recipe.plugins)
    compiled = []
    for node in recipe.rewards:
        leaves = []
        for suffix, ref in _leaf_refs(node):
            spec = registry.reward(ref.reward)
            reward = spec.build(ref.params, registry)
            reward.__name__ = node.key
            leaves.append(
                Leaf(
                    key=f"{node.key}/{suffix}" if suffix else node.key,
                    reward=reward,
                    blueprint=Blueprint(ref.reward, dict(ref.params), plugins, str(recipe.base_dir)),
                    isolation=resolve_isolation(node.isolation or engine.isolation, reward),
                    timeout_s=node.timeout_s or engine.timeout_s,
                )
            )
        compiled.append(CompiledNode(node.key, node, leaves, node.on_error, node.on_timeout, node.weight))
    return compiled
