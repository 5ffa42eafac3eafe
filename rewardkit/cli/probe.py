"""The ``probe`` command and the rendering of a :class:`~rewardkit.probe.ProbeReport` (rich tables)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from rewardkit.cli.common import guard, load_or_exit
from rewardkit.probe import ProbeReport, parse_margin, run_probes


def _cell(value: float | None, outcome: str) -> str:
    if outcome == "skip" or value is None:
        return "[dim]skip[/dim]" if outcome == "skip" else "[dim]—[/dim]"
    text = f"{value:.2f}"
    return text if outcome == "ok" else f"{text} [dim]({outcome.removeprefix('error:')})[/dim]"


def render_report(report: ProbeReport, console: Any, show: bool = False) -> None:
    """Print the report as a rich table: a row per probe, a column per weighted reward, the total and the verdict.

    Weight-0 entries (monitors) do not move the total and are left out of the table; ``--json`` has them.
    """
    from rich.table import Table

    from rewardkit.cli.common import clean
    from rewardkit.cli.common import shown as escape  # untrusted text: markup escaped, control characters spelled out

    shown = [i for i in report.ids if report.weights.get(i, 1.0) != 0]
    hidden = [i for i in report.ids if i not in shown]
    at_step = f", weights at step {report.step}" if report.step else ""
    n = len(report.sample.problems) if report.sample else 1
    title = f"rewardkit probe: {escape(report.recipe)} (locale {report.context.locale}, {n} problems{at_step})"
    table = Table(title=title, title_justify="left")
    table.add_column("probe", no_wrap=True)
    for reward_id in shown:
        table.add_column(f"{escape(reward_id)}\n×{report.weights.get(reward_id, 1.0):g}", justify="right", no_wrap=True)
    table.add_column("total\nmean", justify="right", no_wrap=True)
    table.add_column("vs honest\nmean", justify="right", no_wrap=True)
    table.add_column("vs honest\nclosest", justify="right", no_wrap=True)
    table.add_column("reaches\nhonest", justify="right", no_wrap=True)
    table.add_column("verdict")
    for result in [report.honest, *report.probes]:
        cells = [_cell(result.rewards.get(i), result.outcomes.get(i, "skip")) for i in shown]
        if not result.applicable:
            verdict = f"[yellow]{escape(result.reason)}[/yellow]" if result.reason else "[dim]n/a[/dim]"
            table.add_row(escape(result.name), *(["[dim]—[/dim]"] * len(shown)), "", "", "", "", verdict)
            continue
        total = "—" if result.total is None else f"{result.total:.2f}"
        if result is report.honest:
            table.add_row(
                f"[bold]{escape(result.name)}[/bold]",
                *cells,
                f"[bold]{total}[/bold]",
                "",
                "",
                f"{result.problems}",
                "reference",
                end_section=True,
            )
            continue
        delta = "" if result.mean_delta is None else f"{result.mean_delta:+.2f}"
        closest = "" if result.closest is None else f"{result.closest:+.2f}"
        share = f"{result.reached}/{result.problems}" + (f" {result.share:.0%}" if result.reached else "")
        if result.flagged:
            verdict = "[bold red]FLAG[/bold red]"
        elif result.reached:
            verdict = "[yellow]ties[/yellow]"  # a must_not_gain probe that ties: allowed, shown
        else:
            verdict = "[green]ok[/green]"
        table.add_row(escape(result.name), *cells, total, delta, closest, share, verdict)
    console.print(table)
    if report.sample is not None:
        counts = ", ".join(
            f"{kind} {'/'.join(str(c) for c in by_lang.values())}" for kind, by_lang in report.sample.counts().items()
        )
        console.print(f"problems: {escape(report.sample.source)}: {escape(counts)}")
        for note in report.sample.notes:
            console.print(f"[dim]{escape(note)}[/dim]")
    console.print(
        f"margin: {report.margin_text}; 'reaches honest': problems where the probe ties or beats the honest total "
        "(within the margin for must_lose probes); must_not_gain probes are flagged only above it"
    )
    if hidden:
        console.print(f"[dim]not shown (weight 0, no effect on the total): {escape(', '.join(hidden))}; --json has them[/dim]")
    for problem in report.problems:
        console.print(f"[bold red]recipe problem:[/bold red] {escape(problem)}")
    for result in report.flagged:
        console.print(f"[red]FLAG[/red] {escape(result.name)}: {escape(result.reason)}. {escape(result.description)}")
    colour = "red" if report.failed else ("yellow" if report.reaching else "green")
    console.print(f"[{colour}]{escape(report.summary())}[/{colour}]")
    if show:
        for result in [report.honest, *report.probes]:
            if result.completion is not None:
                console.rule(escape(result.name))
                console.print(clean(result.completion), markup=False, highlight=False)


def _console(report: ProbeReport) -> Any:
    from rich.console import Console

    console = Console(emoji=False)
    if not console.is_terminal:  # piped or captured: widen rather than truncate the columns to 80
        needed = 32 + sum(max(len(i), 6) + 3 for i in report.ids if report.weights.get(i, 1.0) != 0) + 60
        console = Console(width=max(console.width, needed), emoji=False)
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
@click.option("--show", is_flag=True, help="Also print every probe's completion (on its closest problem).")
@click.option(
    "--per-kind",
    type=click.IntRange(min=1, max=1000),
    default=20,
    metavar="N",
    help="Problems per answer kind and language in the sample (default 20).",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    metavar="KIND",
    type=click.Choice(["integer", "decimal", "fraction", "symbolic", "interval", "choice"]),
    help="Probe only problems of this answer kind: integer, decimal, fraction, symbolic, interval, choice (repeatable).",
)
@click.option(
    "--step",
    type=click.IntRange(min=0),
    default=None,
    help="Use the weights of this training step (default: after every schedule).",
)
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Override a recipe key (as in train).")
@guard
def probe_command(
    recipe_path: Path,
    strict: bool,
    as_json: bool,
    margin: str | None,
    only: tuple[str, ...],
    show: bool,
    per_kind: int,
    kinds: tuple[str, ...],
    step: int | None,
    overrides: tuple[str, ...],
) -> None:
    """Attack RECIPE with reward-hacking completions and flag the hacks that score like an honest answer."""
    from rewardkit.registry import UnknownNameError

    try:
        parse_margin(margin)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--margin") from None
    recipe = load_or_exit(str(recipe_path), overrides)
    try:
        report = run_probes(
            recipe, margin=margin, only=only, step=step, per_kind=per_kind, kinds=kinds, dataset_problems=_dataset_reader()
        )
    except UnknownNameError as exc:
        raise click.BadParameter(exc.describe(), param_hint="--only") from None
    except ValueError as exc:  # an unknown --kind, or nothing left to probe
        raise click.BadParameter(str(exc), param_hint="--kind") from None
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        render_report(report, _console(report), show=show)
    if strict and report.failed:
        raise SystemExit(1)


def _dataset_reader() -> Any:
    """The training layer's reader of a recipe's ``train:`` dataset, when the train extra is installed."""
    try:
        from rewardkit.train.probe_problems import dataset_problems
    except ImportError:
        return None
    return dataset_problems
