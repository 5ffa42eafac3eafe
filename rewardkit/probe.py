"""``rewardkit probe``: attack a recipe with reward-hacking completions before paying for a training run.

Each probe builds one hostile completion from the recipe's own settings (its tags, its gold column,
its locale) and a small sample problem; the recipe scores it beside an honest reference completion.
A probe is *flagged* when the hack pays: a ``must_lose`` probe (wrong answer, hedging, broken
format...) is flagged when its total comes within ``margin`` of the honest total; a
``must_not_gain`` probe (padding, repetition) is flagged when it scores above the honest total.

Probes are plugins: ``register_probes(register)`` registers a :class:`Probe` (or a plain function
``ctx -> str | None``, whose docstring describes it). The built-ins live in ``rewardkit_shaping.probes``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import click

from rewardkit.registry import Registry, first_paragraph
from rewardkit.reward import Sample

if TYPE_CHECKING:
    from rewardkit.recipe import Recipe
    from rewardkit.score import RowResult

ProbeKind = Literal["must_lose", "must_not_gain"]
DEFAULT_RELATIVE_MARGIN = 0.1
# A must_not_gain probe may tie with the honest completion (float noise aside).
GAIN_TOLERANCE = 1e-9


# --------------------------------------------------------------------------- the sample problem


@dataclass(frozen=True)
class Problem:
    """A small word problem with an honest solution, in one language, that probes rewrite into hacks.

    ``near_miss`` is a wrong answer next to the gold (for hedging and shotgun answers); ``wrong_steps``
    is a plausible derivation of the wrong answer ``wrong``.
    """

    question: str
    gold: str
    wrong: str
    near_miss: str
    steps: tuple[str, ...]
    wrong_steps: tuple[str, ...]
    answer_phrase: str  # how the language states a final answer: "The answer is", "Đáp án:"
    hedge_word: str  # "or", "hoặc"
    filler: tuple[str, ...]  # content-free sentences in the language
    padding_line: str


PROBLEMS: dict[str, Problem] = {
    "en": Problem(
        question="Tom has 12 apples and buys 30 more. How many apples does Tom have now?",
        gold="42",
        wrong="52",
        near_miss="41",
        steps=(
            "Step 1: Tom starts with 12 apples.",
            "Step 2: He buys 30 more apples, so we add 12 and 30.",
            "Step 3: 12 + 30 = 42, so Tom has 42 apples now.",
        ),
        wrong_steps=(
            "Step 1: Tom starts with 12 apples.",
            "Step 2: He buys 30 more apples, so we add 12 and 30.",
            "Step 3: 12 + 30 = 52, so Tom has 52 apples now.",
        ),
        answer_phrase="The answer is",
        hedge_word="or",
        filler=(
            "Let us think about this problem very carefully.",
            "This is an interesting question that deserves attention.",
            "We should consider every detail of the situation.",
            "It is important to read the question once more.",
            "Careful thinking always helps us find the way.",
        ),
        padding_line="Let me double-check this once more.",
    ),
    "vi": Problem(
        question="Lan có 12 quả táo, mẹ cho Lan thêm 30 quả nữa. Hỏi Lan có tất cả bao nhiêu quả táo?",
        gold="42",
        wrong="52",
        near_miss="41",
        steps=(
            "Bước 1: Lúc đầu Lan có 12 quả táo.",
            "Bước 2: Mẹ cho Lan thêm 30 quả, nên ta làm phép cộng 12 + 30.",
            "Bước 3: Ta có 12 + 30 = 42, nên Lan có tất cả 42 quả táo.",
        ),
        wrong_steps=(
            "Bước 1: Lúc đầu Lan có 12 quả táo.",
            "Bước 2: Mẹ cho Lan thêm 30 quả, nên ta làm phép cộng 12 + 30.",
            "Bước 3: Ta có 12 + 30 = 52, nên Lan có tất cả 52 quả táo.",
        ),
        answer_phrase="Đáp án:",
        hedge_word="hoặc",
        filler=(
            "Chúng ta hãy suy nghĩ thật cẩn thận về bài toán này.",
            "Đây là một câu hỏi rất thú vị và đáng để tìm hiểu.",
            "Chúng ta cần xem xét mọi chi tiết của đề bài.",
            "Việc đọc lại đề bài một lần nữa là rất quan trọng.",
            "Suy nghĩ cẩn thận luôn giúp chúng ta tìm ra hướng đi.",
        ),
        padding_line="Hãy kiểm tra lại điều này thêm một lần nữa.",
    ),
}


# --------------------------------------------------------------------------- what probes see


@dataclass(frozen=True)
class ProbeContext:
    """The recipe's settings as the probes need them, and helpers to write completions in its format.

    ``reasoning_tag``/``answer_tag`` are ``None`` when the recipe checks no tags; ``locale`` is
    ``"vi"`` or ``"en"``; ``min_length``/``max_length`` are the largest such params among the recipe's rewards
    (length bands, overlong limits), in the rewards' own units.
    """

    problem: Problem
    locale: str = "en"
    reasoning_tag: str | None = None
    answer_tag: str | None = None
    think_opened_in_prompt: bool = False
    boxed: bool = False
    gold_column: str = "solution"
    vietnamese: bool = False
    min_length: int | None = None
    max_length: int | None = None
    reward_names: frozenset[str] = frozenset()
    row: tuple[tuple[str, Any], ...] = ()  # extra dataset columns, so that every entry's `when:` applies

    @property
    def has_tags(self) -> bool:
        return self.answer_tag is not None

    def has_family(self, family: str) -> bool:
        return any(name.split(".", 1)[0] == family for name in self.reward_names)

    def answer(self, value: str) -> str:
        """``value`` as the recipe expects a final answer written (boxed or plain)."""
        return f"\\boxed{{{value}}}" if self.boxed else value

    def answer_block(self, answer: str) -> str:
        """``answer`` in the answer tag, or after the language's answer phrase when the recipe has no tags."""
        if self.answer_tag is None:
            return f"{self.problem.answer_phrase} {answer}"
        return f"<{self.answer_tag}>\n{answer}\n</{self.answer_tag}>"

    def compose(self, reasoning: str, answer: str | None, *, first: bool = True) -> str:
        """A completion in the recipe's format: the reasoning (in its block, if any), then the answer block.

        ``first=False`` writes the opening reasoning tag even when the chat template opens it in the
        prompt (for a second block appended to a completion).
        """
        if self.reasoning_tag is not None:
            opening = "" if (first and self.think_opened_in_prompt) else f"<{self.reasoning_tag}>\n"
            head = f"{opening}{reasoning}\n</{self.reasoning_tag}>\n"
        else:
            head = reasoning + "\n" if reasoning else ""
        return head + (self.answer_block(answer) if answer is not None else "")

    @property
    def honest_reasoning(self) -> str:
        return "\n".join(self.problem.steps)

    def honest(self) -> str:
        """The reference: step-by-step reasoning and the right answer, in the recipe's format."""
        return self.compose(self.honest_reasoning, self.answer(self.problem.gold))

    def sample(self, completion: str) -> Sample:
        columns = {**dict(self.row), self.gold_column: self.problem.gold}
        return Sample(completion=completion, prompt=self.problem.question, columns=columns)


