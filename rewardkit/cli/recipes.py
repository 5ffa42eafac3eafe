"""The recipe commands: ``check``, ``score`` and ``test``."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from rewardkit.cli.common import console, fail, guard, load_or_exit
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
    if dataset:
        _check_dataset_columns(recipe, Path(dataset))
    compiled.close()


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
    from rewardkit.score import RowsError, read_rows

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
@click.argument("rows_path", metavar="ROWS.jsonl", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@click.option("--explain", is_flag=True, help="Show each reward's details (extracted answer, rule, reason).")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Override a recipe key (repeatable).")
@guard
def score(recipe_path: str, rows_path: str, fmt: str, explain: bool, overrides: tuple[str, ...]) -> None:
    """Score completions from a JSONL file (completion, optional prompt/id, columns)."""
    from rewardkit.runtime import compile_recipe
    from rewardkit.score import RowsError, read_rows, score_rows

    recipe = load_or_exit(recipe_path, overrides)
    try:
        rows = [row for _, row in read_rows(Path(rows_path))]
    except RowsError as exc:
        fail(str(exc))
    started = time.perf_counter()
    with compile_recipe(recipe) as compiled:
        results = score_rows(recipe, rows, compiled=compiled)
        stats = compiled.engine.snapshot()
    wall = time.perf_counter() - started
    if fmt == "jsonl":
        for result in results:
            click.echo(json.dumps(result.to_json(explain=True), ensure_ascii=False))
        return
    _print_score_table(recipe, compiled, results, stats, explain, wall)


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _print_score_table(recipe: Any, compiled: Any, results: list[Any], stats: dict[str, Any], explain: bool, wall: float) -> None:
    from rich.table import Table

    out = console()
    ids = compiled.ids
    table = Table("id", *[f"{i}\n×{w:g}" for i, w in zip(ids, compiled.weights, strict=True)], "total", title=str(recipe.source))
    for row in results:
        cells = []
        for i in ids:
            label = row.outcomes[i]
            cell = _fmt(row.rewards[i])
            if label != "ok":
                cell += f" [yellow]{label}[/yellow]"
            cells.append(cell)
        table.add_row(str(row.id), *cells, _fmt(row.total))
    out.print(table)
    if explain:
        for row in results:
            out.print(f"[bold]{row.id}[/bold]")
            for i in ids:
                detail = dict(row.details.get(i) or {})
                if row.messages.get(i):
                    detail["message"] = row.messages[i]
                if detail:
                    out.print(f"  {i}: " + ", ".join(f"{k}={v!r}" for k, v in detail.items()), markup=False)
    summary = Table("reward", "ok", "skip", "errors", "p50 ms", "p95 ms", "max ms", title="outcomes and latency")
    for key, s in stats.items():
        counts = s["counts"]
        errors = ", ".join(f"{k.split(':', 1)[1]}={v}" for k, v in sorted(counts.items()) if k.startswith("error"))
        summary.add_row(
            key,
            str(counts.get("ok", 0)),
            str(counts.get("skip", 0)),
            errors or "0",
            f"{s['p50_ms']:.2f}",
            f"{s['p95_ms']:.2f}",
            f"{s['max_ms']:.2f}",
        )
    out.print(summary)
    totals = [r.total for r in results if r.total is not None]
    mean = sum(totals) / len(totals) if totals else float("nan")
    out.print(f"{len(results)} rows, mean total {mean:.3f}, {wall:.2f} s")


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
        out.print(f"[red]ERROR[/red] {error}", markup=True, highlight=False)
    failed = [r for r in results if not r.passed]
    for result in results:
        if result.passed and not quiet:
            out.print(f"[green]PASS[/green] {result.case.where}: {result.case.name}")
        elif not result.passed:
            out.print(f"[red]FAIL[/red] {result.case.where}: {result.case.name}")
            for failure in result.failures:
                out.print(f"    {failure}", markup=False)
    passed = len(results) - len(failed)
    out.print(f"{passed} passed, {len(failed)} failed" + (f", {len(errors)} file errors" if errors else ""))
    if errors:
        sys.exit(2)
    if failed:
        sys.exit(1)
