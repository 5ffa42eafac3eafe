"""What one reward says about one completion: a score, a skip, or a named error."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class ErrorKind(str, Enum):
    """Why a reward could not score a completion. Each kind has its own counter and policy."""

    EXCEPTION = "exception"  # the reward raised
    TIMEOUT = "timeout"  # the reward ran past its wall-clock limit (the worker was killed)
    CRASH = "crash"  # the worker process died (segfault, abort, out of memory)
    UNPARSEABLE_GOLD = "unparseable_gold"  # the reference answer itself cannot be read
    NO_ANSWER = "no_answer"  # the completion holds no answer to judge


@dataclass(frozen=True, slots=True)
class Outcome:
    """The verdict of one reward on one completion.

    ``status`` is ``"ok"`` (``score`` is a finite float), ``"skip"`` (not applicable: TRL receives
    ``None``) or ``"error"`` (``kind`` names why; the recipe's policy decides what TRL receives).
    ``details`` carry the evidence (extracted answer, parsed value, the rule that decided) that
    ``rewardkit score --explain`` and TRL's ``log_extra`` show.
    """

    status: str
    score: float | None = None
    kind: ErrorKind | None = None
    message: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def ok(cls, score: float, **details: Any) -> Outcome:
        value = float(score)
        if not math.isfinite(value):
            return cls.error(ErrorKind.EXCEPTION, f"reward returned a non-finite score {value!r}", **details)
        return cls("ok", value, details=details)

    @classmethod
    def skip(cls, reason: str = "", **details: Any) -> Outcome:
        return cls("skip", None, message=reason, details=details)

    @classmethod
    def error(cls, kind: ErrorKind | str, message: str, **details: Any) -> Outcome:
        return cls("error", None, ErrorKind(kind), message, details)

    @classmethod
    def coerce(cls, value: Outcome | float | int | bool | None) -> Outcome:
        """Accept what a simple reward returns: a number, ``None`` (skip) or an Outcome."""
        if isinstance(value, Outcome):
            return value._checked()
        if value is None:
            return cls.skip()
        if isinstance(value, (int, float, numbers.Real)) or _numpy_number(value):
            return cls.ok(float(value))  # type: ignore[arg-type]
        return cls.error(ErrorKind.EXCEPTION, f"reward returned {type(value).__name__}, expected a float or None")

    def _checked(self) -> Outcome:
        """This outcome if it is well-formed; an error outcome if it was built by hand with a bad status or score."""
        if self.status == "ok":
            if isinstance(self.score, (int, float)) and not isinstance(self.score, bool) and math.isfinite(self.score):
                return self
            return Outcome.error(ErrorKind.EXCEPTION, f"reward returned an ok outcome with score {self.score!r}", **self.details)
        if self.status in ("skip", "error") and (self.status == "skip" or self.kind is not None):
            return self
        return Outcome.error(ErrorKind.EXCEPTION, f"reward returned a malformed outcome (status {self.status!r})")

    @property
    def label(self) -> str:
        """``ok``, ``skip`` or ``error:<kind>``: the form used in counters and ``score`` output."""
        return f"error:{self.kind.value}" if self.kind is not None else self.status


def _numpy_number(value: Any) -> bool:
    """numpy's scalars (float32, int64, bool_) and 0-d arrays: numbers a reward may well return."""
    return type(value).__module__ == "numpy" and getattr(value, "ndim", 0) == 0 and hasattr(value, "__float__")


def text(value: Any) -> str:
    """``value`` as an exact ``str``: a str subclass (or a ``__str__``/``__repr__`` returning one) would
    carry its class across a pickle, and a class only a worker defines cannot be unpickled in the parent."""
    if type(value) is str:
        return value
    try:
        return str.__str__(value if isinstance(value, str) else str(value))
    except Exception:  # noqa: BLE001 - an object whose __str__ raises is still shown
        return f"<unprintable {type(value).__name__}>"


def plain(value: Any, depth: int = 0) -> Any:
    """A JSON-ready, picklable copy of a details value: containers kept, other objects as (short) text.

    Details may hold sympy objects or open handles; workers send and ``score`` writes this form.
    Only exact built-in types come out (a subclass of str, int or float defined in a worker would not
    unpickle in the parent). Non-finite floats become ``None`` (JSON has no NaN).
    """
    kind = type(value)
    if value is None or kind is bool or kind is int or kind is str:
        return value
    if isinstance(value, float):
        number = float.__float__(value)
        return number if math.isfinite(number) else None
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, str):
        return text(value)
    if depth < 8 and isinstance(value, dict):
        return {text(k): plain(v, depth + 1) for k, v in value.items()}
    if depth < 8 and isinstance(value, (list, tuple)):
        return [plain(v, depth + 1) for v in value]
    try:
        shown = repr(value) if not isinstance(value, (list, tuple, dict)) else str(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not lose the sample
        shown = f"<unprintable {kind.__name__}>"
    return text(shown)[:1000]