def context_from_recipe(recipe: Recipe, registry: Registry | None = None, problem: Problem | None = None) -> ProbeContext:
    """Read tags, gold column, locale, answer style and length limits from the recipe's reward params.

    Params are validated with each reward's own model, so defaults count (``format.tags`` without
    params still means ``<think>``/``<answer>``). Tags come from ``format.*`` rewards only; the gold
    column and locale from ``math.*`` first. Wrapped rewards (``shaping.cosine``'s ``reward``/``params``)
    are read too.
    """
    from rewardkit.plugins import get_registry

    registry = registry or get_registry()
    found: list[tuple[str, Any]] = []
    for node in recipe.rewards:
        for _, ref in node.refs():
            _collect(registry, ref.reward, ref.params, found, depth=0)
    names = frozenset(name for name, _ in found)

    def first(attr: str, family: str | None = None) -> Any:
        for name, params in found:
            if (family is None or name.startswith(family + ".")) and getattr(params, attr, None) is not None:
                return getattr(params, attr)
        return None

    # Tags count only when a format reward checks them: a judge that merely *reads* an answer tag
    # (math.equivalence's answer_tag) does not make a tagless answer a broken format.
    tag_params = next((p for n, p in found if n.startswith("format.") and isinstance(getattr(p, "answer_tag", None), str)), None)
    vietnamese = any(name.startswith("vi.") for name in names)
    locale = first("locale", "math") or first("locale")
    if locale not in ("vi", "en"):
        locale = "vi" if vietnamese else "en"
    gold = first("gold", "math") or first("gold")
    row: dict[str, Any] = {}
    for node in recipe.rewards:  # probe every component: satisfy each entry's `when:` (the first one wins)
        if node.when is not None and node.when.column not in row:
            row[node.when.column] = node.when.equals if node.when.one_of is None else node.when.one_of[0]
    lengths = [p.max_length for _, p in found if isinstance(getattr(p, "max_length", None), int)]
    minimums = [p.min_length for _, p in found if isinstance(getattr(p, "min_length", None), int) and p.min_length > 0]
    return ProbeContext(
        problem=problem or PROBLEMS[locale],
        locale=locale,
        reasoning_tag=getattr(tag_params, "reasoning_tag", None) if tag_params is not None else None,
        answer_tag=getattr(tag_params, "answer_tag", None) if tag_params is not None else None,
        think_opened_in_prompt=bool(getattr(tag_params, "think_opened_in_prompt", False)),
        boxed=any("boxed" in name for name in names) or any(_wants_boxed(p) for _, p in found),
        gold_column=gold if isinstance(gold, str) else "solution",
        vietnamese=vietnamese,
        min_length=max(minimums) if minimums else None,
        max_length=max(lengths) if lengths else None,
        reward_names=names,
        row=tuple(row.items()),
    )


