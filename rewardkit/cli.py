"""The ``rewardkit`` command.

Exit codes: 0 success; 1 failed expectations (``test``, ``probe --strict``) or a reward whose policy
is ``raise``; 2 usage, recipe, rows or plugin errors. User mistakes print ``file:line: key: message``
lines, never a traceback.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from rewardkit import __version__

# Commands that live with the subsystem they drive; imported only when invoked, so that
# `rewardkit score` never pays for importing torch.
LAZY_COMMANDS: dict[str, tuple[str, str, str]] = {
    "probe": ("rewardkit.probe", "probe_command", "Attack a recipe with reward-hacking probes before training."),
    "train": ("rewardkit.train.commands", "train_command", "GRPO + LoRA training from a recipe's train: section."),
    "eval": ("rewardkit.train.commands", "eval_command", "Evaluate a base model or adapter with a recipe."),
    "demo": ("rewardkit.train.commands", "demo_command", "The embedded end-to-end demo (tiny model, no download)."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            module_name, attr, _ = LAZY_COMMANDS[cmd_name]
            try:
                return getattr(importlib.import_module(module_name), attr)
            except (ImportError, AttributeError) as exc:
                missing = getattr(exc, "name", None) or str(exc)
                return _unavailable(cmd_name, f"needs {missing}; install with: pip install 'rewardkit[train]'")
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in LAZY_COMMANDS:
                rows.append((name, LAZY_COMMANDS[name][2]))
            else:
                cmd = super().get_command(ctx, name)
                if cmd is not None and not cmd.hidden:
                    rows.append((name, cmd.get_short_help_str(limit=80)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _unavailable(name: str, why: str) -> click.Command:
    @click.command(name, context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
    def command() -> None:
        fail(f"rewardkit {name}: {why}")

    return command


def fail(message: str, code: int = 2) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(code)


def console() -> Any:
    from rich.console import Console

    out = Console(highlight=False, soft_wrap=True)
    if not out.is_terminal:  # piped or captured: print wide tables whole rather than truncate cells
        out.width = max(out.width, 200)
    return out


def load_or_exit(path: str, overrides: Sequence[str] = ()) -> Any:
    from rewardkit.plugins import PluginLoadError
    from rewardkit.recipe import RecipeError, load_recipe
    from rewardkit.registry import RegistryError
    from rewardkit.train.config import TrainSettings

    try:
        return load_recipe(path, overrides, sections={"train": TrainSettings})
    except RecipeError as exc:
        n = len(exc.issues)
        fail(f"{exc}\n{n} error{'s' if n != 1 else ''} in {path}")
    except (PluginLoadError, RegistryError) as exc:
        fail(f"{path}: {exc}")


def guard(func: Callable[..., Any]) -> Callable[..., Any]:
    """Map the errors users cause to messages and exit codes instead of tracebacks."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from rewardkit.plugins import PluginLoadError
        from rewardkit.registry import RegistryError, UnknownNameError
        from rewardkit.runtime import RewardRaised

        try:
            return func(*args, **kwargs)
        except RewardRaised as exc:
            fail(f"error: {exc} (the recipe's policy for this reward is `raise`)", 1)
        except (PluginLoadError, RegistryError) as exc:
            fail(f"error: {exc}")
        except UnknownNameError as exc:
            fail(f"error: {exc.describe()}")

    return wrapper


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rewardkit")
def cli() -> None:
    """Reward functions for GRPO as plugins, composed in weighted YAML recipes.

    \b
    Typical flow:
      rewardkit rewards                      what is installed
      rewardkit check recipe.yaml            validate a recipe (file:line errors)
      rewardkit score recipe.yaml rows.jsonl score sample completions
      rewardkit test recipes/                run golden case files
      rewardkit probe recipe.yaml            look for reward hacks
      rewardkit train recipe.yaml            GRPO + LoRA
    """


# --------------------------------------------------------------------------- plugins / rewards


