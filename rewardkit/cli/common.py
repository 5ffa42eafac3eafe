"""What every command shares: failing with an exit code, the console, the error guard, the recipe loader.

Kept apart from the click group (which loads the command modules lazily) so that command modules,
including the training commands in :mod:`rewardkit.train.commands`, import these without a cycle.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, NoReturn

import click


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``message`` on stderr and exit with ``code`` (2: bad input)."""
    click.echo(message, err=True)
    sys.exit(code)


def load_or_exit(
    path: str,
    overrides: Sequence[str] = (),
    sections: Mapping[str, Any] | None = None,
    section_checks: Mapping[str, Any] | None = None,
) -> Any:
    """The recipe at ``path`` with ``--set`` overrides; ``sections``/``section_checks`` as in ``load_recipe`` (``train``)."""
    from rewardkit.plugins import PluginLoadError
    from rewardkit.recipe import RecipeError, load_recipe
    from rewardkit.registry import RegistryError

    try:
        return load_recipe(path, overrides, sections=sections, section_checks=section_checks)
    except RecipeError as exc:
        n = len(exc.issues)
        fail(f"{exc}\n{n} error{'s' if n != 1 else ''} in {path}")
    except (PluginLoadError, RegistryError) as exc:
        fail(f"{path}: {exc}")


def console(stderr: bool = False) -> Any:
    """A rich console; when not on a terminal, wide (no wrapping mid-message) and without colour codes."""
    from rich.console import Console

    out = Console(highlight=False, soft_wrap=True, stderr=stderr)
    if not out.is_terminal:  # piped or captured: print wide tables whole rather than truncate or wrap cells
        out.width = max(out.width, 200)
    return out


@contextlib.contextmanager
def machine_output() -> Iterator[Any]:
    """The real stdout, for machine-readable output; anything else printed meanwhile goes to stderr.

    A reward's ``print()`` (or a C library writing to file descriptor 1) must not corrupt
    ``--format jsonl``: descriptor 1 points at stderr until the block ends, and the output goes to
    a private copy of the original stdout.
    """
    sys.stdout.flush()
    try:
        direct = sys.stdout.fileno() == 1
    except (AttributeError, OSError, ValueError):  # a captured stdout (tests): redirect Python-level prints only
        direct = False
    if not direct:
        saved = sys.stdout
        with contextlib.redirect_stdout(sys.stderr):
            yield saved
        return
    copy = os.dup(1)
    os.dup2(2, 1)
    out = os.fdopen(copy, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
    saved = sys.stdout
    sys.stdout = sys.stderr
    try:
        yield out
    finally:
        with contextlib.suppress(OSError, ValueError):
            out.flush()
        os.dup2(copy, 1)
        os.close(copy)
        sys.stdout = saved


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