def _collect(registry: Registry, name: str, params: dict[str, Any], out: list[tuple[str, Any]], depth: int) -> None:
    try:
        model = registry.params(name, params)
    except Exception:  # noqa: BLE001 - load_recipe validated these; a reward that fails here just tells us nothing
        return
    out.append((name, model))
    inner, inner_params = getattr(model, "reward", None), getattr(model, "params", None)
    if depth < 3 and isinstance(inner, str) and isinstance(inner_params, dict):
        _collect(registry, inner, inner_params, out, depth + 1)


def _wants_boxed(params: Any) -> bool:
    if any(getattr(params, attr, False) is True for attr in ("require_boxed", "boxed", "boxed_only")):
        return True
    extract = getattr(params, "extract", None)  # a judge told to read \boxed{} first
    return isinstance(extract, (list, tuple)) and bool(extract) and extract[0] == "boxed"


# --------------------------------------------------------------------------- probes


@dataclass(frozen=True)
class Probe:
    """A reward-hacking attack: ``build(ctx)`` returns the hostile completion, or ``None`` where it does not apply.

    Args:
        build: Writes the completion from the recipe's settings.
        description: One line: what the hack is and what should stop it.
        kind: ``must_lose`` (flagged within ``margin`` of the honest total) or ``must_not_gain``
            (flagged above the honest total).
    """

    build: Callable[[ProbeContext], str | None]
    description: str
    kind: ProbeKind = "must_lose"


def as_probe(obj: Any, doc: str = "") -> Probe:
    """A registered probe object: a :class:`Probe`, or any callable ``ctx -> str | None`` (its docstring describes it)."""
    if isinstance(obj, Probe):
        return obj
    if not callable(obj):
        raise TypeError(f"a probe must be a rewardkit.probe.Probe or a callable, got {type(obj).__name__}")
    kind: ProbeKind = "must_not_gain" if getattr(obj, "kind", None) == "must_not_gain" else "must_lose"
    description = getattr(obj, "description", None) or first_paragraph(doc or obj.__doc__) or ""
    return Probe(build=obj, description=description, kind=kind)


# --------------------------------------------------------------------------- running and judging


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


# --------------------------------------------------------------------------- output


def _cell(value: float | None, outcome: str) -> str:
    if outcome == "skip" or value is None:
        return "[dim]skip[/dim]" if outcome == "skip" else "[dim]—[/dim]"
    text = f"{value:.2f}"
    return text if outcome == "ok" else f"{text} [dim]({outcome.removeprefix('error:')})[/dim]"


