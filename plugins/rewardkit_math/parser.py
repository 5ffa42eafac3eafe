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
from rewardkit_math.tokens import ParseError, Token, tokenize
from rewardkit_math.values import Collection, Equation, Expr, Interval, IntervalUnion, Number, Value

MAX_CHARS = 2_000
MAX_DEPTH = 40
MAX_ITEMS = 100
_RELATIONS = ("=", "<", ">", "≤", "≥", "≠", "≈", "∈")
_PM_NAME = "__pm__"
_PLAIN, _INT, _PROPER = 0, 1, 2  # what a factor can contribute to a mixed number "2 1/2"


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
                sep = ","
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
            return _name(value)
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

    def command(self, name: str) -> _S:
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
        if any(sep != "," for sep in seps):
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
        values = [_value(item) for item in items]
        is_or = any(sep == "or" for sep in seps)
        if all(isinstance(v, Equation) and v.op == "=" and _is_symbol(v.lhs) for v in values):
            names = [str(v.lhs) for v in values]  # type: ignore[union-attr]
            rhs = [v.rhs for v in values]  # type: ignore[union-attr]
            if len(set(names)) == 1:
                return Collection("set", tuple(rhs))
            if len(set(names)) == len(names) and not is_or:
                ordered = sorted(zip(names, rhs, strict=True), key=lambda pair: pair[0])
                return Collection("tuple", tuple(value for _, value in ordered))
        if all(isinstance(v, (Interval, IntervalUnion)) for v in values):
            parts: list[Interval] = []
            for v in values:
                parts.extend(v.parts if isinstance(v, IntervalUnion) else (v,))
            return IntervalUnion(tuple(parts))
        return Collection("set" if is_or else "list", tuple(values))


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
    ops = set(rel.ops)
    parts = rel.parts
    if ops <= {"=", "≈"}:
        first, last = parts[0], parts[-1]
        last_value = _value(last)
        first_value = _value(first)
        if _is_symbol(first_value) and isinstance(last_value, (Number, Expr)):
            return Equation(first_value, last_value)
        if not isinstance(last_value, (Number, Expr)):
            return last_value  # "x = {1, 2}", "x = (1, 2)"
        if isinstance(first_value, Number) or (isinstance(first_value, Expr) and not first_value.sym.free_symbols):
            return last_value  # "48 : 3 = 16": a worked computation; its result is the answer
        return Equation(first_value, last_value)
    if rel.ops == ("∈",):
        return _value(parts[1])
    if ops <= {"<", ">", "≤", "≥"}:
        interval = _inequality_interval(rel)
        if interval is not None:
            return interval
    return Equation(_value(parts[0]), _value(parts[-1]), op=rel.ops[0])


def _inequality_interval(rel: _Rel) -> Interval | None:
    """``x > 3`` → (3, ∞); ``3 < x ≤ 5`` → (3, 5]; ``5 ≥ x > 3`` → (3, 5]."""
    values = [_value(p) for p in rel.parts]
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
