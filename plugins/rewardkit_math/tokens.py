"""Tokenizer for the answer parser: a whitelist of numbers, names, LaTeX commands and operators.

Anything outside the whitelist makes the span unparseable; nothing is ever evaluated. Number
literals are read by :func:`rewardkit.text.numbers.scan_number` under one convention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from rewardkit.text import NumberLiteral, scan_number

MAX_TOKENS = 600


class ParseError(ValueError):
    """The span is not a whitelisted math expression (or it exceeds a cap)."""


FUNCTIONS = frozenset("sin cos tan cot sec csc arcsin arccos arctan sinh cosh tanh log ln lg exp sqrt".split())
GREEK = frozenset(
    """alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi rho sigma tau
    upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Sigma Phi Psi Omega""".split()
)
COMMANDS = frozenset({"frac", "cfrac", "sqrt", "binom", "dbinom", "tbinom", "matrix"})
CONJUNCTIONS = {"or": "or", "hoặc": "or", "hay": "or", "and": "and", "và": "and"}
# Short letter runs read as products of variables ("xy", "abc"); English filler words are not.
_STOP_WORDS = frozenset(
    """the and are for not but was has any all its per of is in at to on by be it as an if so we he his her she
    cm mm km kg mg ml hr hrs min sec yr yrs mph lbs ft oz cup day days""".split()
)
_CMD = re.compile(r"\\([a-zA-Z]+)")
_SPACES = " \u00a0\u202f\u2009\t\n~"
_SCI = re.compile(r"[eE]([+-]?\d{1,4})(?![\w])")
_VI_SCI = re.compile(r"(\d{1,300}(?:,\d{1,300})?)\.10(?=\s*\^)")
_SINGLE_OPS = "+-*/^_!%=<>≤≥≠≈,;:|±∓∈∪'&⏎"


@dataclass(frozen=True, slots=True)
class Token:
    kind: Literal["num", "id", "func", "cmd", "op", "open", "close", "conj", "word", "end"]
    value: Any
    pos: int
    spaced: bool = False  # whitespace came right before this token

    def is_op(self, *ops: str) -> bool:
        return self.kind == "op" and self.value in ops


def tokenize(text: str, convention: Literal["vi", "en"]) -> list[Token]:
    """Split a cleaned answer span into tokens; raises :class:`ParseError` on anything unknown."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    spaced = False

    def add(kind: str, value: Any, pos: int) -> None:
        nonlocal spaced
        if len(tokens) >= MAX_TOKENS:
            raise ParseError("too many tokens")
        tokens.append(Token(kind, value, pos, spaced))  # type: ignore[arg-type]
        spaced = False

    while i < n:
        ch = text[i]
        if ch in _SPACES:
            spaced, i = True, i + 1
            continue
        if ch == "\\" and i + 1 < n and text[i + 1] in ", ":
            spaced, i = True, i + 2
            continue
        if ch.isdigit() or (ch == "." and i + 1 < n and text[i + 1].isdigit()):
            i = _number(text, i, convention, tokens, add)
            continue
        if ch == "\\":
            i = _command(text, i, add)
            continue
        if ch.isalpha():
            i = _letters(text, i, tokens, add)
            continue
        if ch in "([{":
            add("open", ch, i)
        elif ch in ")]}":
            add("close", ch, i)
        elif ch in _SINGLE_OPS:
            if ch == "∓":
                ch = "±"  # the set {a+b, a-b} is the same whichever sign comes first
            add("op", ch, i)
        elif ch == "∞":
            add("id", "oo", i)
        elif ch == "∅":
            add("id", "emptyset", i)
        else:
            raise ParseError(f"unexpected character {ch!r}")
        i += 1
    tokens.append(Token("end", None, n, spaced))
    return tokens


