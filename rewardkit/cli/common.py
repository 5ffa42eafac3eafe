"""What every command shares: failing with an exit code, the console, the error guard, the recipe loader.

Kept apart from the click group (which loads the command modules lazily) so that command modules,
including the training commands in :mod:`rewardkit.train.commands`, import these without a cycle.
"""

from __future__ import annotations

import contextlib
import os
import re
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


# C0/C1 control characters (ESC starts colour codes, OSC-8 links, cursor moves; CR overwrites a line)
# and Unicode bidi overrides; tab and newline are kept.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(value: Any) -> str:
    """Untrusted text (a row id, a case name, a detail) made safe for a terminal: control characters spelled out.

    ``"\\x1b[31m"`` prints as the six characters ``\\x1b[31m``, never as a colour change or a link.
    """
    try:
        text = value if isinstance(value, str) else str(value)
    except Exception:  # noqa: BLE001 - an id whose __str__ fails is still shown
        text = f"<unprintable {type(value).__name__}>"
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def shown(value: Any) -> str:
    """Untrusted text for rich markup: :func:`clean`, then ``[`` escaped so that ``[/bold]`` is text, not a tag."""
    from rich.markup import escape

    return escape(clean(value))


def console(stderr: bool = False) -> Any:
    """A rich console; when not on a terminal, wide (no wrapping mid-message) and without colour codes.

    Untrusted text goes through :func:`shown` (markup) or :func:`clean` (``markup=False``) first;
    ``:name:`` emoji codes are off, so a row id like ``:warning:`` prints as written.
    """
    from rich.console import Console

    out = Console(highlight=False, soft_wrap=True, stderr=stderr, emoji=False)
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
        from rewardkit.runtime import RewardBuildError, RewardRaised

        try:
            return func(*args, **kwargs)
        except RewardRaised as exc:
            fail(f"error: {exc} (the recipe's policy for this reward is `raise`)", 1)
        except RewardBuildError as exc:
            fail(str(exc))
        except (PluginLoadError, RegistryError) as exc:
            fail(f"error: {exc}")
        except UnknownNameError as exc:
            fail(f"error: {exc.describe()}")

    return wrapper
