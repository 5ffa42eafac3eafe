"""Bounded arithmetic on ``Fraction`` (fast, exact) or sympy objects (everything else).

Every operation refuses results that would be too big to compute promptly (``9^{9^{9^9}}``,
``10000!``), raising :class:`~rewardkit_math.tokens.ParseError`. sympy is imported lazily so that
loading the plugin (and plain-number answers) never pays for it.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import cache
from typing import Any

from rewardkit_math.tokens import ParseError

MAX_BITS = 40_000  # about 12,000 decimal digits for any intermediate rational
MAX_EXPONENT = 10_000  # a larger exponent is refused unless the base is 0 or ±1
MAX_FACTORIAL = 1_000
MAX_BINOMIAL = 5_000
EVALUATE_DIGITS = 60  # roots and functions of longer numbers stay unevaluated

Num = Any  # Fraction | sympy.Basic


@cache
def sp() -> Any:
    import sympy

    return sympy


def is_fraction(x: Num) -> bool:
    return isinstance(x, Fraction)


def check(x: Fraction) -> Fraction:
    if x.numerator.bit_length() > MAX_BITS or x.denominator.bit_length() > MAX_BITS:
        raise ParseError("number too large")
    return x


def to_sym(x: Num) -> Any:
    if isinstance(x, Fraction):
        return sp().Rational(x.numerator, x.denominator)
    return x


def simplify_number(x: Any) -> Num:
    """Bring a sympy rational back to ``Fraction`` (the fast, exact representation)."""
    if isinstance(x, Fraction):
        return check(x)
    if getattr(x, "is_Rational", False):
        p, q = int(x.p), int(x.q)
        if p.bit_length() > MAX_BITS or q.bit_length() > MAX_BITS:
            raise ParseError("number too large")
        return Fraction(p, q)
    return x


def add(a: Num, b: Num) -> Num:
    if is_fraction(a) and is_fraction(b):
        return check(a + b)
    return simplify_number(to_sym(a) + to_sym(b))


def sub(a: Num, b: Num) -> Num:
    if is_fraction(a) and is_fraction(b):
        return check(a - b)
    return simplify_number(to_sym(a) - to_sym(b))


def mul(a: Num, b: Num) -> Num:
    if is_fraction(a) and is_fraction(b):
        return check(a * b)
    return simplify_number(to_sym(a) * to_sym(b))


def div(a: Num, b: Num) -> Num:
    if is_fraction(b) and b == 0:
        raise ParseError("division by zero")
    if is_fraction(a) and is_fraction(b):
        return check(a / b)
    denominator = to_sym(b)
    if denominator == 0:
        raise ParseError("division by zero")
    return simplify_number(to_sym(a) / denominator)


def neg(a: Num) -> Num:
    return -a


def _bits(x: Fraction) -> int:
    return max(abs(x.numerator).bit_length(), x.denominator.bit_length())


def power(base: Num, exponent: Num) -> Num:
    if is_fraction(base) and is_fraction(exponent):
        if base == 0 and exponent < 0:
            raise ParseError("division by zero")
        if base in (0, 1):
            return base
        if exponent.denominator == 1:
            e = exponent.numerator
            if base == -1:
                return Fraction(-1 if e % 2 else 1)
            if abs(e) > MAX_EXPONENT or abs(e) * _bits(base) > MAX_BITS:
                raise ParseError("power too large")
            return check(base**e)
        if abs(exponent) > MAX_EXPONENT or abs(exponent) * _bits(base) > MAX_BITS or exponent.denominator > 1000:
            raise ParseError("power too large")
        if _bits(base) > EVALUATE_DIGITS * 4:
            return sp().Pow(to_sym(base), to_sym(exponent), evaluate=False)
        return simplify_number(sp().Pow(to_sym(base), to_sym(exponent)))
    _check_exponent(exponent)
    return simplify_number(sp().Pow(to_sym(base), to_sym(exponent)))


def _check_exponent(exponent: Num) -> None:
    """A symbolic power stays bounded only with a modest numeric exponent."""
    if is_fraction(exponent):
        if abs(exponent) > MAX_EXPONENT:
            raise ParseError("power too large")
        return
    if getattr(exponent, "is_number", False):
        try:
            magnitude = abs(complex(exponent.evalf(15)))
        except (TypeError, ValueError, OverflowError) as exc:
            raise ParseError("exponent cannot be bounded") from exc
        if not math.isfinite(magnitude) or magnitude > MAX_EXPONENT:
            raise ParseError("power too large")


def factorial(a: Num) -> Num:
    if is_fraction(a):
        if a.denominator != 1 or a < 0 or a > MAX_FACTORIAL:
            raise ParseError("factorial out of range")
        return Fraction(math.factorial(a.numerator))
    if a.free_symbols:
        return sp().factorial(a)
    raise ParseError("factorial of a non-integer")


def binomial(n: Num, k: Num) -> Num:
    if is_fraction(n) and is_fraction(k):
        if n.denominator != 1 or k.denominator != 1 or not 0 <= n <= MAX_BINOMIAL:
            raise ParseError("binomial out of range")
        return Fraction(math.comb(n.numerator, k.numerator)) if k >= 0 else Fraction(0)
    if is_fraction(n) and abs(n) > MAX_BINOMIAL:
        raise ParseError("binomial out of range")
    return sp().binomial(to_sym(n), to_sym(k))


def sqrt(a: Num) -> Num:
    if is_fraction(a) and a >= 0:
        p, q = math.isqrt(a.numerator), math.isqrt(a.denominator)
        if p * p == a.numerator and q * q == a.denominator:
            return Fraction(p, q)
        if _bits(a) > EVALUATE_DIGITS * 4:
            return sp().Pow(to_sym(a), sp().Rational(1, 2), evaluate=False)
    return simplify_number(sp().sqrt(to_sym(a)))


def root(a: Num, index: Num) -> Num:
    if not is_fraction(index) or index.denominator != 1 or not 2 <= index <= 100:
        raise ParseError("unsupported root index")
    if index == 2:
        return sqrt(a)
    if is_fraction(a) and a < 0 and index.numerator % 2:
        return neg(root(-a, index))  # real odd root of a negative number, as a student means it
    return power(a, Fraction(1, index.numerator))


def absolute(a: Num) -> Num:
    if is_fraction(a):
        return abs(a)
    return simplify_number(sp().Abs(a))


_FUNCTIONS = {
    "sin": "sin",
    "cos": "cos",
    "tan": "tan",
    "cot": "cot",
    "sec": "sec",
    "csc": "csc",
    "arcsin": "asin",
    "arccos": "acos",
    "arctan": "atan",
    "sinh": "sinh",
    "cosh": "cosh",
    "tanh": "tanh",
    "exp": "exp",
}


def function(name: str, arg: Num, base: Num | None = None) -> Num:
    """Apply a whitelisted function; ``log`` and ``ln`` are natural logs, ``lg`` is base 10."""
    sympy = sp()
    if name == "sqrt":
        return sqrt(arg)
    x = to_sym(arg)
    evaluate = not (is_fraction(arg) and _bits(arg) > EVALUATE_DIGITS * 4)
    if name in ("log", "ln", "lg"):
        if name == "lg":
            base = Fraction(10)
        if is_fraction(arg) and arg <= 0:
            raise ParseError("log of a non-positive number")
        if base is not None:
            if is_fraction(base) and (base <= 0 or base == 1):
                raise ParseError("bad log base")
            if not evaluate:
                return sympy.log(x, evaluate=False) / sympy.log(to_sym(base))
            return simplify_number(sympy.log(x, to_sym(base)))
        return simplify_number(sympy.log(x, evaluate=evaluate))
    if name == "exp":
        _check_exponent(arg)
    elif not evaluate or (is_fraction(arg) and abs(arg) > 10**12):
        raise ParseError("trigonometric argument too large")  # evaluating sin(10^300) costs 300 digits of pi
    func = getattr(sympy, _FUNCTIONS[name])
    return simplify_number(func(x, evaluate=evaluate))
