"""What an answer reads as: exact numbers, sympy expressions, letters, collections, intervals, equations.

Plain numbers stay ``Fraction`` (no sympy) so most comparisons never touch sympy; anything else
holds a sympy object built by :mod:`rewardkit_math.parser`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal


@dataclass(frozen=True, slots=True)
class Number:
    """An exact rational value.

    ``decimals``/``significant`` are set when the answer was written as one decimal literal
    (``0.3333``): the tolerance rules treat such an answer as an approximation. ``percent`` is true
    for ``X%`` (``value`` holds X). ``bare`` is the value without its scale word (``400`` for
    ``400 nghìn``), for questions that ask "how many thousand".
    """

    value: Fraction
    decimals: int | None = None
    significant: int = 0
    percent: bool = False
    bare: Fraction | None = None

    def __str__(self) -> str:
        value = self.value
        bits = max(abs(value.numerator).bit_length(), value.denominator.bit_length())
        if bits > 3_000:  # str() of a huge int is slow (and limited to 4300 digits)
            return f"<number of about {int(bits * 0.30103)} digits>"
        text = str(value) if value.denominator != 1 else str(value.numerator)
        return text + ("%" if self.percent else "")


@dataclass(frozen=True, slots=True)
class Expr:
    """A sympy expression (symbolic, irrational or built from operations). ``percent`` as for Number."""

    sym: Any
    percent: bool = False

    def __str__(self) -> str:
        return str(self.sym) + ("%" if self.percent else "")


@dataclass(frozen=True, slots=True)
class Letter:
    """A multiple-choice option letter (upper case)."""

    letter: str

    def __str__(self) -> str:
        return self.letter


@dataclass(frozen=True, slots=True)
class Text:
    """A gold answer that is words, not math ("Monday", "yes", "Hà Nội"): compared as normalised text."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Collection:
    """Several values: ``set`` (braces, "x = a or x = b", ``\\pm``), ``tuple`` (parentheses,
    "x = 2, y = 3"), ``list`` (a bare comma list: unordered, but its written order is kept) or ``matrix``
    (``pmatrix``/``bmatrix``/``array``: its items are the rows, each a tuple)."""

    kind: Literal["set", "tuple", "list", "matrix"]
    items: tuple[Value, ...]
    #: For "x = 2, y = 3": the names, in written order (matched by name against another named tuple).
    names: tuple[str, ...] | None = None

    def __str__(self) -> str:
        inner = ", ".join(str(i) for i in self.items)
        return {"set": "{%s}", "tuple": "(%s)", "list": "%s", "matrix": "[%s]"}[self.kind] % inner


@dataclass(frozen=True, slots=True)
class Interval:
    """An interval with its brackets; ``lo``/``hi`` are sympy objects (``-oo``/``oo`` allowed)."""

    lo: Any
    hi: Any
    left_open: bool
    right_open: bool

    def __str__(self) -> str:
        return f"{'(' if self.left_open else '['}{self.lo}, {self.hi}{')' if self.right_open else ']'}"


@dataclass(frozen=True, slots=True)
class IntervalUnion:
    parts: tuple[Interval, ...]

    def __str__(self) -> str:
        return " ∪ ".join(str(p) for p in self.parts)


@dataclass(frozen=True, slots=True)
class Equation:
    """``lhs = rhs`` (``op`` may also be an inequality that could not become an interval)."""

    lhs: Any
    rhs: Any
    op: str = "="
    extra: tuple[Any, ...] = field(default=())

    def __str__(self) -> str:
        if self.extra:  # a chain "2 ≤ |w| ≤ 5/2": op holds the operators, extra the middle terms
            ops = self.op.split()
            middle = "".join(f" {o} {m}" for o, m in zip(ops, self.extra, strict=False))
            return f"{self.lhs}{middle} {ops[-1]} {self.rhs}"
        return f"{self.lhs} {self.op} {self.rhs}"


Value = Number | Expr | Letter | Text | Collection | Interval | IntervalUnion | Equation
Scalar = Number | Expr


def is_scalar(value: Value) -> bool:
    return isinstance(value, (Number, Expr))


def describe(value: Value | None) -> str | None:
    """A short printable form for ``details`` (capped: details travel to logs)."""
    if value is None:
        return None
    text = str(value)
    return text if len(text) <= 200 else text[:197] + "..."
