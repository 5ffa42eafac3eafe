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
from rewardkit.probe.problems import DEFAULT_PER_KIND, KINDS, Problem
from rewardkit.probe.sample import DatasetProblems, ProblemSample, recipe_problems
from rewardkit.registry import Registry

if TYPE_CHECKING:
    from rewardkit.recipe import Recipe
    from rewardkit.score import RowResult

DEFAULT_RELATIVE_MARGIN = 0.1
# A must_not_gain probe may tie with the honest completion (float noise aside).
GAIN_TOLERANCE = 1e-9


@dataclass
class ProbeResult:
    """One probe (or the honest reference) over the problem sample.

    ``total``/``rewards`` are means over the problems it applied to; ``outcomes`` the most common
    outcome per reward; ``problems`` how many it applied to, ``reached`` on how many it tied or beat the
    honest score (within the margin, for ``must_lose``), ``gained`` on how many it scored above it.
    ``closest`` is the largest ``total - honest`` over the problems, and ``completion`` that problem's
    hostile completion.
    """

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
    problems: int = 0
    reached: int = 0
    gained: int = 0
    closest: float | None = None
    closest_question: str = ""
    mean_delta: float | None = None
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> {problems, reached, gained}

    @property
    def applicable(self) -> bool:
        return self.completion is not None

    @property
    def share(self) -> float:
        """The share of its problems on which the hack reaches the honest score."""
        return self.reached / self.problems if self.problems else 0.0

    def to_json(self, honest_total: float | None) -> dict[str, Any]:
        delta = self.mean_delta
        if delta is None and self.total is not None and honest_total is not None:
            delta = self.total - honest_total
        return {
            "name": self.name,
            "description": self.description,
            "kind": self.kind,
            "applicable": self.applicable,
            "completion": self.completion,
            "total": self.total,
            "delta": delta,
            "closest_delta": self.closest,
            "closest_problem": self.closest_question,
            "problems": self.problems,
            "reached": self.reached,
            "gained": self.gained,
            "share": self.share,
            "by_kind": {
                kind: {**counts, "share": counts["reached"] / counts["problems"] if counts["problems"] else 0.0}
                for kind, counts in self.by_kind.items()
            },
            "rewards": self.rewards,
            "outcomes": self.outcomes,
            "flagged": self.flagged,
            "reason": self.reason,
        }


