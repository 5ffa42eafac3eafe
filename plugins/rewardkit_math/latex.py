"""Clean an extracted answer span into the plain math the parser reads.

Drops math delimiters, text wrappers, spacing commands, Markdown emphasis, degree signs and
trailing punctuation; maps LaTeX operators to single characters; strips trailing unit and currency
words (units are dropped, never converted: ``12 cm`` reads as 12). All passes are linear.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Commands whose braced argument is plain text: keep the text, drop the command.
_TEXT_CMD = re.compile(
    r"\\(?:text|textbf|textit|textrm|textsf|textnormal|texttt|mathrm|mathbf|mathit|mathsf|mathtt|mbox|hbox|emph|operatorname|boldsymbol|bm)\s*\{"
)
#: An empty ``\\boxed{}`` is never (part of) an answer.
EMPTY_BOX = re.compile(r"\\(?:boxed|fbox)\s*\{\s*\}")
_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_REPLACEMENTS: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    # MATH-style thousands: "48,\\!300" is 48300 in every convention; "27 {,} 405" is "27{,}405" (a comma
    # glued by LaTeX spacing is never a list separator).
    (re.compile(r"(?<=\d),[ \t]*\\![ \t]*(?=\d{3}(?!\d))"), ""),
    (re.compile(r"(?<=\d)[ \t]*\{,\}[ \t]*(?=\d{3}(?!\d))"), "{,}"),
    # Degrees typed as a letter o: "45^o", "45^{o}" (only after a number).
    (re.compile(r"(?<=\d)\s*\^\s*(?:\{\s*o\s*\}|o)(?![a-zA-Z])"), " "),
    # Unicode superscript exponents: "10²³" is 10^{23}, never 10^2^3.
    (
        re.compile(r"(?<=[\w)}])[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,6}"),
        lambda m: "^{" + m.group().translate(_SUPERSCRIPT_DIGITS) + "}",
    ),
    (re.compile(r"\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|big|Big|bigg|Bigg)\s*(?:\.|(?=[^a-zA-Z]))"), ""),
    (re.compile(r"\\(?:displaystyle|textstyle|limits|nolimits|!|;|:|>|quad|qquad|hfill|phantom\{[^{}]*\})"), " "),
    (re.compile(r"\\[dt]frac"), r"\\frac"),
    (re.compile(r"\\,|\\thinspace(?![a-zA-Z])\s?"), "\u2009"),  # a thin space: joins digit groups, else blank
    (re.compile(r"\\ |~"), "\u00a0"),
    (re.compile(r"\\(?:cdot|times|ast)(?![a-zA-Z])|[×·∙⋅✕]"), "*"),
    (re.compile(r"\\div(?![a-zA-Z])|÷"), "/"),
    # Degrees are a unit: the sign and a temperature scale letter after it go ("25 °C", "25^{\\circ}F", "−2,5 °C").
    (re.compile(r"(?:\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|\\degree|°|º|℃|℉)(?:\s*[CFK](?![^\W\d_]))?"), " "),
    (EMPTY_BOX, " "),
    (re.compile(r"\\%"), "%"),
    (re.compile(r"\\\$|\$"), " "),
    (re.compile(r"\\[()\[\]]"), " "),
    (re.compile(r"\\(?:leq|leqslant|le)(?![a-zA-Z])|<=|⩽"), "≤"),
    (re.compile(r"\\(?:geq|geqslant|ge)(?![a-zA-Z])|>=|⩾"), "≥"),
    (re.compile(r"\\(?:neq|ne)(?![a-zA-Z])|!="), "≠"),
    (re.compile(r"\\lt(?![a-zA-Z])"), "<"),
    (re.compile(r"\\gt(?![a-zA-Z])"), ">"),
    (re.compile(r"\\(?:approx|simeq|thickapprox)(?![a-zA-Z])|≃"), "≈"),
    (re.compile(r"\\infty(?![a-zA-Z])|\\infin(?![a-zA-Z])"), "∞"),
    (re.compile(r"\\in(?![a-zA-Z])"), "∈"),
    (re.compile(r"\\cup(?![a-zA-Z])"), "∪"),
    (re.compile(r"\\pm(?![a-zA-Z])|\+-|\+/-"), "±"),
    (re.compile(r"\\mp(?![a-zA-Z])"), "∓"),
    (re.compile(r"\\(?:emptyset|varnothing)(?![a-zA-Z])"), "∅"),
    (re.compile(r"\\(?:ldots|cdots|dots)(?![a-zA-Z])"), "…"),
    (re.compile(r"\\mathbb\s*\{\s*R\s*\}|ℝ"), "(-∞, ∞)"),
    (re.compile(r"√"), r"\\sqrt"),
    (re.compile(r"π"), r"\\pi "),
    (re.compile(r"²"), "^2"),
    (re.compile(r"³"), "^3"),
    (re.compile(r"\*\*|__|`"), " "),
    (re.compile(r"\\\\"), " "),
    (re.compile(r"[ \t\r\n]+"), " "),
]
# Every replacement above needs one of these (a single space maps to itself): most spans ("42", "7 triệu",
# "2,5 cm") have none and skip the passes.
_NEEDS_REPLACING = re.compile(r"[\\~×·∙⋅✕÷°º℃℉$<>!⩽⩾≃+ℝ√π²³*_`\t\r\n\x0b\x0c{^⁰¹⁴⁵⁶⁷⁸⁹⁻⁺]| {2}")
_EMPHASIS = re.compile(r"^\*+\s*(.*?)\s*\*+$", re.DOTALL)
_TRAILING_PUNCT = " .,;:?。，；：…"
_LEADING_PUNCT = " ,;:?。，；：…"  # not ".": ".5" is a number
_TRAILING_BANG = re.compile(r"(?<![\d)}a-zA-Z])!+$")  # "5!" is a factorial; "… là 5 !" is not
_LEADING_FILLER = re.compile(
    r"^(?:\s*(?:[:：=]|là|bằng|chính\s+là|đúng\s+là|is|equals|equal\s+to|therefore|thus|hence|so|then|just|simply|exactly|"
    r"approximately|approx\.?|about|around|roughly|khoảng|xấp\s+xỉ|gần\s+bằng|vào\s+khoảng|tổng\s+cộng|tất\s+cả|có)(?=\s|$|[:：=])\s*)+",
    re.IGNORECASE,
)

# Words that are math, not units: never stripped from the end of an answer.
RESERVED_WORDS = frozenset(
    """sin cos tan cot sec csc arcsin arccos arctan log ln lg exp sqrt frac pi infty oo inf
    or and hoặc hay và nghìn ngàn triệu tỷ tỉ tr k thousand thousands million millions billion billions trillion
    percent percentage phần trăm một hai ba bốn năm sáu bảy bẩy tám chín mười mươi lăm nhăm mốt tư linh lẻ không rưỡi nửa âm phẩy
    zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen
    nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred half halves third thirds quarter quarters
    fourth fourths
    fifth fifths sixth sixths seventh sevenths eighth eighths ninth ninths tenth tenths minus negative point""".split()
)
# Units that may stick to the number ("12cm", "5kg"): any other letter after a digit is algebra ("3x").
ATTACHED_UNITS = frozenset(
    """mm cm dm m km mg g kg l ml cl dl h s ms min mins km/h m/s cm2 cm3 m2 m3 km2 mm2 dm2 dm3 đ vnđ vnd usd
    ha lít kw w v a mah gb mb kb tb""".split()
)
_UNIT_POWER = r"(?:\s*\^\s*\{?\s*[23]\s*\}?|[23](?![\d]))?"
SINGLE_LETTER_UNITS = frozenset("mgshlđ")
_WORD = r"[^\W\d_](?:[^\W\d_]|['’])*"
_TRAILING_UNIT = re.compile(r"(?:^|(?<=[\s\d)}]))(" + _WORD + _UNIT_POWER + r"(?:\s*/\s*" + _WORD + _UNIT_POWER + r")?)\s*$")
# "3/4 of a cup", "5 apples per box": function words left in front of a stripped unit go with it.
_TRAILING_FILLER = re.compile(r"(?:\s+(?:of|a|an|the|per|each|every|for|in|của|mỗi|cho))+$", re.IGNORECASE)
_CURRENCY = re.compile(r"US\$|[$€£¥₫₹]|\\\$")


def unwrap_text_commands(span: str) -> str:
    """``\\text{ cm}`` → `` cm ``: keep the argument of text-style commands (braces matched)."""
    out: list[str] = []
    pos = 0
    for _ in range(200):
        match = _TEXT_CMD.search(span, pos)
        if match is None:
            break
        out.append(span[pos : match.start()])
        depth, i = 1, match.end()
        while i < len(span) and depth:
            ch = span[i]
            if ch == "\\" and i + 1 < len(span):
                i += 2
                continue
            depth += ch == "{"
            depth -= ch == "}"
            i += 1
        out.append(" " + span[match.end() : i - 1 if depth == 0 else i] + " ")
        pos = i
    out.append(span[pos:])
    return "".join(out)


_MATRIX = re.compile(
    r"\\begin\s*\{\s*(?P<env>[pbB]?matrix|smallmatrix|array)\s*\}(?:\s*\{[lcr|\s]{1,40}\})?(?P<body>.{0,2000}?)\\end\s*\{\s*(?P=env)\s*\}",
    re.DOTALL,
)
_BASE_NUMBER = re.compile(r"(?<![\w.,])(\d{1,30})_\s*(?:\{\s*(\d{1,2})\s*\}|(\d{1,2})(?!\d))")
_COMBINATORICS = re.compile(
    r"(?<![A-Za-z\\])([CA])(?:_\s*\{?\s*(\d{1,4})\s*\}?\s*\^\s*\{?\s*(\d{1,4})\s*\}?"
    r"|\^\s*\{?\s*(\d{1,4})\s*\}?\s*_\s*\{?\s*(\d{1,4})\s*\}?)(?![\d^_])"
)


def _matrix(match: re.Match[str]) -> str:
    """``\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}`` → ``\\matrix{1 & 2 ⏎ 3 & 4}`` (rows kept for the parser)."""
    body = re.sub(r"\\\\(?:\s*\[[^\]]{0,20}\])?|\\cr(?![a-zA-Z])", " ⏎ ", match.group("body"))
    body = re.sub(r"\\hline(?![a-zA-Z])", " ", body)
    return " \\matrix{" + body.strip().removesuffix("⏎") + "} "


def _base_number(match: re.Match[str]) -> str:
    """``312_4``: a numeral in base 4 reads as its digits (the answer is written in that base); invalid digits stay."""
    digits, base = match.group(1), int(match.group(2) or match.group(3))
    if not 2 <= base <= 36 or any(int(d) >= base for d in digits):
        return match.group()
    return digits


def _combinatorics(match: re.Match[str]) -> str:
    """Vietnamese school notation: ``C_n^k`` = C(n, k), ``A_n^k`` = n!/(n-k)! (``C^k_n`` too)."""
    n, k = (match.group(2), match.group(3)) if match.group(2) else (match.group(5), match.group(4))
    return f"\\binom{{{n}}}{{{k}}}" if match.group(1) == "C" else f"(\\binom{{{n}}}{{{k}}}*{k}!)"


def clean_span(span: str) -> str:
    """Plain math from an answer span: delimiters, wrappers, spacing and final punctuation removed.

    >>> clean_span("$\\\\dfrac{1}{2}$.")
    '\\\\frac{1}{2}'
    >>> clean_span("\\\\text{là } 12\\\\text{ cm}^2")
    '12 cm ^2'
    """
    if _NEEDS_REPLACING.search(span):
        if "\\begin" in span:
            span = _MATRIX.sub(_matrix, span)
        if "_" in span:
            span = _COMBINATORICS.sub(_combinatorics, _BASE_NUMBER.sub(_base_number, span))
        span = unwrap_text_commands(span)
        for pattern, replacement in _REPLACEMENTS:
            span = pattern.sub(replacement, span)
    span = _EMPHASIS.sub(r"\1", span.strip())  # Markdown "*7*"
    span = _TRAILING_BANG.sub("", span.rstrip(_TRAILING_PUNCT)).rstrip(_TRAILING_PUNCT)
    span = _LEADING_FILLER.sub("", span.lstrip(_LEADING_PUNCT))
    return span.lstrip(_LEADING_PUNCT).rstrip(_TRAILING_PUNCT)


def strip_units(span: str, max_words: int = 6, loose: bool = False) -> str:
    """Drop trailing unit/currency words and currency signs (``12 cm`` → ``12``, ``$15`` → ``15``).

    Math words (functions, scale words, number words, "or"), single letters (variables) and
    letters glued to a number that are not a known unit (``3x``) are kept.

    >>> strip_units("1.500.000 đồng"), strip_units("12cm^2"), strip_units("3x"), strip_units("x = 5 học sinh")
    ('1.500.000', '12', '3x', 'x = 5')
    """
    span = _CURRENCY.sub(" ", span).strip()
    for _ in range(max_words):
        match = _TRAILING_UNIT.search(span)
        if match is None:
            break
        word = match.group(1)
        base = re.split(r"[\s^/\d]", word, maxsplit=1)[0].lower()
        head = span[: match.start(1)]
        after_number = head.rstrip()[-1:].isdigit() or head.rstrip()[-1:] in ")}"
        unit_letter = base in SINGLE_LETTER_UNITS or "/" in word or (loose and word.isupper())  # loose: "4.10^{-5} N"
        if base in RESERVED_WORDS or (len(base) == 1 and not (after_number and unit_letter)):
            break
        glued = head[-1:].isdigit()
        if glued and re.sub(r"\s|\^|\{|\}", "", word.lower()) not in ATTACHED_UNITS and base not in ATTACHED_UNITS:
            break
        if not head.strip():
            break  # the span is only words: nothing numeric to keep
        span = _TRAILING_FILLER.sub("", head.rstrip(" ,.;:"))
    return span.strip()
