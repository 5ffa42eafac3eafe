"""The recipe commands: ``check``, ``score`` and ``test``."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from rewardkit.cli.common import clean, console, fail, guard, load_or_exit, machine_output
from rewardkit.cli.common import shown as safe
from rewardkit.recipe import WeightSchedule

# --------------------------------------------------------------------------- check


@click.command()
@click.argument("recipe_path", metavar="RECIPE", type=click.Path())
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Override a recipe key (repeatable).")
@click.option("--dataset", type=click.Path(), help="A JSONL file whose columns the rewards read (checks they exist).")
@guard
def check(recipe_path: str, overrides: tuple[str, ...], dataset: str | None) -> None:
    """Validate a recipe: every mistake with file:line, exit 2 if any."""
    recipe = load_or_exit(recipe_path, overrides, **_train_sections())
    from rewardkit.runtime import compile_recipe

    compiled = compile_recipe(recipe)
    out = console()
    from rich.table import Table

    table = Table("id", "reward", "weight (TRL)", "isolation", "timeout_s", title=f"{recipe_path}: OK")
    for func in compiled.funcs:
        weight = (
            func.weight if not isinstance(func.weight, WeightSchedule) else f"schedule {func.weight.start}->{func.weight.end}"
        )
        isolation = ", ".join(sorted({leaf.isolation for leaf in func.leaves}))
        rewards_used = " | ".join(leaf.reward_name for leaf in func.leaves)
        table.add_row(func.__name__, rewards_used, str(weight), isolation, str(func.leaves[0].timeout_s))
    out.print(table)
    for warning in _inline_costly(compiled):
        click.echo(f"warning: {warning}", err=True)
    if dataset:
        _check_dataset_columns(recipe, Path(dataset))
    compiled.close()


def _inline_costly(compiled: Any) -> list[str]:
    """One line per entry that runs a reward declared not cheap (``cheap = False``) inline: nothing can stop it there."""
    from rewardkit.plugins import get_registry

    registry = get_registry()
    lines = []
    for func in compiled.funcs:
        costly = []
        for leaf in func.leaves:
            spec = registry.rewards.get(leaf.reward_name)
            if leaf.isolation == "inline" and spec is not None and not spec.cheap:
                costly.append(leaf.reward_name)
        if costly:
            names = ", ".join(dict.fromkeys(costly))
            lines.append(
                f"{func.__name__}: {names} runs inline (isolation: inline) but is not cheap: its time limit cannot be "
                "enforced and one hostile completion can stall the run; use isolation: auto or process"
            )
    return lines


def _train_sections() -> dict[str, Any]:
    """``check`` validates the ``train:`` section too (its TRL keys with every other error), when the train extra is installed."""
    try:
        from rewardkit.train.config import TrainSettings, check_trainer_keys
    except ImportError:  # the train extra is missing: the section is kept as data
        return {}
    return {"sections": {"train": TrainSettings}, "section_checks": {"train": check_trainer_keys}}


def recipe_columns(recipe: Any, registry: Any) -> Iterator[tuple[tuple[Any, ...], str, Any]]:
    """``(key path, reward name, RoleValue)`` of every :class:`~rewardkit.Column`-marked param the recipe's rewards read.

    Defaults count (``math.equivalence`` without params still reads ``solution``); wrapped rewards
    (:class:`~rewardkit.WrappedReward`) are followed as ``Registry.walk`` follows them, keeping the key
    path where each param is (or would be) written in the recipe, for ``recipe.locate`` (which falls
    back to the closest written ancestor: the entry, for a default).
    """
    from rewardkit.params import Column, WrappedReward, roles

    def walk(name: str, params: Any, path: tuple[Any, ...], depth: int) -> Iterator[tuple[tuple[Any, ...], str, Any]]:
        try:
            model = registry.params(name, params)
        except (LookupError, ValueError):  # the recipe loader reports these
            return
        for role in roles(model, Column):
            yield (*path, role.field), name, role
        if depth >= 3:
            return
        for wrapped in roles(model, WrappedReward):
            field = wrapped.role.params_field
            inner = getattr(model, field, None)
            if isinstance(wrapped.value, str) and inner is not None:
                yield from walk(wrapped.value, inner, (*path, field), depth + 1)

    for i, node in enumerate(recipe.rewards):
        for ref_path, ref in node.refs():
            yield from walk(ref.reward, ref.params, ("rewards", i, *ref_path, "params"), 0)


def _check_dataset_columns(recipe: Any, dataset: Path) -> None:
    from rewardkit.rows import RowsError, read_rows

    try:
        first = next(iter(read_rows(dataset, require=None)), None)
    except RowsError as exc:
        fail(str(exc))
    if first is None:
        fail(f"{dataset}: no rows")
    _, row = first
    from rewardkit.plugins import get_registry

    missing = []
    for path, name, role in recipe_columns(recipe, get_registry()):
        columns = [role.value] if isinstance(role.value, str) else role.value if isinstance(role.value, (list, tuple)) else []
        for column in columns:
            if isinstance(column, str) and column not in row:
                dotted = ".".join(str(p) for p in path)
                reads = f"{name} reads the gold answer from it" if role.role.gold else f"{name} reads it"
                missing.append(f"{recipe.locate(path)}: {dotted}: column {column!r} is not in {dataset} ({reads})")
    if missing:
        fail("\n".join(missing) + f"\ncolumns in {dataset}: {', '.join(sorted(row))}")
    click.echo(f"{dataset}: the columns the rewards read are present")


# --------------------------------------------------------------------------- score


@click.command()
@click.argument("recipe_path", metavar="RECIPE", type=click.Path())
@click.argument("rows_path", metavar="ROWS.jsonl", type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@click.option("--explain", is_flag=True, help="Show each reward's details (extracted answer, rule, reason).")
@click.option("--summary", is_flag=True, help="With --format jsonl: print the outcome and latency tables on stderr at the end.")
@click.option("--step", type=click.IntRange(min=0), default=0, show_default=True, help="Training step for scheduled weights.")
@click.option("--batch-size", type=click.IntRange(min=1), default=1024, show_default=True, help="Rows scored together.")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Override a recipe key (repeatable).")
@guard
def score(
    recipe_path: str,
    rows_path: str,
    fmt: str,
    explain: bool,
    summary: bool,
    step: int,
    batch_size: int,
    overrides: tuple[str, ...],
) -> None:
    """Score completions from a JSONL file (completion, optional prompt/id, columns); - reads stdin.

    Rows stream through in batches: `--format jsonl` writes each result as soon as its batch is
    scored, in input order, with memory bounded by the batch, not the file. Anything a reward prints
    goes to stderr, so stdout holds only the requested output. Exit 0 done, 2 bad recipe or rows,
    130 interrupted (every line written before the interrupt is complete).
    """
    from rewardkit.rows import RowReader, RowsError
    from rewardkit.runtime import compile_recipe
    from rewardkit.score import Summary, score_stream

    started = time.perf_counter()
    shown: list[Any] = []
    with contextlib.ExitStack() as stack:
        stdout = stack.enter_context(machine_output())  # before the recipe: a plugin may print when imported
        recipe = load_or_exit(recipe_path, overrides)
        reader = RowReader(rows_path)
        compiled = stack.enter_context(compile_recipe(recipe))
        progress = stack.enter_context(_progress(reader))
        tally = Summary(compiled.ids)
        try:
            for result in score_stream(recipe, (row for _, row in reader), compiled, step=step, batch_size=batch_size):
                tally.add(result)
                if fmt == "jsonl":
                    stdout.write(jsonl_line(result.to_json(explain=True)))
                    if tally.rows % batch_size == 0:  # a batch is done: a reader of the pipe sees it now
                        stdout.flush()
                elif len(shown) < TABLE_ROWS:
                    shown.append(result)
                progress(tally.rows)
        except RowsError as exc:
            stdout.flush()
            fail(f"{exc}\n({tally.rows} rows scored before it)" if tally.rows else str(exc))
        except KeyboardInterrupt:
            stdout.flush()
            fail(f"interrupted after {tally.rows} rows (every line written is complete)", 130)
        stdout.flush()
    if tally.rows == 0:
        fail(f"{rows_path}: no rows to score")
    wall = time.perf_counter() - started
    if fmt == "table":
        _print_score_table(recipe, compiled, shown, tally, explain, wall)
    elif summary:
        _print_summary(console(stderr=True), compiled, tally, wall)


TABLE_ROWS = 200  # rows shown by --format table; the summary counts every row


def jsonl_line(obj: Any) -> str:
    """One JSON line; lone surrogates (invalid UTF-8) are written as ``\\udXXX`` escapes, so every line parses."""
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False)
    return text.encode("utf-8", "backslashreplace").decode("utf-8") + "\n"


@contextlib.contextmanager
def _progress(reader: Any) -> Iterator[Any]:
    """A progress bar on stderr (rows, rows/s, ETA from bytes read) when stderr is a terminal; else nothing."""
    if not sys.stderr.isatty():
        yield lambda rows: None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    columns = [TextColumn("{task.fields[rows]} rows"), TextColumn("{task.fields[rate]}"), BarColumn(), TimeElapsedColumn()]
    if reader.size:
        columns.append(TimeRemainingColumn())
    started = time.perf_counter()
    with Progress(*columns, console=console(stderr=True), transient=True) as bar:
        task = bar.add_task("score", total=reader.size, rows=0, rate="")

        def update(rows: int) -> None:
            if rows % 256 == 0:
                rate = rows / max(time.perf_counter() - started, 1e-9)
                bar.update(task, completed=reader.bytes_read, rows=rows, rate=f"{rate:,.0f} rows/s")

        yield update


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _print_score_table(recipe: Any, compiled: Any, results: list[Any], tally: Any, explain: bool, wall: float) -> None:
    from rich.markup import escape
    from rich.table import Table

    out = console()
    ids = compiled.ids
    headers = [f"{escape(i)}\n×{w:g}" for i, w in zip(ids, compiled.weights, strict=True)]
    table = Table("id", *headers, "total", title=safe(recipe.source))
    for row in results:
        cells = []
        for i in ids:
            label = row.outcomes[i]
            cell = _fmt(row.rewards[i])
            if label != "ok":
                cell += f" [yellow]{escape(label)}[/yellow]"
            cells.append(cell)
        table.add_row(safe(row.id), *cells, _fmt(row.total))
    out.print(table)
    if tally.rows > len(results):
        out.print(f"(first {len(results)} of {tally.rows} rows shown; --format jsonl writes every row)")
    if explain:
        for row in results:
            out.print(clean(row.id), style="bold", markup=False)
            for i in ids:
                detail = dict(row.details.get(i) or {})
                if row.messages.get(i):
                    detail["message"] = row.messages[i]
                if detail:
                    out.print(clean(f"  {i}: " + ", ".join(f"{k}={v!r}" for k, v in detail.items())), markup=False)
    _print_summary(out, compiled, tally, wall)


def _print_summary(out: Any, compiled: Any, tally: Any, wall: float) -> None:
    """Outcomes per row (not per distinct completion) and latencies, from the running counters."""
    from rich.markup import escape
    from rich.table import Table

    summary = Table("reward", "ok", "skip", "errors", "p50 ms", "p95 ms", "max ms", title="outcomes and latency (per row)")
    for rid in compiled.ids:
        counts = tally.outcomes.get(rid, {})
        errors = ", ".join(f"{k.split(':', 1)[1]}={v}" for k, v in sorted(counts.items()) if k.startswith("error"))
        summary.add_row(
            escape(rid),
            str(counts.get("ok", 0)),
            str(counts.get("skip", 0)),
            errors or "0",
            f"{tally.latency(rid, 0.5):.2f}",
            f"{tally.latency(rid, 0.95):.2f}",
            f"{max(tally.latencies.get(rid, [0.0]) or [0.0]):.2f}",
        )
    out.print(summary)
    mean = tally.mean_total
    mean_text = "no total (every reward skipped)" if mean is None else f"mean total {mean:.3f}"
    out.print(f"{tally.rows} rows, {mean_text}, {wall:.2f} s ({tally.rows / max(wall, 1e-9):,.0f} rows/s)", markup=False)


# --------------------------------------------------------------------------- test


@click.command("test")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-q", "--quiet", is_flag=True, help="Only print failures and the summary.")
@guard
def test_command(paths: tuple[str, ...], quiet: bool) -> None:
    """Run golden case files (*.cases.yaml); exit 1 if any case fails."""
    from rewardkit.cases import find_case_files, run_paths

    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        fail(f"no such file or directory: {', '.join(missing)}")
    if not find_case_files(paths):
        fail(f"no *.cases.yaml files under {', '.join(paths)}")
    results, errors = run_paths(paths)
    out = console()
    for error in errors:
        out.print(f"[red]ERROR[/red] {safe(error)}", markup=True, highlight=False)
    failed = [r for r in results if not r.passed]
    for result in results:
        if result.passed and not quiet:
            out.print(f"[green]PASS[/green] {safe(result.case.where)}: {safe(result.case.name)}")
        elif not result.passed:
            out.print(f"[red]FAIL[/red] {safe(result.case.where)}: {safe(result.case.name)}")
            for failure in result.failures:
                out.print(f"    {clean(failure)}", markup=False)
    passed = len(results) - len(failed)
    out.print(f"{passed} passed, {len(failed)} failed" + (f", {len(errors)} file errors" if errors else ""))
    if errors:
        sys.exit(2)
    if failed:
        sys.exit(1)
