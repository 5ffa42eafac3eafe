"""Is an answer value equivalent to the gold value? The rules of DESIGN.md "How the math judge decides".

* integers and terminating decimals match exactly (float noise below 1e-9 relative is ignored);
* an exact gold without a finite decimal (1/3, π, √2) matches a decimal literal with at least
  ``min_significant`` significant digits within ``tolerance`` (relative), nothing looser (``3.142``
  is not π: 1.3e-4 relative); two decimal literals must match exactly;
* ``X%`` matches X or X/100 (``percent="either"``); a bare 0.5 never matches 50;
* sets (braces, comma lists, "x = a or x = b") are unordered, tuples ordered, intervals keep brackets;
* several values against one gold value is hedging: wrong;
* symbolic answers: numeric identity testing at several points (30 digits), then
  ``sympy.simplify`` of the difference for small expressions when the test is inconclusive.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from rewardkit_math import arith
from rewardkit_math.names import is_name
from rewardkit_math.values import Collection, Equation, Expr, Interval, IntervalUnion, Letter, Number, Text, Value

FLOAT_NOISE = Fraction(1, 10**9)
SIMPLIFY_MAX_OPS = 40
# Sample points for identity testing: each variable takes both signs (|x| is not x) and non-special values.
_POINTS = (
    (Fraction(7, 13), Fraction(-11, 17), Fraction(23, 9)),
    (Fraction(-5, 3), Fraction(2, 7), Fraction(-13, 11)),
    (Fraction(19, 7), Fraction(-3, 11), Fraction(5, 13)),
)


@dataclass(frozen=True, slots=True)
class Policy:
    """The comparison settings a ``math.equivalence`` recipe entry chooses."""

    tolerance: float = 1e-4
    min_significant: int = 4
    percent: Literal["either", "fraction", "number"] = "either"
    hedging: Literal["wrong", "any"] = "wrong"
    symbolic: bool = True


def equivalent(answer: Value, gold: Value, policy: Policy) -> tuple[bool, str]:
    """Compare one answer reading with one gold reading; returns (equal, the rule that decided)."""
    if isinstance(gold, Letter):
        if isinstance(answer, Letter):
            return answer.letter == gold.letter, "choice"
        return False, "choice_needs_letter"
    if isinstance(gold, Text):
        return isinstance(answer, Text) and _same_text(answer.text, gold.text), "text"
    if isinstance(answer, (Letter, Text)):
        return False, "letter_vs_value"
    if isinstance(gold, Equation) and isinstance(answer, Equation):
        return _equations(answer, gold, policy)
    if isinstance(gold, Equation):
        gold_value = _equation_value(gold)
        if gold_value is None:
            return False, "equation"
        gold = gold_value
    if isinstance(answer, Equation):
        answer_value = _equation_value(answer)
        if answer_value is None:
            return False, "equation"
        answer = answer_value
    answer, gold = _unwrap(answer), _unwrap(gold)
    if isinstance(gold, Collection):
        return _collections(answer, gold, policy)
    if isinstance(gold, (Interval, IntervalUnion)):
        return _intervals(answer, gold, policy)
    if isinstance(answer, Collection) and answer.items and len(_dedupe(answer.items, policy)) == 1:
        answer = answer.items[0]  # "5 or 5" says one thing
    if isinstance(answer, Collection):
        if policy.hedging == "any" and any(equivalent(item, gold, policy)[0] for item in answer.items):
            return True, "hedging_any"
        return False, "hedging"
    if isinstance(answer, (Interval, IntervalUnion)):
        return False, "interval_vs_value"
    return scalar_equal(answer, gold, policy)


def _unwrap(value: Value) -> Value:
    while isinstance(value, Collection) and len(value.items) == 1 and value.kind != "matrix":
        value = value.items[0]
    return value


#: Words that qualify a text answer: "Hamlet by Shakespeare" answers "Hamlet".
_QUALIFIERS = frozenset("by of in from at của ở tại bởi do".split())


def _same_text(answer: str, gold: str) -> bool:
    if answer == gold:
        return True
    words, gold_words = answer.split(), gold.split()
    n = len(gold_words)
    return len(words) > n + 1 and words[:n] == gold_words and words[n] in _QUALIFIERS


def _equation_value(equation: Equation) -> Value | None:
    """The value an equation states: ``x = 5``, ``PQ = 6``, ``g(x) = 2``, ``V_1 : V_2 = 3 : 7`` → the right side;
    ``9 = 4a + b`` → 9 (never ``4a + b``). Other equations (``2x = 6``, ``x + y = 5``) state no single value."""
    if equation.op != "=":
        return None
    if is_name(equation.lhs):
        return equation.rhs
    if isinstance(equation.lhs, (Number, Expr)) and _numeric(equation.lhs):
        return equation.lhs  # "9 = 4a + b", "5 = x"
    return None


def _numeric(value: Value) -> bool:
    return isinstance(value, Number) or (isinstance(value, Expr) and not getattr(value.sym, "free_symbols", True))


def _is_symbol(value: Any) -> bool:
    return isinstance(value, Expr) and getattr(value.sym, "is_Symbol", False)


# -- collections and intervals -------------------------------------------------------------------
def _collections(answer: Value, gold: Collection, policy: Policy) -> tuple[bool, str]:
    if gold.kind == "matrix" or (isinstance(answer, Collection) and answer.kind == "matrix"):
        return _matrices(answer, gold, policy)
    if isinstance(answer, Collection) and answer.names and gold.names and sorted(answer.names) == sorted(gold.names):
        by_name = dict(zip(answer.names, answer.items, strict=True))
        ok = all(equivalent(by_name[n], g, policy)[0] for n, g in zip(gold.names, gold.items, strict=True))
        return ok, "tuple"
    answer, gold = _in_order(answer), _in_order(gold)  # type: ignore[assignment]
    if isinstance(answer, Interval) and gold.kind == "tuple" and len(gold.items) == 2:
        if answer.left_open and answer.right_open:  # "(1, 2)" read as an open interval
            answer = Collection("tuple", (answer.lo, answer.hi))
    if not isinstance(answer, Collection):
        return False, "set_vs_value"
    if len(answer.items) != len(gold.items):
        distinct = _dedupe(answer.items, policy)
        if len(distinct) != len(_dedupe(gold.items, policy)) or gold.kind == "tuple":
            return False, "size"
        answer = Collection(answer.kind, tuple(distinct))
        gold = Collection(gold.kind, tuple(_dedupe(gold.items, policy)))
    if gold.kind == "tuple":
        ok = all(equivalent(a, g, policy)[0] for a, g in zip(answer.items, gold.items, strict=True))
        return ok, "tuple"
    unused = list(answer.items)
    for g in gold.items:
        for k, a in enumerate(unused):
            if equivalent(a, g, policy)[0]:
                del unused[k]
                break
        else:
            return False, "set"
    return True, "set"


_ALPHABET = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _in_order(value: Value) -> Value:
    """A named tuple against a plain one: coordinates (``y = 3, x = 2``; names that are consecutive letters)
    in alphabetical order, ``(x, y)``; any other names (``x = -3, q = 7/2``) in written order."""
    if not isinstance(value, Collection) or not value.names:
        return value
    names = sorted(value.names)
    if all(len(n) == 1 for n in names) and "".join(names) in _ALPHABET:
        by_name = dict(zip(value.names, value.items, strict=True))
        return Collection(value.kind, tuple(by_name[n] for n in names), tuple(names))
    return value


def _grid(value: Value) -> list[list[Value]] | None:
    if isinstance(value, Collection) and value.kind == "matrix":
        return [list(row.items) if isinstance(row, Collection) else [row] for row in value.items]
    if isinstance(value, Collection) and value.kind == "tuple":
        return [[item] for item in value.items]  # "(−1, 3)" answers a column vector
    return None


def _matrices(answer: Value, gold: Collection, policy: Policy) -> tuple[bool, str]:
    mine, theirs = _grid(answer), _grid(gold)
    if mine is None or theirs is None or len(mine) != len(theirs) or len(mine[0]) != len(theirs[0]):
        return False, "matrix"
    ok = all(
        equivalent(a, g, policy)[0] for row_a, row_g in zip(mine, theirs, strict=True) for a, g in zip(row_a, row_g, strict=True)
    )
    return ok, "matrix"


def _dedupe(items: tuple[Value, ...], policy: Policy) -> list[Value]:
    kept: list[Value] = []
    for item in items:
        if not any(equivalent(item, k, policy)[0] for k in kept):
            kept.append(item)
    return kept


def _intervals(answer: Value, gold: Interval | IntervalUnion, policy: Policy) -> tuple[bool, str]:
    if isinstance(answer, Collection) and answer.kind == "tuple" and len(answer.items) == 2:
        answer = Interval(answer.items[0], answer.items[1], True, True)
    if not isinstance(answer, (Interval, IntervalUnion)):
        return False, "interval"
    mine = list(answer.parts) if isinstance(answer, IntervalUnion) else [answer]
    theirs = list(gold.parts) if isinstance(gold, IntervalUnion) else [gold]
    if len(mine) != len(theirs):
        return False, "interval"
    for g in theirs:
        for k, a in enumerate(mine):
            if _same_interval(a, g, policy):
                del mine[k]
                break
        else:
            return False, "interval"
    return True, "interval"


def _same_interval(a: Interval, g: Interval, policy: Policy) -> bool:
    for mine, theirs, mine_open, theirs_open in (
        (a.lo, g.lo, a.left_open, g.left_open),
        (a.hi, g.hi, a.right_open, g.right_open),
    ):
        if not scalar_equal(mine, theirs, policy)[0]:
            return False
        if mine_open != theirs_open and not _is_infinite(theirs):
            return False
    return True


def _is_infinite(value: Value) -> bool:
    return isinstance(value, Expr) and value.sym in (arith.sp().oo, -arith.sp().oo)


def _equations(answer: Equation, gold: Equation, policy: Policy) -> tuple[bool, str]:
    if answer.op != gold.op or len(answer.extra) != len(gold.extra):
        return False, "equation"
    if answer.op != "=":  # inequalities, already written with < and ≤: the same terms, or a positive multiple
        mine, theirs = (answer.lhs, *answer.extra, answer.rhs), (gold.lhs, *gold.extra, gold.rhs)
        if all(scalar_equal(a, g, policy)[0] for a, g in zip(mine, theirs, strict=True)):
            return True, "inequality"
        if answer.extra:
            return False, "inequality"
        x = arith.to_sym(arith.sub(_sym(answer.rhs), _sym(answer.lhs)))
        y = arith.to_sym(arith.sub(_sym(gold.rhs), _sym(gold.lhs)))
        return _proportional(x, y, positive=True), "inequality"
    if is_name(answer.lhs) and is_name(gold.lhs) and str(answer.lhs) == str(gold.lhs):
        return equivalent(answer.rhs, gold.rhs, policy)[0], "equation"
    mine = arith.sub(_sym(answer.lhs), _sym(answer.rhs))
    theirs = arith.sub(_sym(gold.lhs), _sym(gold.rhs))
    return _proportional(arith.to_sym(mine), arith.to_sym(theirs)), "equation"


# -- scalars --------------------------------------------------------------------------------------
def scalar_equal(answer: Value, gold: Value, policy: Policy) -> tuple[bool, str]:
    """Numbers and expressions, with the percent variants the policy allows."""
    rule = "exact"
    for a, a_pct in _percent_variants(answer, policy):
        for g, g_pct in _percent_variants(gold, policy):
            ok, rule = _scalar(a, g, policy)
            if ok:
                return True, rule + ("_percent" if a_pct or g_pct else "")
    return False, rule


def _percent_variants(value: Value, policy: Policy) -> list[tuple[Value, bool]]:
    if not isinstance(value, (Number, Expr)) or not value.percent:
        return [(value, False)]
    as_number: Number | Expr
    as_fraction: Number | Expr
    if isinstance(value, Number):
        as_number = Number(value.value, value.decimals, value.significant)
        decimals = value.decimals + 2 if value.decimals is not None else None
        as_fraction = Number(value.value / 100, decimals, value.significant)
    else:
        as_number, as_fraction = Expr(value.sym), Expr(value.sym / 100)
    if policy.percent == "number":
        return [(as_number, False)]
    if policy.percent == "fraction":
        return [(as_fraction, True)]
    return [(as_number, False), (as_fraction, True)]


def _scalar(a: Value, g: Value, policy: Policy) -> tuple[bool, str]:
    if isinstance(a, Number) and isinstance(g, Number):
        if a.value == g.value:
            return True, "exact"
        return _rationals(a, g, policy)
    if not isinstance(a, (Number, Expr)) or not isinstance(g, (Number, Expr)):
        return False, "type"
    return _symbolic(a, g, policy)


def _terminating(value: Fraction) -> bool:
    q = value.denominator
    for p in (2, 5):
        while q % p == 0:
            q //= p
    return q == 1


def _rationals(a: Number, g: Number, policy: Policy) -> tuple[bool, str]:
    if (a.decimals is not None or g.decimals is not None) and _close(a.value, g.value, FLOAT_NOISE):
        return True, "float_noise"
    if a.decimals is not None and g.decimals is not None:
        return False, "decimal_mismatch"
    if a.decimals is not None and not _terminating(g.value):
        return _tolerance(a, g.value, policy)
    if g.decimals is not None and not _terminating(a.value):
        return _tolerance(g, a.value, policy)
    return False, "exact"


def _close(x: Fraction, y: Fraction, relative: Fraction) -> bool:
    return abs(x - y) <= relative * max(abs(x), abs(y))


def _tolerance(approx: Number, exact: Any, policy: Policy) -> tuple[bool, str]:
    """``approx`` (a decimal literal) against an exact value with no finite decimal expansion."""
    if approx.significant < policy.min_significant or approx.decimals is None:
        return False, "too_few_digits"
    if isinstance(exact, Fraction):
        diff = abs(approx.value - exact)
        return diff <= Fraction(policy.tolerance) * abs(exact) * (1 + FLOAT_NOISE), "tolerance"
    value = complex(exact)
    distance = abs(float(approx.value) - value)
    return distance <= policy.tolerance * abs(value) * (1 + 1e-9), "tolerance"


def _sym(value: Value) -> Any:
    if isinstance(value, Number):
        return value.value
    if isinstance(value, Expr):
        return value.sym
    raise TypeError("not a scalar")


def _symbolic(a: Number | Expr, g: Number | Expr, policy: Policy) -> tuple[bool, str]:
    sympy = arith.sp()
    x, y = arith.to_sym(_sym(a)), arith.to_sym(_sym(g))
    free = x.free_symbols | y.free_symbols
    if not free:
        vx, vy = _evaluate(x), _evaluate(y)
        if vx is None or vy is None:
            return bool(x == y), "structural"
        difference, size = abs(vx - vy), abs(vy)
        if float(difference / size if size > 1 else difference) <= 1e-20:
            return True, "numeric"
        if isinstance(a, Number) and a.decimals is not None and not y.is_Rational:
            return _tolerance(a, vy, policy)
        if isinstance(g, Number) and g.decimals is not None and not x.is_Rational:
            return _tolerance(g, vx, policy)
        return False, "numeric"
    if not policy.symbolic:
        return bool(sympy.expand(x - y) == 0), "expand"
    verdict = _identity(x, y, free)
    if verdict is not None:
        return verdict, "symbolic"
    if sympy.count_ops(x) + sympy.count_ops(y) <= SIMPLIFY_MAX_OPS:
        return bool(sympy.simplify(x - y) == 0), "simplify"
    return False, "too_complex"


def _evaluate(expr: Any, subs: dict[Any, Any] | None = None) -> Any:
    """``expr`` as a 30-digit mpmath-backed number, or ``None`` when it is not finite."""
    try:
        value = expr.xreplace(subs).evalf(30) if subs else expr.evalf(30)
        number = complex(value)
    except (TypeError, ValueError, OverflowError, ZeroDivisionError, AttributeError):
        return None
    if number != number or abs(number) == float("inf"):
        return None
    return value if value.is_number else None


def _identity(x: Any, y: Any, free: set[Any]) -> bool | None:
    """Numeric identity test: equal at every sample point (30 digits) → True; differ at one → False."""
    symbols = sorted(free, key=str)
    checked = 0
    for row in _POINTS:
        subs = {s: arith.to_sym(row[k % len(row)] + k) for k, s in enumerate(symbols)}
        vx, vy = _evaluate(x, subs), _evaluate(y, subs)
        if vx is None or vy is None:
            continue
        if abs(complex(vx) - complex(vy)) > 1e-12 * max(1.0, abs(complex(vy))):
            return False
        checked += 1
    return True if checked else None


def _proportional(x: Any, y: Any, positive: bool = False) -> bool:
    """``x = 0`` and ``y = 0`` are the same equation: ``x / y`` is a non-zero constant at every sample point."""
    free = x.free_symbols | y.free_symbols
    if not free:
        return bool(x == y)
    symbols = sorted(free, key=str)
    ratios = []
    for row in _POINTS:
        subs = {s: arith.to_sym(row[k % len(row)] + k) for k, s in enumerate(symbols)}
        vx, vy = _evaluate(x, subs), _evaluate(y, subs)
        if vx is None or vy is None or abs(complex(vy)) < 1e-12:
            continue
        ratios.append(complex(vx) / complex(vy))
    same = bool(ratios) and all(abs(r - ratios[0]) <= 1e-9 * abs(ratios[0]) for r in ratios) and abs(ratios[0]) > 1e-12
    return same and (not positive or (abs(ratios[0].imag) < 1e-12 and ratios[0].real > 0))
