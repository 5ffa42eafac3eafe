"""Names in equations: is the side of ``lhs = value`` a named quantity (``PQ``, ``g(x)``) or a computation?"""

from __future__ import annotations

from typing import Any

from rewardkit_math.values import Expr


def is_name(value: Any) -> bool:
    """A quantity named by letters, not computed: ``x``, ``PQ``, ``g(x)``, ``|PQ|``, ``V_1 : V_2``, ``AM/MB``.

    ``2x`` (a coefficient) and ``4a + b`` (a sum) are not names: ``2x = 6`` is an equation to solve.
    """
    sym = value.sym if isinstance(value, Expr) else value
    if not getattr(sym, "free_symbols", None):
        return False
    return _name_factor(sym) or (getattr(sym, "is_Mul", False) and len(sym.args) <= 8 and all(_name_factor(f) for f in sym.args))


def _name_factor(sym: Any) -> bool:
    if getattr(sym, "is_Symbol", False):
        return True
    if getattr(sym, "is_Pow", False):
        base, exponent = sym.args
        return getattr(base, "is_Symbol", False) and exponent in (-1, 1)
    if type(sym).__name__ == "Abs":
        return is_name(sym.args[0])
    return False