@cli.command()
@click.option("--all", "show_all", is_flag=True, help="Include the built-in plugins.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@guard
def plugins(show_all: bool, as_json: bool) -> None:
    """List installed plugins and what each registers."""
    from rewardkit.plugins import BUILTIN_PLUGINS, get_plugin_manager, get_registry

    pm = get_plugin_manager()
    registry = get_registry()
    rows = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None or (name in BUILTIN_PLUGINS and not show_all):
            continue
        rows.append(
            {
                "name": name,
                "builtin": name in BUILTIN_PLUGINS,
                "hooks": sorted(h.name for h in pm.get_hookcallers(plugin) or []),
                "rewards": sorted(s.name for s in registry.rewards.values() if s.plugin == name),
                "extractors": sorted(s.name for s in registry.extractors.values() if s.plugin == name),
                "probes": sorted(s.name for s in registry.probes.values() if s.plugin == name),
            }
        )
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("No third-party plugins installed (use --all to include the built-ins).")
        return
    from rich.table import Table

    table = Table("plugin", "rewards", "extractors", "probes")
    for row in rows:
        label = row["name"] + (" (built-in)" if row["builtin"] else "")
        table.add_row(label, "\n".join(row["rewards"]), "\n".join(row["extractors"]), "\n".join(row["probes"]))
    console().print(table)


def reward_info(spec: Any) -> dict[str, Any]:
    return {
        "name": spec.name,
        "plugin": spec.plugin,
        "summary": spec.summary,
        "doc": spec.doc,
        "cheap": spec.cheap,
        "params_schema": spec.params_model.model_json_schema(),
    }


@cli.command()
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON: params schema and docs.")
@guard
def rewards(name: str | None, as_json: bool) -> None:
    """List rewards, or show one reward's params and documentation."""
    from rewardkit.plugins import get_registry

    registry = get_registry()
    specs = [registry.reward(name)] if name else [registry.rewards[k] for k in sorted(registry.rewards)]
    if as_json:
        data = [reward_info(s) for s in specs]
        click.echo(json.dumps(data[0] if name else data, indent=2, default=str))
        return
    out = console()
    if not name:
        from rich.table import Table

        table = Table("reward", "plugin", "summary")
        for spec in specs:
            table.add_row(spec.name, spec.plugin, spec.summary)
        out.print(table)
        return
    spec = specs[0]
    from rich.table import Table

    out.print(f"[bold]{spec.name}[/bold]  (plugin {spec.plugin}; {'inline' if spec.cheap else 'isolated'} by default)\n")
    out.print(spec.doc or "(no documentation)", markup=False, soft_wrap=True)
    table = Table("param", "type", "default", "description", title="params")
    for field_name, info in spec.params_model.model_fields.items():
        default = "required" if info.is_required() else repr(info.get_default(call_default_factory=True))
        annotation = getattr(info.annotation, "__name__", None) or str(info.annotation).replace("typing.", "")
        table.add_row(field_name, annotation, default, info.description or "")
    out.print(table)


# --------------------------------------------------------------------------- check


@cli.command()
@click.argument("recipe_path", metavar="RECIPE", type=click.Path())
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Override a recipe key (repeatable).")
@click.option("--dataset", type=click.Path(), help="A JSONL file whose columns the rewards read (checks they exist).")
@guard
def check(recipe_path: str, overrides: tuple[str, ...], dataset: str | None) -> None:
    """Validate a recipe: every mistake with file:line, exit 2 if any."""
    recipe = load_or_exit(recipe_path, overrides)
    if recipe.train is not None:
        _check_trainer_keys(recipe, recipe_path)
    from rewardkit.runtime import compile_recipe

    compiled = compile_recipe(recipe)
    out = console()
    from rich.table import Table

    table = Table("id", "reward", "weight (TRL)", "isolation", "timeout_s", title=f"{recipe_path}: OK")
    for func in compiled.funcs:
        node = func.node
        weight = node.weight if not hasattr(node.weight, "at") else f"schedule {node.weight.start}->{node.weight.end}"
        isolation = ", ".join(sorted({leaf.isolation for leaf in func.leaves}))
        rewards_used = " | ".join(leaf.reward_name for leaf in func.leaves)
        table.add_row(func.__name__, rewards_used, str(weight), isolation, str(func.leaves[0].timeout_s))
    out.print(table)
    if dataset:
        _check_dataset_columns(recipe, Path(dataset))
    compiled.close()


def _check_trainer_keys(recipe: Any, recipe_path: str) -> None:
    """``train.grpo`` / ``train.warmup_sft`` keys against TRL's configs (imports trl: only when there is a train section)."""
    try:
        from rewardkit.train.config import check_trainer_keys
    except ImportError:  # the train extra is not installed: the loader already checked the section's shape
        return
    try:
        problems = check_trainer_keys(recipe.train)
    except ImportError:
        return
    if problems:
        lines = [f"{recipe.locate(path)}: {'.'.join(path)}: {message}" for path, message in problems]
        n = len(lines)
        fail("\n".join(lines) + f"\n{n} error{'s' if n != 1 else ''} in {recipe_path}")


COLUMN_PARAMS = ("gold", "gold_column", "column", "solution_column", "answer_column")


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

    registry = get_registry()
    missing = []
    for i, node in enumerate(recipe.rewards):
        for _, ref in node.refs():
            params = registry.params(ref.reward, ref.params)  # defaults count too
            for key in COLUMN_PARAMS:
                column = getattr(params, key, None)
                if isinstance(column, str) and column not in row:
                    where = recipe.locate(("rewards", i, "params", key))
                    missing.append(f"{where}: rewards.{i}.params.{key}: column {column!r} is not in {dataset}")
    if missing:
        fail("\n".join(missing) + f"\ncolumns in {dataset}: {', '.join(sorted(row))}")
    click.echo(f"{dataset}: the columns the rewards read are present")


# --------------------------------------------------------------------------- score


@cli.command()
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


@cli.command("test")
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


def main(argv: Sequence[str] | None = None) -> None:
    cli.main(args=list(argv) if argv is not None else None, prog_name="rewardkit")


if __name__ == "__main__":
    main()