def _number(text: str, i: int, convention: Literal["vi", "en"], tokens: list[Token], add: Any) -> int:
    previous = tokens[-1] if tokens else None
    if (
        text[i].isdigit()
        and previous is not None
        and previous.kind == "cmd"
        and previous.value in ("frac", "cfrac", "binom", "dbinom", "tbinom")
    ):
        # LaTeX "\frac12": each argument is a single character.
        add("num", _literal(text[i], i), i)
        if i + 1 < len(text) and text[i + 1].isdigit():
            add("num", _literal(text[i + 1], i + 1), i + 1)
            return i + 2
        return i + 1
    if text[i] == ".":
        match = re.match(r"\.(\d{1,300})", text[i:])
        assert match is not None
        digits = match.group(1)
        decimal = NumberLiteral(
            Fraction(int(digits), 10 ** len(digits)), i, i + match.end(), match.group(), len(digits), len(digits.lstrip("0")) or 1
        )
        add("num", decimal, i)
        return decimal.end
    sci = _VI_SCI.match(text, i)
    if sci:
        # Vietnamese "3.10^8" and "2,5.10^{-3}": the dot is a multiplication sign.
        head = scan_number(sci.group(1), 0, "vi")
        if head is None or head.end != len(sci.group(1)):
            raise ParseError("malformed number")
        add("num", NumberLiteral(head.value, i, i + head.end, head.text, head.decimals, head.significant), i)
        add("op", "*", i + head.end)
        add("num", _literal("10", sci.end() - 2), sci.end() - 2)
        return sci.end()
    lit = scan_number(text, i, convention)
    if lit is None:
        item = re.match(r"\d{1,300}(?=,)", text[i:])  # "(2,7.5)": a list item, then the next number
        if item is None:
            raise ParseError("malformed number")
        lit = _literal(item.group(), i)
    add("num", lit, i)
    end = lit.end
    sci = _SCI.match(text, end)
    if sci:  # 3e8, 1.5E-3: an exact power of ten
        exponent = int(sci.group(1))
        add("op", "*", end)
        add("num", _literal("10", end), end)
        add("op", "^", end)
        add("num", NumberLiteral(Fraction(exponent), end, sci.end(), sci.group(1), None, len(sci.group(1))), end)
        return sci.end()
    return end


def _literal(digits: str, pos: int) -> NumberLiteral:
    return NumberLiteral(Fraction(int(digits)), pos, pos + len(digits), digits, None, len(digits.lstrip("0")) or 1)


def _command(text: str, i: int, add: Any) -> int:
    if i + 1 < len(text) and text[i + 1] in "{}|":
        add("open" if text[i + 1] == "{" else "close" if text[i + 1] == "}" else "op", "\\" + text[i + 1], i)
        if text[i + 1] == "|":
            raise ParseError("norms are not supported")
        return i + 2
    match = _CMD.match(text, i)
    if match is None:
        raise ParseError("stray backslash")
    name = match.group(1)
    if name in COMMANDS:
        add("cmd", name, i)
    elif name in FUNCTIONS:
        add("func", name, i)
    elif name == "pi":
        add("id", "pi", i)
    elif name in GREEK:
        add("id", name, i)
    elif name in ("lbrace", "rbrace"):
        add("open" if name == "lbrace" else "close", "\\{" if name == "lbrace" else "\\}", i)
    elif name in ("vert", "lvert", "rvert", "mid"):
        add("op", "|", i)
    elif name == "langle":
        add("open", "(", i)
    elif name == "rangle":
        add("close", ")", i)
    elif name == "e":
        add("id", "e", i)
    else:
        raise ParseError(f"unsupported command \\{name}")
    return match.end()


def _letters(text: str, i: int, tokens: list[Token], add: Any) -> int:
    j = i
    while j < len(text) and text[j].isalpha():
        j += 1
    word = text[i:j]
    ascii_run = word.isascii()
    lower = word.lower()
    if not ascii_run:
        if lower in CONJUNCTIONS:
            add("conj", CONJUNCTIONS[lower], i)
            return j
        add("word", word, i)
        return j
    if word == "x" and _between_numbers(text, i, j, tokens):
        add("op", "*", i)  # school "800000 x 3"
        return j
    if lower in CONJUNCTIONS:
        add("conj", CONJUNCTIONS[lower], i)
    elif lower in FUNCTIONS:
        add("func", lower, i)
    elif lower == "pi":
        add("id", "pi", i)
    elif lower in ("oo", "inf", "infinity", "infty"):
        add("id", "oo", i)
    elif len(word) <= 3 and lower not in _STOP_WORDS:
        for k, letter in enumerate(word):
            add("id", letter, i + k)
            if k == len(word) - 1:
                return _subscript(text, j, tokens)
    else:
        add("word", word, i)
    return j


def _subscript(text: str, j: int, tokens: list[Token]) -> int:
    """``x_1``, ``x_{12}``, ``a_n``: fold the subscript into the last name token."""
    if j >= len(text) or text[j] != "_":
        return j
    match = re.match(r"_\s*(?:\{\s*([A-Za-z0-9]{1,8})\s*\}|([0-9]{1,8}|[A-Za-z]))", text[j:])
    if match is None:
        raise ParseError("malformed subscript")
    last = tokens[-1]
    tokens[-1] = Token(last.kind, f"{last.value}_{match.group(1) or match.group(2)}", last.pos, last.spaced)
    return j + match.end()


def _between_numbers(text: str, i: int, j: int, tokens: list[Token]) -> bool:
    before = tokens[-1] if tokens else None
    after = text[j:].lstrip(_SPACES)
    return (
        before is not None
        and before.kind == "num"
        and i > 0
        and text[i - 1] in _SPACES
        and j < len(text)
        and text[j] in _SPACES
        and after[:1].isdigit()
    )