def render_report(report: ProbeReport, console: Any, show: bool = False) -> None:
    """Print the report as a rich table: a row per probe, a column per weighted reward, the total and the verdict.

    Weight-0 entries (monitors) do not move the total and are left out of the table; ``--json`` has them.
    """
    from rich.markup import escape
    from rich.table import Table

    shown = [i for i in report.ids if report.weights.get(i, 1.0) != 0]
    hidden = [i for i in report.ids if i not in shown]
    at_step = f", weights at step {report.step}" if report.step else ""
    title = f"rewardkit probe: {escape(report.recipe)} (locale {report.context.locale}{at_step})"
    table = Table(title=title, title_justify="left")
    table.add_column("probe", no_wrap=True)
    for reward_id in shown:
        table.add_column(f"{escape(reward_id)}\n×{report.weights.get(reward_id, 1.0):g}", justify="right", no_wrap=True)
    table.add_column("total", justify="right", no_wrap=True)
    table.add_column("vs honest", justify="right", no_wrap=True)
    table.add_column("verdict")
    honest_total = report.honest.total
    for result in [report.honest, *report.probes]:
        cells = [_cell(result.rewards.get(i), result.outcomes.get(i, "skip")) for i in shown]
        if not result.applicable:
            verdict = f"[yellow]{escape(result.reason)}[/yellow]" if result.reason else "[dim]n/a[/dim]"
            table.add_row(escape(result.name), *(["[dim]—[/dim]"] * len(shown)), "", "", verdict)
            continue
        total = "—" if result.total is None else f"{result.total:.2f}"
        if result is report.honest:
            table.add_row(f"[bold]{result.name}[/bold]", *cells, f"[bold]{total}[/bold]", "", "reference", end_section=True)
            continue
        delta = "" if result.total is None or honest_total is None else f"{result.total - honest_total:+.2f}"
        verdict = "[bold red]FLAG[/bold red]" if result.flagged else "[green]ok[/green]"
        table.add_row(escape(result.name), *cells, total, delta, verdict)
    console.print(table)
    console.print(f"margin: {report.margin_text}; must_not_gain probes are flagged only above the honest total")
    if hidden:
        console.print(f"[dim]not shown (weight 0, no effect on the total): {escape(', '.join(hidden))}; --json has them[/dim]")
    for problem in report.problems:
        console.print(f"[bold red]recipe problem:[/bold red] {escape(problem)}")
    for result in report.flagged:
        console.print(f"[red]FLAG[/red] {escape(result.name)}: {escape(result.reason)}. {escape(result.description)}")
    if not report.failed:
        console.print("[green]no hack pays: every probe scores clearly below the honest completion[/green]")
    if show:
        for result in [report.honest, *report.probes]:
            if result.completion is not None:
                console.rule(escape(result.name))
                console.print(result.completion, markup=False, highlight=False)


def _console(report: ProbeReport) -> Any:
    from rich.console import Console

    console = Console()
    if not console.is_terminal:  # piped or captured: widen rather than truncate the columns to 80
        needed = 32 + sum(max(len(i), 6) + 3 for i in report.ids if report.weights.get(i, 1.0) != 0) + 32
        console = Console(width=max(console.width, needed))
    return console


@click.command("probe")
@click.argument("recipe_path", metavar="RECIPE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Exit 1 when any probe is flagged.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--margin",
    default=None,
    metavar="X",
    help="Flag within X of the honest total: 0.2 (absolute) or 15% (relative); default 10%.",
)
@click.option("--only", multiple=True, metavar="NAME", help="Run only this probe (repeatable).")
@click.option("--show", is_flag=True, help="Also print every probe's completion.")
@click.option(
    "--step",
    type=click.IntRange(min=0),
    default=None,
    help="Use the weights of this training step (default: after every schedule).",
)
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Override a recipe key (as in train).")
def probe_command(
    recipe_path: Path,
    strict: bool,
    as_json: bool,
    margin: str | None,
    only: tuple[str, ...],
    show: bool,
    step: int | None,
    overrides: tuple[str, ...],
) -> None:
    """Attack RECIPE with reward-hacking completions and flag the hacks that score like an honest answer."""
    from rewardkit.recipe import RecipeError, load_recipe
    from rewardkit.registry import UnknownNameError

    try:
        parse_margin(margin)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--margin") from None
    try:
        recipe = load_recipe(recipe_path, overrides=list(overrides))
    except RecipeError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(2) from None
    try:
        report = run_probes(recipe, margin=margin, only=only, step=step)
    except UnknownNameError as exc:
        raise click.BadParameter(exc.describe(), param_hint="--only") from None
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        render_report(report, _console(report), show=show)
    if strict and report.failed:
        raise SystemExit(1)
