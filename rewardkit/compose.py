"""How a recipe entry combines its rewards' outcomes: one ``combine`` per node kind.

A plain entry runs one reward; composition nodes run several (``gate``, ``clip``, ``min``,
``product``). Each kind's combine takes the samples and a ``run(i, samples)`` callback that scores
the node's ``i``-th reward (through the engine), and returns one :class:`~rewardkit.reward.Scored`
per sample. Policies (``on_error``/``on_timeout``) and weights are applied later, by the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rewardkit.outcome import Outcome
from rewardkit.recipe import ClipNode, GateNode, MinNode, Node, ProductNode, RewardEntry
from rewardkit.reward import Sample, Scored

Run = Callable[[int, Sequence[Sample]], list[Scored]]
Combine = Callable[[Any, Sequence[Sample], Run, Sequence[str]], list[Scored]]


def _single(node: RewardEntry, samples: Sequence[Sample], run: Run, names: Sequence[str]) -> list[Scored]:
    return run(0, samples)


def _gate(node: GateNode, samples: Sequence[Sample], run: Run, names: Sequence[str]) -> list[Scored]:
    """``then`` runs only where the gate is open (its score reaches ``threshold``): closed rows cost nothing."""
    gate_scored = run(0, samples)
    open_idx = [i for i, s in enumerate(gate_scored) if s.outcome.status == "ok" and s.outcome.score >= node.threshold]  # type: ignore[operator]
    then_scored = dict(zip(open_idx, run(1, [samples[i] for i in open_idx]) if open_idx else [], strict=True))
    results = []
    for i, gate in enumerate(gate_scored):
        then = then_scored.get(i)
        if then is not None:
            results.append(Scored(_with_details(then.outcome, gate_score=gate.outcome.score), gate.elapsed_ms + then.elapsed_ms))
        elif gate.outcome.status == "error":
            results.append(Scored(_prefixed(gate.outcome, f"gate {names[0]}"), gate.elapsed_ms))
        elif gate.outcome.status == "skip":
            results.append(gate)
        else:
            results.append(Scored(Outcome.ok(node.otherwise, gate="closed", gate_score=gate.outcome.score), gate.elapsed_ms))
    return results


def _clip(node: ClipNode, samples: Sequence[Sample], run: Run, names: Sequence[str]) -> list[Scored]:
    results = []
    for scored in run(0, samples):
        outcome = scored.outcome
        if outcome.status == "ok" and outcome.score is not None:
            value = outcome.score
            if node.min is not None:
                value = max(node.min, value)
            if node.max is not None:
                value = min(node.max, value)
            outcome = Outcome("ok", value, details={**outcome.details, "unclipped": outcome.score})
        results.append(Scored(outcome, scored.elapsed_ms))
    return results


def _reducer(reduce: Callable[[list[float]], float]) -> Combine:
    """A combine over all of the node's rewards: the first error wins, any skip skips, else ``reduce`` the scores."""

    def combine(node: Any, samples: Sequence[Sample], run: Run, names: Sequence[str]) -> list[Scored]:
        columns = [run(i, samples) for i in range(len(names))]
        results = []
        for row in zip(*columns, strict=True):
            elapsed = sum(s.elapsed_ms for s in row)
            error = next(((name, s.outcome) for name, s in zip(names, row, strict=True) if s.outcome.status == "error"), None)
            if error is not None:
                outcome = _prefixed(error[1], error[0])
            elif any(s.outcome.status == "skip" for s in row):
                outcome = Outcome.skip("a component was not applicable")
            else:
                scores = [float(s.outcome.score) for s in row]  # type: ignore[arg-type]
                outcome = Outcome.ok(reduce(scores), components=dict(zip(names, scores, strict=True)))
            results.append(Scored(outcome, elapsed))
        return results

    return combine


def _product(scores: list[float]) -> float:
    result = 1.0
    for score in scores:
        result *= score
    return result


COMBINE: dict[type[Node], Combine] = {  # type: ignore[valid-type]
    RewardEntry: _single,
    GateNode: _gate,
    ClipNode: _clip,
    MinNode: _reducer(min),
    ProductNode: _reducer(_product),
}


def combine(node: Node, samples: Sequence[Sample], run: Run, names: Sequence[str]) -> list[Scored]:
    """One :class:`Scored` per sample for ``node``, its rewards scored through ``run``; ``names`` label errors."""
    return COMBINE[type(node)](node, samples, run, names)


def _with_details(outcome: Outcome, **extra: Any) -> Outcome:
    return Outcome(outcome.status, outcome.score, outcome.kind, outcome.message, {**outcome.details, **extra})


def _prefixed(outcome: Outcome, prefix: str) -> Outcome:
    return Outcome(outcome.status, outcome.score, outcome.kind, f"{prefix}: {outcome.message}", outcome.details)