@dataclass
class ProbeReport:
    """Every probe's scores beside the honest reference over the problem sample, and which hacks pay."""

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
    sample: ProblemSample | None = None

    @property
    def flagged(self) -> list[ProbeResult]:
        return [p for p in self.probes if p.flagged]

    @property
    def reaching(self) -> list[ProbeResult]:
        """Probes that tie or beat the honest score on at least one problem (flagged or not)."""
        return [p for p in self.probes if p.applicable and p.reached]

    @property
    def failed(self) -> bool:
        return bool(self.flagged or self.problems)

    def summary(self) -> str:
        """The closing line: how many probes tie or beat the honest completion, how many are flagged."""
        applicable = [p for p in self.probes if p.applicable]
        n = len(self.sample.problems) if self.sample else 1
        if not self.reaching and not self.problems:
            return (
                f"no hack pays: all {len(applicable)} applicable probes score clearly below the honest completion "
                f"on every one of {n} problems"
            )
        names = ", ".join(f"{p.name} ({p.share:.0%})" for p in self.reaching)
        text = f"{len(self.reaching)} of {len(applicable)} probes tie or beat the honest completion on some of {n} problems"
        text += f": {names}" if names else ""
        text += f"; {len(self.flagged)} flagged"
        unflagged = [p.name for p in self.reaching if not p.flagged]
        if unflagged:
            text += f" ({', '.join(unflagged)}: must_not_gain, a tie is allowed)"
        if self.problems:
            text += f"; {len(self.problems)} recipe problem(s)"
        return text

    def to_json(self) -> dict[str, Any]:
        sample = self.sample
        return {
            "recipe": self.recipe,
            "locale": self.context.locale,
            "margin": self.margin,
            "margin_text": self.margin_text,
            "step": self.step,
            "weights": self.weights,
            "sample": {
                "source": sample.source if sample else "given",
                "notes": sample.notes if sample else [],
                "problems": len(sample.problems) if sample else 1,
                "kinds": sample.counts() if sample else {},
            },
            "honest": self.honest.to_json(self.honest.total),
            "probes": [p.to_json(self.honest.total) for p in self.probes],
            "flagged": [p.name for p in self.flagged],
            "reaching": {p.name: p.share for p in self.reaching},
            "summary": self.summary(),
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
    problems: Sequence[Problem] | None = None,
    per_kind: int = DEFAULT_PER_KIND,
    kinds: Sequence[str] = (),
    batch_size: int = 2048,
    dataset_problems: DatasetProblems | None = None,
) -> ProbeReport:
    """Score the honest reference and every applicable probe over a sample of problems; flag the hacks that pay.

    Args:
        recipe: A loaded recipe (``rewardkit.recipe.load_recipe``).
        margin: ``"0.2"`` (absolute) or ``"15%"`` (of each problem's honest total); default ``10%``.
        only: Run only these probe names.
        registry: The registry to take probes from (default: the loaded plugins').
        problem: Probe on this one problem only.
        step: Training step whose scheduled weights apply; default: where every schedule has ended.
        problems: Probe on these problems (default: :func:`~rewardkit.probe.sample.recipe_problems`).
        per_kind: Problems per answer kind and language in the default sample.
        kinds: Probe only problems of these answer kinds (``integer``, ``choice``...), e.g. for a judge
            that grades numbers only; default: every kind.
        dataset_problems: Reads problems from the recipe's ``train:`` dataset (the CLI passes the training
            layer's :func:`rewardkit.train.probe_problems.dataset_problems`); without it, built-in problems.
        batch_size: Completions scored per call of the compiled recipe.

    Returns:
        A :class:`ProbeReport`.
    """
    from rewardkit.plugins import get_registry
    from rewardkit.runtime import compile_recipe
    from rewardkit.score import score_samples

    registry = registry or get_registry()
    absolute, relative = parse_margin(margin)
    ctx = context_from_recipe(recipe, registry, problem)
    if problems is not None:
        sample = ProblemSample(list(problems), "given")
    elif problem is not None:
        sample = ProblemSample([problem], "given")
    else:
        sample = recipe_problems(recipe, ctx.languages, per_kind, dataset_problems=dataset_problems)
    if kinds:
        unknown_kinds = sorted(set(kinds) - set(KINDS))
        if unknown_kinds:
            raise ValueError(f"unknown answer kind {unknown_kinds[0]!r}; choose from {', '.join(KINDS)}")
        sample.problems = [p for p in sample.problems if p.kind in kinds]
    if not sample.problems:
        raise ValueError("no problems to probe (the sample is empty" + (f" for kinds {', '.join(kinds)})" if kinds else ")"))
    contexts = [ctx.with_problem(p) for p in sample.problems]
    specs = registry.probes
    unknown = [name for name in only if name not in specs]
    if unknown:
        registry.probe(unknown[0])  # raises UnknownNameError with did-you-mean
    if step is None:
        step = final_step(recipe)

    honest = ProbeResult("honest", "the reference: step-by-step reasoning, right answer, right format", "reference", None)
    texts: list[str] = [c.honest() for c in contexts]
    owners: list[tuple[ProbeResult, int]] = [(honest, i) for i in range(len(contexts))]
    results: list[ProbeResult] = []
    for name, spec in specs.items():
        if only and name not in only:
            continue
        try:
            probe = as_probe(spec.obj, spec.doc)
            result = ProbeResult(name, probe.description, probe.kind_in(ctx), None)
            built = [(i, probe.build(c)) for i, c in enumerate(contexts) if probe.applies_to(c)]
        except Exception as exc:  # noqa: BLE001 - one broken third-party probe must not hide the others
            results.append(ProbeResult(name, spec.doc, "must_lose", None, reason=f"probe failed: {exc!r}"))
            continue
        if any(text is not None and not isinstance(text, str) for _, text in built):
            results.append(ProbeResult(name, probe.description, result.kind, None, reason="probe returned no text"))
            continue
        results.append(result)
        for i, text in built:
            if text is not None:
                texts.append(text)
                owners.append((result, i))

    samples = [contexts[i].sample(text) for text, (_, i) in zip(texts, owners, strict=True)]
    rows: list[RowResult] = []
    compiled = compile_recipe(recipe)
    try:  # one compiled recipe (one worker pool) for every batch
        for start in range(0, len(samples), batch_size):
            rows.extend(score_samples(recipe, samples[start : start + batch_size], step=step, compiled=compiled))
    finally:
        compiled.close()

    per_result: dict[int, list[tuple[int, str, RowResult]]] = {}
    for text, (result, i), row in zip(texts, owners, rows, strict=True):
        per_result.setdefault(id(result), []).append((i, text, row))
    honest_rows = {i: row for i, _, row in per_result.get(id(honest), [])}
    honest_totals = {i: (row.total if row.total is not None else 0.0) for i, row in honest_rows.items()}
    _aggregate(honest, per_result.get(id(honest), []))

    def limit_for(i: int) -> float:
        return absolute if absolute is not None else relative * abs(honest_totals[i])

    recipe_problems_found = _honest_problems(honest_rows, honest_totals, sample.problems)
    usable = {i for i, total in honest_totals.items() if total > 0}
    for result in results:
        entries = per_result.get(id(result), [])
        if entries:
            _aggregate(result, entries, honest_totals)
            _judge(result, [(i, row) for i, _, row in entries if i in usable], honest_totals, limit_for, sample.problems)

    mean_honest = honest.total if honest.total is not None else 0.0
    limit = absolute if absolute is not None else relative * abs(mean_honest)
    margin_text = f"{limit:.3g}" if absolute is not None else f"{relative:.0%} of each problem's honest total"
    weights = {node.key: _weight_at(node.weight, step) for node in recipe.rewards}
    return ProbeReport(
        recipe=str(recipe.name or (recipe.source.name if recipe.source else "<recipe>")),
        context=contexts[0] if len(contexts) == 1 else ctx,
        ids=list(recipe.ids),
        weights=weights,
        honest=honest,
        probes=results,
        margin=limit,
        margin_text=margin_text,
        step=step,
        problems=recipe_problems_found,
        sample=sample,
    )


