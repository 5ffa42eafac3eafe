"""The ``train``, ``eval`` and ``demo`` commands (added to the ``rewardkit`` group by rewardkit.cli).

Heavy imports (torch, trl) happen inside the commands, so ``rewardkit train --help`` stays fast.

Exit codes of ``train`` and ``demo``: 0 done (also ``--resume`` on a finished run), 2 bad input (recipe,
data, preflight, output folder), 130 interrupted (Ctrl-C; what was trained is saved). Each error is printed
once, on stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

DEMO_RECIPE = Path("recipes") / "demo.yaml"


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def _load(recipe_path: str | Path, overrides: tuple[str, ...]) -> Any:
    from rewardkit.cli.common import load_or_exit
    from rewardkit.train.config import TrainSettings, check_trainer_keys

    return load_or_exit(
        str(recipe_path), overrides, sections={"train": TrainSettings}, section_checks={"train": check_trainer_keys}
    )


def _fail(message: str, code: int = 2) -> None:
    click.echo(message, err=True)
    sys.exit(code)


EXIT_INTERRUPTED = 130


def _run(
    recipe: Any, output_dir: str | None, resume: bool, dry_run: bool, overwrite: bool = False, command: str = "train"
) -> Any:
    from rewardkit.train.data import DataError
    from rewardkit.train.outputs import OutputError
    from rewardkit.train.run import TrainError, train_recipe

    console = _console()
    try:
        return train_recipe(
            recipe,
            output_dir=Path(output_dir) if output_dir else None,
            resume=resume,
            dry_run=dry_run,
            console=console,
            overwrite=overwrite,
            command=command,
        ), console
    except TrainError as exc:
        _fail(str(exc), EXIT_INTERRUPTED if exc.interrupted else 2)
    except (DataError, OutputError) as exc:
        _fail(f"error: {exc}")
    except OSError as exc:  # a write that failed mid-run (disk full, folder removed ...): name the path, no traceback
        where = f"{exc.filename}: " if exc.filename else ""
        _fail(f"error: {where}{exc.strerror or exc}")
    except KeyboardInterrupt:
        _fail("interrupted", EXIT_INTERRUPTED)
    raise AssertionError("unreachable: _fail exits")


def _finish(result: Any, console: Any) -> None:
    """The exit status of a run that returned: 0, or 130 when Ctrl-C stopped it early."""
    if result.interrupted:
        console.print(
            f"[yellow]interrupted[/yellow] after {result.grpo_steps} GRPO steps; the outputs above describe that "
            "adapter; continue with --resume"
        )
        sys.exit(EXIT_INTERRUPTED)


def _print_outputs(result: Any, console: Any) -> None:
    out = result.output_dir
    console.print("")
    console.print(f"[bold]outputs in {out}/[/bold]")
    for name, what in (
        ("report.md", "before → after accuracy, by language"),
        ("report.json", "the same figures as JSON"),
        ("rewards.png", "reward curves and accuracy bars"),
        ("metrics.jsonl", "every logged step"),
        ("adapter", "the LoRA adapter (PeftModel.from_pretrained)"),
        ("recipe.resolved.yaml", "the recipe as run"),
        ("run.json", "the run's manifest: its inputs' fingerprints and status"),
    ):
        if (out / name).exists():
            console.print(f"  {out / name}  [dim]{what}[/dim]")


@click.command("train")
@click.argument("recipe_path", metavar="RECIPE", type=click.Path())
@click.option(
    "--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Override a recipe key, e.g. train.grpo.max_steps=50."
)
@click.option("--dry-run", is_flag=True, help="Run the preflight checks only: data, prompts, rewards on the gold, memory.")
@click.option(
    "--resume",
    is_flag=True,
    help="Continue the run in the output folder: reuse its warm-up, continue GRPO from its last complete checkpoint.",
)
@click.option(
    "--overwrite",
    is_flag=True,
    help="Replace a run already in the output folder (deleted only once the new run's inputs pass preflight).",
)
@click.option("--output-dir", type=click.Path(), help="Overrides train.output_dir.")
def train_command(
    recipe_path: str, overrides: tuple[str, ...], dry_run: bool, resume: bool, overwrite: bool, output_dir: str | None
) -> None:
    """GRPO with LoRA from a recipe's train: section.

    Writes the adapter, metrics.jsonl, rewards.png, report.md/report.json, run.json and the resolved
    recipe into train.output_dir. A folder that holds a run is never overwritten without --overwrite.
    Runs unchanged under `accelerate launch` for several GPUs. Exit: 0 done, 2 bad input, 130 interrupted.
    """
    recipe = _load(recipe_path, overrides)
    result, console = _run(recipe, output_dir, resume, dry_run, overwrite)
    if result.dry_run:
        console.print("[green]preflight passed[/green] (dry run: nothing trained)")
        return
    if result.already_finished:
        console.print(f"nothing to resume: the run in {result.output_dir} finished ({result.grpo_steps} GRPO steps)")
        return
    _print_outputs(result, console)
    summary = (result.report.get("verdict") or {}).get("summary")
    if summary:
        console.print(f"GRPO result: {summary}")
    _finish(result, console)


@click.command("eval")
@click.argument("recipe_path", metavar="RECIPE", type=click.Path())
@click.option("--adapter", type=click.Path(exists=True, file_okay=False), help="A LoRA adapter folder (from `train`).")
@click.option("--model", "model", help="Base model folder or hub id (default: the adapter's base, else the recipe's model).")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Override a recipe key.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def eval_command(recipe_path: str, adapter: str | None, model: str | None, overrides: tuple[str, ...], as_json: bool) -> None:
    """Held-out accuracy (greedy strict and lenient, pass@k, by language) of a model or adapter, measured as `train` does."""
    import json

    from rewardkit.train.data import DataError
    from rewardkit.train.outputs import OutputError
    from rewardkit.train.run import TrainError, evaluate_recipe

    recipe = _load(recipe_path, overrides)
    console = _console()
    try:
        result = evaluate_recipe(recipe, Path(adapter) if adapter else None, model, console=None if as_json else console)
    except (TrainError, DataError, OutputError) as exc:
        _fail(str(exc))
        return
    if as_json:
        result.pop("examples", None)
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    sampled = result.get("pass_k")
    console.print(
        f"held-out: n={result.get('n')}, greedy (pass@1): strict {100 * result.get('strict', 0):.1f} %, "
        f"lenient {100 * result.get('lenient', 0):.1f} %, graded format {100 * result.get('format', 0):.1f} %"
    )
    if sampled:
        console.print(
            f"pass@{sampled['k']} (T {sampled['temperature']:g}): strict {100 * sampled['strict']:.1f} %, "
            f"lenient {100 * sampled['lenient']:.1f} %; one sample: lenient {100 * sampled['sample_lenient']:.1f} %"
        )
    groups = [("", result.get("by_language", {}))]
    groups += [(f"{column}=", scores) for column, scores in sorted(result.get("by_column", {}).items())]
    for prefix, scores in groups:
        for name, score in sorted(scores.items()):
            line = (
                f"  {prefix}{name}: n={score['n']}, strict {100 * score['strict']:.1f} %, lenient {100 * score['lenient']:.1f} %"
            )
            if sampled and score.get("pass_k_lenient") is not None:
                line += (
                    f", pass@{sampled['k']} strict {100 * score['pass_k_strict']:.1f} %, "
                    f"lenient {100 * score['pass_k_lenient']:.1f} %"
                )
            console.print(line)


def find_demo_recipe() -> Path:
    """``recipes/demo.yaml`` in the current folder, else next to the installed package (a source checkout)."""
    import rewardkit

    for base in (Path.cwd(), Path(rewardkit.__file__).resolve().parents[1]):
        candidate = base / DEMO_RECIPE
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("recipes/demo.yaml not found; run `rewardkit demo` from the rewardkit checkout")


@click.command("demo")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Override a recipe key.")
@click.option("--output-dir", type=click.Path(), default=None, help="Default: runs/demo.")
def demo_command(overrides: tuple[str, ...], output_dir: str | None) -> None:
    """The embedded demo: tiny model, warm-up SFT, GRPO + LoRA on English and Vietnamese arithmetic.

    Nothing is downloaded. About 6 minutes on 2 CPU cores; the outputs land in runs/demo/.
    """
    try:
        recipe_path = find_demo_recipe()
    except FileNotFoundError as exc:
        _fail(str(exc))
        return
    recipe = _load(recipe_path, overrides)
    console = _console()
    console.print(f"[bold]rewardkit demo[/bold]: {recipe_path} (tiny Llama built here, English + Vietnamese arithmetic)")
    result, console = _run(recipe, output_dir, False, False, command="demo")
    _print_outputs(result, console)
    report = result.report
    verdict = report.get("verdict")
    if verdict:
        console.print("")
        console.print(
            f"held-out accuracy on {report.get('eval_size')} problems, greedy, before → after GRPO: "
            f"strict {100 * report['accuracy_before_grpo']:.1f} % → {100 * report['accuracy_after_grpo']:.1f} %, "
            f"lenient {100 * report['lenient_before_grpo']:.1f} % → {100 * report['lenient_after_grpo']:.1f} %"
        )
        k = (report.get("pass_k") or {}).get("k")
        if k and "pass_k_lenient_after_grpo" in report:
            console.print(
                f"pass@{k}, before → after GRPO: "
                f"strict {100 * report['pass_k_strict_before_grpo']:.1f} % → {100 * report['pass_k_strict_after_grpo']:.1f} %, "
                f"lenient {100 * report['pass_k_lenient_before_grpo']:.1f} % → {100 * report['pass_k_lenient_after_grpo']:.1f} %"
            )
        strict = "REACHED" if verdict["strict_target_reached"] else "NOT reached"
        lenient = "REACHED" if verdict["lenient_target_reached"] else "NOT reached"
        console.print(f"the format (strict ≥ +30 pts): {strict}")
        console.print(f"the answers themselves (lenient ≥ +5 pts): {lenient}")
        console.print(f"[bold]{verdict['summary']}[/bold]")
    _finish(result, console)
