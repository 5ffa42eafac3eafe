"""Running probes: score the honest reference and every probe with the recipe, and flag the hacks that pay.

A ``must_lose`` probe (wrong answer, hedging, broken format...) is flagged when its total comes within
``margin`` of the honest total; a ``must_not_gain`` probe (padding, repetition) is flagged when it
scores above the honest total.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rewardkit.probe.context import ProbeContext, as_probe, context_from_recipe
from rewardkit.probe.problems import Problem
from rewardkit.registry import Registry

if TYPE_CHECKING:
    from rewardkit.recipe import Recipe
    from rewardkit.score import RowResult

DEFAULT_RELATIVE_MARGIN = 0.1
# A must_not_gain probe may tie with the honest completion (float noise aside).
GAIN_TOLERANCE = 1e-9


@dataclass
class ProbeResult:
    """One scored completion: the honest reference or a probe."""

    name: str
    description: str
    kind: str
    completion: str | None
    total: float | None = None
    rewards: dict[str, float | None] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)
    flagged: bool = False
    reason: str = ""

    @property
    def applicable(self) -> bool:
        return self.completion is not None

    def to_json(self, honest_total: float | None) -> dict[str, Any]:
        delta = None if self.total is None or honest_total is None else self.total - honest_total
        return {
            "name": self.name,
            "description": self.description,
            "kind": self.kind,
            "applicable": self.applicable,
            "completion": self.completion,
            "total": self.total,
            "delta": delta,
            "rewards": self.rewards,
            "outcomes": self.outcomes,
            "flagged": self.flagged,
            "reason": self.reason,
        }


@dataclass
class ProbeReport:
    """Every probe's scores beside the honest reference, and which hacks pay."""

    recipe: str
    context: ProbeContext
    ids: list[str]
    weights: dict[str, float]
    honest: ProbeResult
    probes: list[ProbeResult]
    margin: float
    margin_text: str
    step: int = 0
    problems: list[str] = field(default_factory=list)  # recipe-level findings (the honest reference earns nothing)

    @property
    def flagged(self) -> list[ProbeResult]:
        return [p for p in self.probes if p.flagged]

    @property
    def failed(self) -> bool:
        return bool(self.flagged or self.problems)

    def to_json(self) -> dict[str, Any]:
        return {
            "recipe": self.recipe,
            "locale": self.context.locale,
            "margin": self.margin,
            "step": self.step,
            "weights": self.weights,
            "honest": self.honest.to_json(self.honest.total),
            "probes": [p.to_json(self.honest.total) for p in self.probes],
            "flagged": [p.name for p in self.flagged],
            "problems": self.problems,
        }


