"""The ``rewardkit`` click group, lazy command loading, and the helpers every command shares.

Exit codes: 0 success; 1 failed expectations (``test``, ``probe --strict``) or a reward whose policy
is ``raise``; 2 usage, recipe, rows or plugin errors; 130 interrupted. User mistakes print
``file:line: key: message`` lines, never a traceback.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Sequence
from typing import Any

import click

from rewardkit import __version__
from rewardkit.cli.common import fail

# Every command lives in the module of its group and is imported only when invoked (or its help is
# asked for), so that `rewardkit --help` imports nothing but click and `rewardkit score` never pays
# for importing torch. name -> (module, attribute, one-line help shown by `rewardkit --help`).
LAZY_COMMANDS: dict[str, tuple[str, str, str]] = {
    "plugins": ("rewardkit.cli.plugins", "plugins", "List installed plugins and what each registers."),
    "rewards": ("rewardkit.cli.plugins", "rewards", "List rewards, or show one reward's params and documentation."),
    "new-plugin": ("rewardkit.cli.plugins", "new_plugin", "Write a plugin package: a reward, its cases, a recipe, a test."),
    "check": ("rewardkit.cli.recipes", "check", "Validate a recipe: every mistake with file:line, exit 2 if any."),
    "score": (
        "rewardkit.cli.recipes",
        "score",
        "Score completions from a JSONL file (completion, optional prompt/id, columns); - reads stdin.",
    ),
    "test": ("rewardkit.cli.recipes", "test_command", "Run golden case files (*.cases.yaml); exit 1 if any case fails."),
    "probe": ("rewardkit.cli.probe", "probe_command", "Attack a recipe with reward-hacking probes before training."),
    "train": ("rewardkit.train.commands", "train_command", "GRPO + LoRA training from a recipe's train: section."),
    "eval": ("rewardkit.train.commands", "eval_command", "Evaluate a base model or adapter with a recipe."),
    "demo": ("rewardkit.train.commands", "demo_command", "The embedded end-to-end demo (tiny model, no download)."),
}
# Commands whose module needs an optional extra: a failed import explains how to install it.
OPTIONAL_MODULES = frozenset({"rewardkit.train.commands"})


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            module_name, attr, _ = LAZY_COMMANDS[cmd_name]
            if module_name not in OPTIONAL_MODULES:
                return getattr(importlib.import_module(module_name), attr)
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
    \b
    Writing a plugin:
      rewardkit new-plugin my-rewards        a package skeleton that passes its own tests
      rewardkit rewards --plugin ./mine.py   what a local plugin file registers
    \b
    Exit codes (every command):
      0    success
      1    failed expectations: a failing case (test), a flagged probe (probe --strict),
           a reward whose policy is `raise`
      2    bad input: usage, recipe, case file, rows or plugin errors, printed as
           `file:line: message`, never a traceback
      130  interrupted (Ctrl-C); score has written only complete lines
    """


def _show_warning(message: Any, category: type[Warning], filename: str, lineno: int, file: Any = None, line: Any = None) -> None:
    """Warnings for the user (a plugin that registers nothing...) as one ``warning:`` line on stderr."""
    click.echo(f"warning: {message}", err=True)


def main(argv: Sequence[str] | None = None) -> None:
    warnings.showwarning = _show_warning
    cli.main(args=list(argv) if argv is not None else None, prog_name="rewardkit")