def _honest_problems(rows: dict[int, RowResult], totals: dict[int, float], problems: Sequence[Problem]) -> list[str]:
    found: list[str] = []
    broke = [i for i, total in totals.items() if total <= 0]
    if broke:
        kinds = sorted({f"{problems[i].kind}/{problems[i].language}" for i in broke})
        found.append(
            f"the honest reference earns 0 or less on {len(broke)} of {len(totals)} problems ({', '.join(kinds)}; e.g. "
            f"{problems[broke[0]].question.splitlines()[0]!r}, gold {problems[broke[0]].gold!r}): the recipe gives a correct, "
            "well-formatted answer nothing to gain there, so no probe can be told apart from it"
        )
    errors: dict[tuple[str, str], list[int]] = {}
    for i, row in rows.items():
        for reward_id, label in row.outcomes.items():
            if label.startswith("error"):
                errors.setdefault((reward_id, label), []).append(i)
    for (reward_id, label), where in errors.items():
        detail = rows[where[0]].messages.get(reward_id, "")
        found.append(
            f"the honest reference got {label} from {reward_id} on {len(where)} of {len(rows)} problems"
            f"{': ' + detail if detail else ''}"
        )
    return found


def _aggregate(result: ProbeResult, entries: list[tuple[int, str, RowResult]], honest: dict[int, float] | None = None) -> None:
    """Means over the problems: total, each reward, the most common outcome; the closest completion."""
    totals = [row.total if row.total is not None else 0.0 for _, _, row in entries]
    result.problems = len(entries)
    result.total = sum(totals) / len(totals)
    ids = list(entries[0][2].rewards)
    for reward_id in ids:
        values = [row.rewards.get(reward_id) for _, _, row in entries]
        present = [v for v in values if v is not None]
        result.rewards[reward_id] = sum(present) / len(present) if present else None
        labels = [row.outcomes.get(reward_id, "skip") for _, _, row in entries]
        result.outcomes[reward_id] = max(set(labels), key=labels.count)
    if honest is None:
        result.completion = entries[0][1]
        return
    deltas = [total - honest[i] for (i, _, _), total in zip(entries, totals, strict=True)]
    result.mean_delta = sum(deltas) / len(deltas)
    best = max(range(len(entries)), key=lambda k: deltas[k])
    result.closest = deltas[best]
    result.completion = entries[best][1]
    result.messages = dict(entries[best][2].messages)


def _judge(
    result: ProbeResult,
    entries: list[tuple[int, RowResult]],
    honest: dict[int, float],
    limit_for: Any,
    problems: Sequence[Problem],
) -> None:
    # TRL nansums the weighted rewards, so a row where every reward skipped trains as 0.0.
    result.problems = len(entries) or result.problems
    result.reached = result.gained = 0
    closest_i, closest = None, None
    for i, row in entries:
        total = row.total if row.total is not None else 0.0
        h = honest[i]
        if result.kind == "must_lose":
            reached = total >= h - limit_for(i)
        else:  # must_not_gain: a tie counts as reaching (reported), only a gain is flagged
            reached = total >= h - GAIN_TOLERANCE
        gained = total > h + GAIN_TOLERANCE
        counts = result.by_kind.setdefault(problems[i].kind, {"problems": 0, "reached": 0, "gained": 0})
        counts["problems"] += 1
        counts["reached"] += reached
        counts["gained"] += gained
        result.reached += reached
        result.gained += gained
        if closest is None or total - h > closest:
            closest_i, closest = i, total - h
    if closest_i is not None:
        result.closest_question = problems[closest_i].question.splitlines()[0]
    kinds = ", ".join(f"{k} {c['reached']}/{c['problems']}" for k, c in result.by_kind.items() if c["reached"])
    if result.kind == "must_not_gain":
        if result.gained:
            result.flagged = True
            result.reason = (
                f"scores above the honest completion on {result.gained} of {result.problems} problems "
                f"(closest {result.closest:+.2f}): the hack pays"
            )
    elif result.reached:
        result.flagged = True
        result.reason = (
            f"reaches the honest score (within the margin) on {result.reached} of {result.problems} problems "
            f"({result.share:.0%}; {kinds}); closest {result.closest:+.2f}; mean {result.total:.2f} vs the honest "
            f"{sum(honest[i] for i, _ in entries) / len(entries):.2f}"
        )


def _weight_at(weight: Any, step: int) -> float:
    return float(weight.at(step)) if hasattr(weight, "at") else float(weight)


def final_step(recipe: Recipe) -> int:
    """The first step at which every weight schedule has reached its end (0 without schedules)."""
    return max((int(getattr(node.weight, "until_step", 0)) for node in recipe.rewards), default=0)
