"""A safe recursive-descent parser: cleaned answer text → :mod:`rewardkit_math.values`.

No ``eval``, ``sympify`` or ``parse_expr``: tokens from :mod:`rewardkit_math.tokens` are combined
with the bounded operations of :mod:`rewardkit_math.arith`. Caps: span length, token count,
nesting depth, list size, and (in ``arith``) exponent size, integer size and factorial argument.

Grammar (loosest first)::

    span      := sequence END
    sequence  := relation ((',' | ';' | or | and) relation)*
    relation  := union (('=' | '<' | '>' | '≤' | '≥' | '≠' | '≈' | '∈') union)*
    union     := additive ('∪' additive)*
    additive  := term (('+' | '-' | '±') term)*
    term      := unary (('*' | '/' | ':') unary | implicit-product)*
    unary     := ('-' | '+' | '±') unary | power
    power     := postfix ('^' exponent)?
    postfix   := primary ('!' | '%')*
    primary   := number | name | function | \\frac | \\sqrt | \\binom | (...) | [...] | {...} | \\{...\\} | |...|
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, Literal

from rewardkit.text import NumberLiteral
from rewardkit_math import arith
from rewardkit_math.names import is_name as _is_name
from rewardkit_math.tokens import ParseError, Token, tokenize
from rewardkit_math.values import Collection, Equation, Expr, Interval, IntervalUnion, Number, Value

MAX_CHARS = 2_000
MAX_DEPTH = 40
MAX_ITEMS = 100
_RELATIONS = ("=", "<", ">", "≤", "≥", "≠", "≈", "∈")
_PM_NAME = "__pm__"
_PLAIN, _INT, _PROPER = 0, 1, 2  # what a factor can contribute to a mixed number "2 1/2"
#: Letters that name functions: "g(x)", "f(2)", "P(A)" read as one named quantity, not a product.
_FUNCTION_LETTERS = frozenset("fghpqFGHPQ")


@dataclass(frozen=True, slots=True)
class _S:
    """A scalar while parsing: its value, the literal it is (if it is exactly one), flags."""

    v: Any
    lit: NumberLiteral | None = None
    pct: bool = False
    mixed: int = _PLAIN


@dataclass(frozen=True, slots=True)
class _Rel:
    parts: tuple[Any, ...]
    ops: tuple[str, ...]


def parse_answer(text: str, convention: Literal["vi", "en"]) -> Value:
    """Parse a cleaned answer span; raises :class:`ParseError` when it is not whitelisted math.

    >>> from fractions import Fraction
    >>> parse_answer("2\\\\frac{1}{2}", "en").value
    Fraction(5, 2)
    >>> str(parse_answer("x = 1 or x = -2", "en"))
    '{1, -2}'
    """
    if len(text) > MAX_CHARS:
        raise ParseError("answer too long")
    if not text.strip():
        raise ParseError("empty answer")
    return _Parser(tokenize(text, convention)).parse()


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0
        self.abs_depth = 0

    # -- token helpers ---------------------------------------------------------------------
    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def take(self) -> Token:
        token = self.tokens[self.i]
        if token.kind != "end":
            self.i += 1
        return token

    def expect_close(self, *closers: str) -> str:
        token = self.take()
        if token.kind != "close" or token.value not in closers:
            raise ParseError(f"expected {' or '.join(closers)}")
        return token.value

    # -- grammar ---------------------------------------------------------------------------
    def parse(self) -> Value:
        items, seps = self.sequence()
        if self.peek().kind != "end":
            raise ParseError(f"unexpected {self.peek().value!r}")
        return self.build_list(items, seps)

    def sequence(self) -> tuple[list[Any], list[str]]:
        items = [self.relation()]
        seps: list[str] = []
        while True:
            token = self.peek()
            if token.is_op(",", ";"):
                self.take()
                sep = token.value
                if self.peek().kind == "conj":
                    sep = self.take().value
            elif token.kind == "conj":
                sep = self.take().value
            else:
                return items, seps
            seps.append(sep)
            items.append(self.relation())
            if len(items) > MAX_ITEMS:
                raise ParseError("too many items")

    def relation(self) -> Any:
        parts = [self.union()]
        ops: list[str] = []
        while self.peek().kind == "op" and self.peek().value in _RELATIONS:
            ops.append(self.take().value)
            parts.append(self.union())
        return _Rel(tuple(parts), tuple(ops)) if ops else parts[0]

    def union(self) -> Any:
        left = self.additive()
        while self.peek().is_op("∪"):
            self.take()
            right = self.additive()
            left = _union(left, right)
        return left

    def additive(self) -> Any:
        left = self.term()
        while self.peek().kind == "op" and self.peek().value in "+-±":
            op = self.take().value
            right = _scalar(self.term())
            base = _scalar(left)
            if op == "+":
                left = _S(arith.add(base.v, right.v))
            elif op == "-":
                left = _S(arith.sub(base.v, right.v))
            else:
                left = _S(arith.add(base.v, arith.mul(_pm(), right.v)))
        return left

    def term(self) -> Any:
        left = self.unary()
        while True:
            token = self.peek()
            if token.kind == "op" and token.value in "*/:":
                self.take()
                right = _scalar(self.unary())
                base = _scalar(left)
                left = _S(arith.mul(base.v, right.v) if token.value == "*" else arith.div(base.v, right.v))
            elif self.starts_factor(token):
                left = self.implicit_product(left, token)
            else:
                return left

    def starts_factor(self, token: Token) -> bool:
        if token.kind in ("num", "id", "func", "cmd"):
            return True
        if token.kind == "open" and token.value == "(":
            return True
        return token.is_op("|") and self.abs_depth == 0

    def implicit_product(self, left: Any, token: Token) -> Any:
        base = _scalar(left)
        previous = self.tokens[self.i - 1]
        if base.mixed == _INT and token.kind == "num" and token.spaced and self._slash_fraction_ahead():
            numerator = self.take().value.value
            self.take()
            denominator = self.take().value.value
            return _mixed(base, Fraction(numerator, denominator))
        if token.kind == "num" and previous.kind == "num":
            raise ParseError("two numbers side by side")
        right = _scalar(self.power())
        if base.mixed == _INT and right.mixed == _PROPER:
            return _mixed(base, right.v)
        return _S(arith.mul(base.v, right.v))

    def _slash_fraction_ahead(self) -> bool:
        a, slash, b, after = self.peek(), self.peek(1), self.peek(2), self.peek(3)
        if not (slash.is_op("/") and b.kind == "num") or after.is_op("^", "!", "%") or after.kind in ("num", "id"):
            return False
        numerator, denominator = a.value, b.value
        return (
            numerator.decimals is None
            and denominator.decimals is None
            and 0 < numerator.value < denominator.value
            and not slash.spaced
            and not b.spaced
        )

    def unary(self) -> Any:
        token = self.peek()
        if token.is_op("-"):
            self.take()
            inner = _scalar(self.unary())
            return replace(inner, v=arith.neg(inner.v))
        if token.is_op("+"):
            self.take()
            return self.unary()
        if token.is_op("±"):
            self.take()
            return _S(arith.mul(_pm(), _scalar(self.unary()).v))
        return self.power()

    def power(self) -> Any:
        base = self.postfix()
        if self.peek().is_op("^"):
            self.take()
            exponent = _scalar(self.exponent())
            return _S(arith.power(_scalar(base).v, exponent.v))
        return base

    def exponent(self) -> Any:
        if self.peek().kind == "open" and self.peek().value == "{":
            return self.braced()
        return self.unary()

    def postfix(self) -> Any:
        node = self.primary()
        while True:
            if self.peek().is_op("!"):
                self.take()
                node = _S(arith.factorial(_scalar(node).v))
            elif self.peek().is_op("%"):
                self.take()
                scalar = _scalar(node)
                if scalar.pct:
                    raise ParseError("double percent")
                node = replace(scalar, pct=True, mixed=_PLAIN)
            else:
                return node

    def primary(self) -> Any:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError("nesting too deep")
        try:
            return self._primary()
        finally:
            self.depth -= 1

    def _primary(self) -> Any:
        token = self.take()
        kind, value = token.kind, token.value
        if kind == "num":
            return _S(value.value, lit=value, mixed=_INT if value.decimals is None else _PLAIN)
        if kind == "id":
            if value == "emptyset":
                return Collection("set", ())
            applied = self.application(value)
            return applied if applied is not None else _name(value)
        if kind == "func":
            return self.function(value)
        if kind == "cmd":
            return self.command(value)
        if kind == "open":
            return self.bracket(value)
        if token.is_op("|"):
            self.abs_depth += 1
            inner = _scalar(self.additive())
            if not self.take().is_op("|"):
                raise ParseError("unclosed |")
            self.abs_depth -= 1
            return _S(arith.absolute(inner.v))
        raise ParseError(f"unexpected {value!r}" if value is not None else "unexpected end")

    def application(self, name: str) -> _S | None:
        """``g(x)``, ``f(2)``, ``f(-1)``, ``P(A)``: a function letter applied to one simple argument is a name."""
        if name.split("_")[0] not in _FUNCTION_LETTERS:
            return None
        opener = self.peek()
        if opener.kind != "open" or opener.value != "(" or opener.spaced:
            return None
        k = 1
        sign = ""
        if self.peek(k).is_op("-"):
            sign, k = "-", k + 1
        arg = self.peek(k)
        if arg.kind not in ("num", "id") or not (self.peek(k + 1).kind == "close" and self.peek(k + 1).value == ")"):
            return None
        for _ in range(k + 2):
            self.take()
        text = arg.value.text if arg.kind == "num" else str(arg.value)
        return _S(arith.sp().Symbol(f"{name}({sign}{text})"))

    def matrix(self) -> Collection:
        """``\\matrix{1 & 2 ⏎ 3 & 4}`` (from ``pmatrix``/``bmatrix``/``array``): rows of equal length."""
        opener = self.take()
        if opener.kind != "open" or opener.value != "{":
            raise ParseError("matrix needs braces")
        rows: list[list[Value]] = [[]]
        cells = 0
        while True:
            rows[-1].append(_value(self.additive()))
            cells += 1
            if cells > MAX_ITEMS:
                raise ParseError("matrix too large")
            token = self.take()
            if token.is_op("&"):
                continue
            if token.is_op("⏎"):
                if self.peek().kind == "close" and self.peek().value == "}":
                    self.take()
                    break
                rows.append([])
                continue
            if token.kind == "close" and token.value == "}":
                break
            raise ParseError("malformed matrix")
        if len({len(row) for row in rows}) != 1:
            raise ParseError("ragged matrix")
        return Collection("matrix", tuple(Collection("tuple", tuple(row)) for row in rows))

    def braced(self) -> Any:
        self.take()  # "{"
        node = self.relation()
        self.expect_close("}")
        return node

    def argument(self) -> _S:
        """A LaTeX argument: ``{...}`` or a single token (``\\frac12``, ``\\sqrt2``, ``\\frac\\pi2``)."""
        token = self.peek()
        if token.kind == "open" and token.value == "{":
            return _scalar(self.braced())
        if token.kind in ("num", "id"):
            return _scalar(self.primary())
        if token.kind in ("cmd", "func"):
            return _scalar(self.primary())
        raise ParseError("missing argument")

    def command(self, name: str) -> Any:
        if name == "matrix":
            return self.matrix()
        if name in ("frac", "cfrac"):
            numerator, denominator = self.argument(), self.argument()
            value = arith.div(numerator.v, denominator.v)
            proper = (
                numerator.lit is not None
                and denominator.lit is not None
                and numerator.mixed == _INT
                and denominator.mixed == _INT
                and 0 < numerator.v < denominator.v
            )
            return _S(value, mixed=_PROPER if proper else _PLAIN)
        if name == "sqrt":
            index = None
            if self.peek().kind == "open" and self.peek().value == "[":
                self.take()
                index = _scalar(self.additive())
                self.expect_close("]")
            radicand = self.argument()
            return _S(arith.root(radicand.v, index.v) if index is not None else arith.sqrt(radicand.v))
        n, k = self.argument(), self.argument()  # binom
        return _S(arith.binomial(n.v, k.v))

    def function(self, name: str) -> _S:
        exponent = base = None
        for _ in range(2):
            if self.peek().is_op("^"):
                self.take()
                exponent = self.argument()
            elif self.peek().is_op("_") and name in ("log", "lg", "ln"):
                self.take()
                base = self.argument()
        token = self.peek()
        if token.kind == "open" and token.value == "(":
            self.take()
            arg = _scalar(self.additive())
            self.expect_close(")")
        elif token.kind == "open" and token.value == "{":
            arg = _scalar(self.braced())
        else:
            arg = _scalar(self.power())
        value = arith.function(name, arg.v, base.v if base is not None else None)
        if exponent is not None:
            value = arith.power(value, exponent.v)
        return _S(value)

    def bracket(self, opener: str) -> Any:
        if opener == "\\{" and self.peek().kind == "close" and self.peek().value == "\\}":
            self.take()
            return Collection("set", ())
        items, seps = self.sequence()
        if opener == "{":
            self.expect_close("}")
            if len(items) == 1:
                return items[0]
            return Collection("set", tuple(_value(i) for i in items))
        if opener == "\\{":
            self.expect_close("\\}")
            return Collection("set", tuple(_value(i) for i in items))
        closer = self.expect_close(")", "]")
        if len(items) == 1:
            if (opener == "(") != (closer == ")"):
                raise ParseError("half-open bracket around one value")
            return items[0]
        if any(sep not in (",", ";") for sep in seps):
            raise ParseError("'or' inside brackets")
        if len(items) == 2 and not (opener == "(" and closer == ")"):
            lo, hi = _value(items[0]), _value(items[1])
            if not all(isinstance(v, (Number, Expr)) for v in (lo, hi)):
                raise ParseError("interval endpoints must be numbers")
            return Interval(lo, hi, opener == "(", closer == ")")
        if (opener == "(" and closer == ")") or (opener == "[" and closer == "]"):
            return Collection("tuple", tuple(_value(i) for i in items))
        raise ParseError("mismatched brackets")

    # -- building values -------------------------------------------------------------------
    def build_list(self, items: list[Any], seps: list[str]) -> Value:
        if len(items) == 1:
            return _value(items[0])
        if ";" in seps and "," in seps:  # "a=3,b=1; a=5,b=1": groups of assignments
            groups = _split_groups(items, seps)
            built = [self.build_list(g_items, g_seps) for g_items, g_seps in groups]
            if all(isinstance(b, Collection) and b.kind == "tuple" for b in built):
                return Collection("list", tuple(built))
        values = [_value(item) for item in items]
        is_or = any(sep == "or" for sep in seps)
        if all(isinstance(v, Equation) and v.op == "=" and _is_name(v.lhs) for v in values):
            names = [str(v.lhs) for v in values]  # type: ignore[union-attr]
            rhs = [v.rhs for v in values]  # type: ignore[union-attr]
            if len(set(names)) == 1:
                return Collection("set", tuple(rhs))
            if len(set(names)) == len(names) and not is_or:
                # Written order is the answer's order ("x = -3, q = 7/2" is (-3, 7/2)); the names let
                # "b = 1, a = 3" match "a = 3, b = 1".
                return Collection("tuple", tuple(rhs), names=tuple(names))
        if all(isinstance(v, (Interval, IntervalUnion)) for v in values):
            parts: list[Interval] = []
            for v in values:
                assert isinstance(v, (Interval, IntervalUnion))  # checked by the all() above
                parts.extend(v.parts if isinstance(v, IntervalUnion) else (v,))
            return IntervalUnion(tuple(parts))
        return Collection("set" if is_or else "list", tuple(values))


def _split_groups(items: list[Any], seps: list[str]) -> list[tuple[list[Any], list[str]]]:
    groups: list[tuple[list[Any], list[str]]] = [([items[0]], [])]
    for sep, item in zip(seps, items[1:], strict=True):
        if sep == ";":
            groups.append(([item], []))
        else:
            groups[-1][0].append(item)
            groups[-1][1].append(sep)
    return groups


def _pm() -> Any:
    return arith.sp().Symbol(_PM_NAME)


def _scalar(node: Any) -> _S:
    if isinstance(node, _S):
        return node
    raise ParseError("a set, interval or relation cannot take part in arithmetic")


def _mixed(whole: _S, part: Fraction | Any) -> _S:
    sign = -1 if whole.v < 0 else 1
    return _S(arith.add(whole.v, arith.mul(Fraction(sign), part)))


def _name(name: str) -> _S:
    sympy = arith.sp()
    constants = {"pi": sympy.pi, "e": sympy.E, "i": sympy.I, "oo": sympy.oo}
    if name in constants:
        return _S(constants[name])
    if name == "emptyset":
        raise ParseError("empty set inside arithmetic")
    return _S(sympy.Symbol(name))


def _union(left: Any, right: Any) -> IntervalUnion:
    parts: list[Interval] = []
    for node in (left, right):
        value = _value(node) if not isinstance(node, (Interval, IntervalUnion)) else node
        if isinstance(value, Collection) and value.kind == "tuple" and len(value.items) == 2:
            value = Interval(value.items[0], value.items[1], True, True)  # "(1, 2) ∪ …": an open interval
        elif isinstance(value, (Number, Expr)):
            value = Collection("set", (value,))
        if isinstance(value, Collection) and value.kind == "set" and all(isinstance(i, (Number, Expr)) for i in value.items):
            parts.extend(Interval(i, i, False, False) for i in value.items)  # "\{-2\} ∪ [1, 4)": points
            continue
        if isinstance(value, Interval):
            parts.append(value)
        elif isinstance(value, IntervalUnion):
            parts.extend(value.parts)
        else:
            raise ParseError("∪ needs intervals")
    return IntervalUnion(tuple(parts))


def _is_symbol(value: Value) -> bool:
    return isinstance(value, Expr) and getattr(value.sym, "is_Symbol", False)


def _value(node: Any) -> Value:
    if isinstance(node, _S):
        return _scalar_value(node)
    if isinstance(node, _Rel):
        return _relation_value(node)
    if isinstance(node, (Collection, Interval, IntervalUnion)):
        return node
    raise ParseError("unexpected node")


def _scalar_value(node: _S) -> Value:
    v = node.v
    if not arith.is_fraction(v) and any(s.name == _PM_NAME for s in v.free_symbols):
        pm = arith.sp().Symbol(_PM_NAME)
        plus, minus = (arith.simplify_number(v.subs(pm, sign)) for sign in (1, -1))
        return Collection("set", (_scalar_value(_S(plus, pct=node.pct)), _scalar_value(_S(minus, pct=node.pct))))
    if arith.is_fraction(v):
        lit = node.lit
        if lit is not None and abs(lit.value) == abs(v):
            return Number(v, decimals=lit.decimals, significant=lit.significant, percent=node.pct)
        return Number(v, percent=node.pct)
    return Expr(v, percent=node.pct)


def _relation_value(rel: _Rel) -> Value:
    if "≈" in rel.ops:
        # "2/3 ≈ 0.67", "x = 2/3 ≈ 0.67": the exact value before the first ≈ is the answer.
        k = rel.ops.index("≈")
        exact = _value(rel.parts[k])
        if isinstance(exact, (Number, Expr)) and not _free(exact):
            if k == 0:
                return exact
            rel = _Rel(rel.parts[: k + 1], rel.ops[:k])
    ops = set(rel.ops)
    parts = rel.parts
    if ops <= {"=", "≈"}:
        first, last = parts[0], parts[-1]
        last_value = _value(last)
        first_value = _value(first)
        if _is_name(first_value) and isinstance(last_value, (Number, Expr)):
            return Equation(first_value, last_value)
        if not isinstance(last_value, (Number, Expr)):
            return last_value  # "x = {1, 2}", "x = (1, 2)"
        if isinstance(first_value, (Number, Expr)) and not _free(first_value):
            if _free(last_value):
                return Equation(first_value, last_value)  # "9 = 4a + b": the value is 9, never "4a + b"
            return last_value  # "48 : 3 = 16": a worked computation; its result is the answer
        return Equation(first_value, last_value)
    if rel.ops == ("∈",):
        return _value(parts[1])
    if ops <= {"<", ">", "≤", "≥"}:
        interval = _inequality_interval(rel)
        if interval is not None:
            return interval
        return _inequality(rel)
    return Equation(_value(parts[0]), _value(parts[-1]), op=rel.ops[0])


_FLIP = {"<": ">", ">": "<", "≤": "≥", "≥": "≤"}


def _free(value: Value) -> bool:
    return isinstance(value, Expr) and bool(getattr(value.sym, "free_symbols", None))


def _inequality(rel: _Rel) -> Equation:
    """An inequality that is no interval, written with ``<``/``≤`` (``a ≥ b`` is ``b ≤ a``); a chain keeps its middle."""
    values = [_value(p) for p in rel.parts]
    ops = list(rel.ops)
    if all(op in (">", "≥") for op in ops):
        values.reverse()
        ops = [_FLIP[op] for op in reversed(ops)]
    return Equation(values[0], values[-1], op=" ".join(ops), extra=tuple(values[1:-1]))


def _linear(value: Value) -> tuple[Any, Any, Any] | None:
    """``a·s + b`` in one symbol ``s`` with numeric ``a ≠ 0`` and ``b``: (s, a, b); else ``None``."""
    if not isinstance(value, Expr):
        return None
    free = value.sym.free_symbols
    if len(free) != 1:
        return None
    (symbol,) = free
    slope = value.sym.diff(symbol)
    if slope.free_symbols or slope == 0:
        return None
    return symbol, slope, value.sym.subs(symbol, 0)


def _num(value: Value) -> Any:
    return value.value if isinstance(value, Number) else value.sym  # type: ignore[union-attr]


def _inequality_interval(rel: _Rel) -> Interval | None:
    """``x > 3`` → (3, ∞); ``3 < x ≤ 5`` → (3, 5]; ``5 ≥ x > 3`` → (3, 5]."""
    values = [_value(p) for p in rel.parts]
    ops_list = list(rel.ops)
    moving = [i for i, v in enumerate(values) if _free(v)]
    if len(moving) == 1 and not _is_symbol(values[moving[0]]) and all(isinstance(v, (Number, Expr)) for v in values):
        # "-2y ≥ -6" is "y ≤ 3": solve a linear middle term for its symbol (a negative slope flips the signs).
        linear = _linear(values[moving[0]])
        if linear is None:
            return None
        symbol, slope, offset = linear
        if not (slope.is_positive or slope.is_negative):
            return None
        values = [
            Expr(symbol) if i == moving[0] else _scalar_value(_S(arith.div(arith.sub(_num(v), offset), slope)))
            for i, v in enumerate(values)
        ]
        if slope.is_negative:
            ops_list = [_FLIP[op] for op in ops_list]
        rel = _Rel(rel.parts, tuple(ops_list))
    symbols = [i for i, v in enumerate(values) if _is_symbol(v)]
    if len(symbols) != 1 or not all(isinstance(v, (Number, Expr)) for v in values):
        return None
    if any(isinstance(v, Expr) and v.sym.free_symbols for i, v in enumerate(values) if i != symbols[0]):
        return None
    sympy = arith.sp()
    lo: Value = Expr(-sympy.oo)
    hi: Value = Expr(sympy.oo)
    lo_open = hi_open = True
    where = symbols[0]
    for k, op in enumerate(rel.ops):
        left, right = k, k + 1
        if where not in (left, right):
            return None
        bound = values[right] if where == left else values[left]
        strict = op in "<>"
        # Orient the relation as "symbol OP bound".
        upper = (op in "<≤") == (where == left)
        if upper:
            hi, hi_open = bound, strict
        else:
            lo, lo_open = bound, strict
    return Interval(lo, hi, lo_open, hi_open)