def parse_margin(text: str | None) -> tuple[float | None, float]:
    """``--margin``: ``"0.2"`` is absolute, ``"15%"`` is relative to the honest total; default 10 %.

    Returns ``(absolute or None, relative)``.

    Example:
        >>> parse_margin("15%"), parse_margin("0.2"), parse_margin(None)
        ((None, 0.15), (0.2, 0.0), (None, 0.1))
    """
    if text is None:
        return None, DEFAULT_RELATIVE_MARGIN
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise ValueError(f"expected a number (0.2) or a percentage of the honest total (15%), got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"margin must be a finite number >= 0, got {text!r}")
    return (None, value) if raw.endswith("%") else (value, 0.0)


def run_probes(
    recipe: Recipe,
    margin: str | None = None,
    only: Sequence[str] = (),
    registry: Registry | None = None,
    problem: Problem | None = None,
    step: int | None = None,
) -> ProbeReport:
    """Score the honest reference and every applicable probe with ``recipe``; flag the hacks that pay.

    Args:
        recipe: A loaded recipe (``rewardkit.recipe.load_recipe``).
        margin: ``"0.2"`` (absolute) or ``"15%"`` (of the honest total); default ``10%``.
        only: Run only these probe names.
        registry: The registry to take probes from (default: the loaded plugins').
        problem: Replace the built-in sample problem.
        step: Training step whose scheduled weights apply; default: where every schedule has ended.

    Returns:
        A :class:`ProbeReport`.
    """
    from rewardkit.plugins import get_registry
    from rewardkit.score import score_samples

    registry = registry or get_registry()
    absolute, relative = parse_margin(margin)
    ctx = context_from_recipe(recipe, registry, problem)
    specs = registry.probes
    unknown = [name for name in only if name not in specs]
    if unknown:
        registry.probe(unknown[0])  # raises UnknownNameError with did-you-mean
    honest = ProbeResult("honest", "the reference: step-by-step reasoning, right answer, right format", "reference", ctx.honest())
    results = [honest]
    for name, spec in specs.items():
        if only and name not in only:
            continue
        try:
            probe = as_probe(spec.obj, spec.doc)
            completion = probe.build(ctx)
        except Exception as exc:  # noqa: BLE001 - one broken third-party probe must not hide the others
            results.append(ProbeResult(name, spec.doc, "must_lose", None, reason=f"probe failed: {exc!r}"))
            continue
        if completion is not None and not isinstance(completion, str):
            results.append(ProbeResult(name, probe.description, probe.kind, None, reason="probe returned no text"))
            continue
        results.append(ProbeResult(name, probe.description, probe.kind, completion))
    scored = [r for r in results if r.completion is not None]
    if step is None:
        step = final_step(recipe)
    rows = score_samples(recipe, [ctx.sample(r.completion or "") for r in scored], step=step)
    for result, row in zip(scored, rows, strict=True):
        _fill(result, row)

    honest_total = honest.total if honest.total is not None else 0.0
    limit = absolute if absolute is not None else relative * abs(honest_total)
    margin_text = f"{limit:.3g}" if absolute is not None else f"{limit:.3g} ({relative:.0%} of the honest total)"
    problems = []
    if honest_total <= 0:
        problems.append(
            f"the honest reference earns {honest_total:.3g}: the recipe gives a correct, well-formatted answer nothing "
            "to gain, so no probe can be told apart from it"
        )
    for reward_id, label in honest.outcomes.items():
        if label.startswith("error"):
            detail = honest.messages.get(reward_id, "")
            problems.append(f"the honest reference got {label} from {reward_id}{': ' + detail if detail else ''}")
    for result in results[1:]:
        if result.applicable:
            _judge(result, honest_total, limit)
    weights = {node.key: _weight_at(node.weight, step) for node in recipe.rewards}
    return ProbeReport(
        recipe=str(recipe.name or (recipe.source.name if recipe.source else "<recipe>")),
        context=ctx,
        ids=list(recipe.ids),
        weights=weights,
        honest=honest,
        probes=results[1:],
        margin=limit,
        margin_text=margin_text,
        step=step,
        problems=problems,
    )


def _fill(result: ProbeResult, row: RowResult) -> None:
    result.total = row.total
    result.rewards = dict(row.rewards)
    result.outcomes = dict(row.outcomes)
    result.messages = dict(row.messages)


def _judge(result: ProbeResult, honest: float, margin: float) -> None:
    # TRL nansums the weighted rewards, so a row where every reward skipped trains as 0.0.
    total = result.total if result.total is not None else 0.0
    if result.kind == "must_not_gain":
        if total > honest + GAIN_TOLERANCE:
            result.flagged = True
            result.reason = f"scores {total:.2f}, more than the honest {honest:.2f}: the hack pays"
    elif total >= honest - margin:
        result.flagged = True
        result.reason = f"scores {total:.2f}, within {margin:.3g} of the honest {honest:.2f}"


def _weight_at(weight: Any, step: int) -> float:
    return float(weight.at(step)) if hasattr(weight, "at") else float(weight)


def final_step(recipe: Recipe) -> int:
    """The first step at which every weight schedule has reached its end (0 without schedules)."""
    return max((int(getattr(node.weight, "until_step", 0)) for node in recipe.rewards), default=0)
