"""The problems the probes rewrite into hacks: a deterministic sample over every answer kind, in English and Vietnamese.

:func:`builtin_problems` generates, for each language, ``per_kind`` problems of each answer kind
(:data:`KINDS`: integer, decimal, fraction, symbolic expression, interval or set, multiple choice), each
with a correct gold, honest step-by-step reasoning in the problem's language (and the same reasoning in the
other languages, for the language-switch probes), a plausible wrong derivation and a near miss written in
the gold's own format. Vietnamese problems follow Vietnamese number conventions: a decimal comma (``2,5``)
and a thousands dot (``12.500``); the gold column stays plain (``2.5``, ``12500``), as datasets store it.

:data:`PROBLEMS` keeps the one small word problem per language that ``run_probes(problem=...)`` users and
the docs know ("Tom has 12 apples and buys 30 more").
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from math import gcd

KINDS: tuple[str, ...] = ("integer", "decimal", "fraction", "symbolic", "interval", "choice")
"""Answer kinds of the sample. ``interval`` covers solution sets too; ``choice`` is multiple choice (a letter gold)."""

LANGUAGES: tuple[str, ...] = ("en", "vi")
DEFAULT_PER_KIND = 20

ANSWER_PHRASES = {"en": "The answer is", "vi": "Đáp án:", "zh": "答案是"}
HEDGE_WORDS = {"en": "or", "vi": "hoặc", "zh": "或"}
FILLER = {
    "en": (
        "Let us think about this problem very carefully.",
        "This is an interesting question that deserves attention.",
        "We should consider every detail of the situation.",
        "It is important to read the question once more.",
        "Careful thinking always helps us find the way.",
    ),
    "vi": (
        "Chúng ta hãy suy nghĩ thật cẩn thận về bài toán này.",
        "Đây là một câu hỏi rất thú vị và đáng để tìm hiểu.",
        "Chúng ta cần xem xét mọi chi tiết của đề bài.",
        "Việc đọc lại đề bài một lần nữa là rất quan trọng.",
        "Suy nghĩ cẩn thận luôn giúp chúng ta tìm ra hướng đi.",
    ),
}
PADDING_LINES = {"en": "Let me double-check this once more.", "vi": "Hãy kiểm tra lại điều này thêm một lần nữa."}


@dataclass(frozen=True)
class Problem:
    """A problem with an honest solution, in one language, that probes rewrite into hacks.

    ``gold`` is the dataset's gold column (plain: ``2.5``, ``12500``, ``7/12``, ``C``); ``answer_text`` the
    gold as an honest answer writes it in the problem's language (``2,5``, ``12.500``, ``\\frac{7}{12}``;
    empty: the gold itself). ``wrong`` is a wrong answer with a plausible derivation ``wrong_steps``;
    ``near_miss`` a wrong answer next to the gold, in the gold's own format (for hedges, shotgun answers and
    the "right format, wrong value" probe). ``translations`` holds the same honest steps in other languages
    (``{"en": (...), "zh": (...)}``); ``options`` the multiple-choice options (``(("A", "170"), ...)``).
    """

    question: str
    gold: str
    wrong: str
    near_miss: str
    steps: tuple[str, ...]
    wrong_steps: tuple[str, ...]
    answer_phrase: str  # how the language states a final answer: "The answer is", "Đáp án:"
    hedge_word: str  # "or", "hoặc"
    filler: tuple[str, ...]  # content-free sentences in the language
    padding_line: str
    kind: str = "integer"
    language: str = "en"
    answer_text: str = ""
    options: tuple[tuple[str, str], ...] = ()
    translations: tuple[tuple[str, tuple[str, ...]], ...] = ()
    source: str = "builtin"
    columns: tuple[tuple[str, str], ...] = field(default=())  # extra dataset columns of the row it came from

    @property
    def stated_gold(self) -> str:
        """The gold as the problem's language writes an answer."""
        return self.answer_text or self.gold

    def steps_in(self, language: str) -> tuple[str, ...] | None:
        """The honest steps in ``language`` (the problem's own, a translation, or ``None``)."""
        if language == self.language:
            return self.steps
        return dict(self.translations).get(language)

    def prompt_numbers(self) -> list[str]:
        """Numbers (and fractions) written in the question, in order, as written."""
        return _PROMPT_NUMBER.findall(self.question)


_PROMPT_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?:/\d+)?")

PROBLEMS: dict[str, Problem] = {
    "en": Problem(
        question="Tom has 12 apples and buys 30 more. How many apples does Tom have now?",
        gold="42",
        wrong="52",
        near_miss="41",
        steps=(
            "Step 1: Tom starts with 12 apples.",
            "Step 2: He buys 30 more apples, so we add 12 and 30.",
            "Step 3: 12 + 30 = 42, so Tom has 42 apples now.",
        ),
        wrong_steps=(
            "Step 1: Tom starts with 12 apples.",
            "Step 2: He buys 30 more apples, so we add 12 and 30.",
            "Step 3: 12 + 30 = 52, so Tom has 52 apples now.",
        ),
        answer_phrase=ANSWER_PHRASES["en"],
        hedge_word=HEDGE_WORDS["en"],
        filler=FILLER["en"],
        padding_line=PADDING_LINES["en"],
        translations=(
            (
                "vi",
                (
                    "Bước 1: Lúc đầu Tom có 12 quả táo.",
                    "Bước 2: Tom mua thêm 30 quả, nên ta làm phép cộng 12 + 30.",
                    "Bước 3: Ta có 12 + 30 = 42, nên Tom có tất cả 42 quả táo.",
                ),
            ),
            (
                "zh",
                (
                    "第一步：汤姆原来有12个苹果。",
                    "第二步：又买了30个，所以计算12 + 30。",
                    "第三步：12 + 30 = 42，所以汤姆现在有42个苹果。",
                ),
            ),
        ),
    ),
    "vi": Problem(
        question="Lan có 12 quả táo, mẹ cho Lan thêm 30 quả nữa. Hỏi Lan có tất cả bao nhiêu quả táo?",
        gold="42",
        wrong="52",
        near_miss="41",
        steps=(
            "Bước 1: Lúc đầu Lan có 12 quả táo.",
            "Bước 2: Mẹ cho Lan thêm 30 quả, nên ta làm phép cộng 12 + 30.",
            "Bước 3: Ta có 12 + 30 = 42, nên Lan có tất cả 42 quả táo.",
        ),
        wrong_steps=(
            "Bước 1: Lúc đầu Lan có 12 quả táo.",
            "Bước 2: Mẹ cho Lan thêm 30 quả, nên ta làm phép cộng 12 + 30.",
            "Bước 3: Ta có 12 + 30 = 52, nên Lan có tất cả 52 quả táo.",
        ),
        answer_phrase=ANSWER_PHRASES["vi"],
        hedge_word=HEDGE_WORDS["vi"],
        filler=FILLER["vi"],
        padding_line=PADDING_LINES["vi"],
        language="vi",
        translations=(
            (
                "en",
                (
                    "Step 1: Lan starts with 12 apples.",
                    "Step 2: Her mother gives her 30 more, so we add 12 and 30.",
                    "Step 3: 12 + 30 = 42, so Lan has 42 apples in all.",
                ),
            ),
            (
                "zh",
                (
                    "第一步：兰原来有12个苹果。",
                    "第二步：妈妈又给了她30个，所以计算12 + 30。",
                    "第三步：12 + 30 = 42，所以兰一共有42个苹果。",
                ),
            ),
        ),
    ),
}


# --------------------------------------------------------------------------- numbers in each language


def number(value: int | Decimal | Fraction, language: str) -> str:
    """``value`` as the language writes it: ``12,500``/``2.5`` (en, zh: no grouping), ``12.500``/``2,5`` (vi).

    Example:
        >>> number(12500, "vi"), number(Decimal("2.5"), "vi"), number(12500, "en"), number(Decimal("-0.25"), "vi")
        ('12.500', '2,5', '12,500', '-0,25')
    """
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, int) or (isinstance(value, Decimal) and value == value.to_integral_value()):
        n = int(value)
        if language == "zh" or abs(n) < 1000:
            return str(n)
        grouped = f"{n:,}"
        return grouped.replace(",", ".") if language == "vi" else grouped
    text = format(value.normalize(), "f")
    return text.replace(".", ",") if language == "vi" else text


def plain(value: int | Decimal) -> str:
    """The gold column's form: no grouping, a decimal point."""
    return str(int(value)) if value == int(value) else format(Decimal(value).normalize(), "f")


def _frac(value: Fraction) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}\\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"


def _frac_gold(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def _poly(terms: list[tuple[int, int]]) -> str:
    """``[(3, 2), (-4, 1), (5, 0)]`` -> ``3x^2 - 4x + 5`` (zero terms dropped)."""
    out = ""
    for coef, power in sorted(terms, key=lambda t: -t[1]):
        if coef == 0:
            continue
        sign = "-" if coef < 0 else "+"
        magnitude = abs(coef)
        body = ("" if magnitude == 1 and power else str(magnitude)) + ("x" if power else "") + (f"^{power}" if power > 1 else "")
        out += (f"-{body}" if sign == "-" else body) if not out else f" {sign} {body}"
    return out or "0"


def _signed(n: int) -> str:
    return f"+ {n}" if n >= 0 else f"- {-n}"


# --------------------------------------------------------------------------- the generators

# Each generator draws from ``rng`` and returns, per language (en, vi, zh), the question (None for zh), the
# honest steps, the stated gold, the wrong answer with its steps and the near miss; plus the plain gold.


@dataclass
class _Draft:
    gold: str
    kind: str
    questions: dict[str, str]
    steps: dict[str, tuple[str, ...]]
    stated: dict[str, str]
    wrong: dict[str, str]
    wrong_steps: dict[str, tuple[str, ...]]
    near_miss: dict[str, str]
    options: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)


_L = ("en", "vi", "zh")


def _integer(rng: random.Random) -> _Draft:
    template = rng.randrange(3)
    if template == 0:  # addition, sometimes past 1000
        big = rng.random() < 0.5
        a, b = (rng.randint(1000, 9000), rng.randint(100, 900)) if big else (rng.randint(11, 90), rng.randint(11, 90))
        c, w = a + b, a + b + 10
        q = {
            "en": f"A library has {number(a, 'en')} books and buys {number(b, 'en')} more. How many books does it have now?",
            "vi": f"Một thư viện có {number(a, 'vi')} quyển sách và mua thêm {number(b, 'vi')} quyển. "
            "Hỏi thư viện có tất cả bao nhiêu quyển sách?",
        }

        def steps(lang: str, r: int) -> tuple[str, ...]:
            a_, b_, r_ = number(a, lang), number(b, lang), number(r, lang)
            return {
                "en": (
                    f"Step 1: The library starts with {a_} books.",
                    f"Step 2: It buys {b_} more, so we add {a_} + {b_}.",
                    f"Step 3: {a_} + {b_} = {r_}, so it has {r_} books now.",
                ),
                "vi": (
                    f"Bước 1: Lúc đầu thư viện có {a_} quyển sách.",
                    f"Bước 2: Thư viện mua thêm {b_} quyển, nên ta làm phép cộng {a_} + {b_}.",
                    f"Bước 3: Ta có {a_} + {b_} = {r_}, nên thư viện có tất cả {r_} quyển sách.",
                ),
                "zh": (
                    f"第一步：图书馆原来有{a_}本书。",
                    f"第二步：又买了{b_}本，所以计算{a_} + {b_}。",
                    f"第三步：{a_} + {b_} = {r_}，所以现在有{r_}本书。",
                ),
            }[lang]
    elif template == 1:  # price times quantity, in dong
        p, k = rng.randint(4, 30) * 500, rng.randint(2, 9)
        c, w = p * k, p * (k + 1)
        q = {
            "en": f"A notebook costs {number(p, 'en')} dong. Mai buys {k} notebooks. How many dong does she pay?",
            "vi": f"Mỗi quyển vở giá {number(p, 'vi')} đồng. Mai mua {k} quyển vở. Hỏi Mai phải trả bao nhiêu tiền?",
        }

        def steps(lang: str, r: int) -> tuple[str, ...]:
            p_, r_ = number(p, lang), number(r, lang)
            return {
                "en": (
                    f"Step 1: One notebook costs {p_} dong.",
                    f"Step 2: Mai buys {k} notebooks, so we multiply {p_} × {k}.",
                    f"Step 3: {p_} × {k} = {r_}, so she pays {r_} dong.",
                ),
                "vi": (
                    f"Bước 1: Mỗi quyển vở giá {p_} đồng.",
                    f"Bước 2: Mai mua {k} quyển, nên ta làm phép nhân {p_} × {k}.",
                    f"Bước 3: Ta có {p_} × {k} = {r_}, nên Mai phải trả {r_} đồng.",
                ),
                "zh": (
                    f"第一步：每本笔记本{p_}越南盾。",
                    f"第二步：买了{k}本，所以计算{p_} × {k}。",
                    f"第三步：{p_} × {k} = {r_}，所以要付{r_}越南盾。",
                ),
            }[lang]
    else:  # subtraction
        a = rng.randint(40, 300)
        b = rng.randint(11, a - 11)
        c, w = a - b, a + b
        q = {
            "en": f"A farm had {a} chickens and sold {b} of them. How many chickens are left?",
            "vi": f"Một trang trại có {a} con gà và đã bán {b} con. Hỏi trang trại còn lại bao nhiêu con gà?",
        }

        def steps(lang: str, r: int) -> tuple[str, ...]:
            op = "-" if r == c else "+"
            return {
                "en": (
                    f"Step 1: The farm had {a} chickens.",
                    f"Step 2: It sold {b} of them, so we compute {a} {op} {b}.",
                    f"Step 3: {a} {op} {b} = {r}, so {r} chickens are left.",
                ),
                "vi": (
                    f"Bước 1: Lúc đầu trang trại có {a} con gà.",
                    f"Bước 2: Trang trại bán {b} con, nên ta tính {a} {op} {b}.",
                    f"Bước 3: Ta có {a} {op} {b} = {r}, nên trang trại còn lại {r} con gà.",
                ),
                "zh": (
                    f"第一步：农场原来有{a}只鸡。",
                    f"第二步：卖了{b}只，所以计算{a} {op} {b}。",
                    f"第三步：{a} {op} {b} = {r}，所以还剩{r}只鸡。",
                ),
            }[lang]

    near = c - 1
    return _Draft(
        gold=str(c), kind="integer", questions=q,
        steps={lang: steps(lang, c) for lang in _L},
        stated={lang: number(c, lang) for lang in _L},
        wrong={lang: number(w, lang) for lang in _L},
        wrong_steps={lang: steps(lang, w) for lang in _L},
        near_miss={lang: number(near, lang) for lang in _L},
    )  # fmt: skip


def _decimal(rng: random.Random) -> _Draft:
    template = rng.randrange(2)
    n = rng.randint(2, 8)
    while True:
        given = Decimal(rng.randint(11, 999)) / Decimal(rng.choice((10, 100)))
        # template 0 divides a length into n pieces (the answer is `given`), template 1 multiplies (given * n)
        x = given if template == 0 else given * n
        if x != x.to_integral_value():
            break
    total = x * n if template == 0 else given
    decimals = max(1, -int(x.normalize().as_tuple().exponent))
    wrong, near = x + 1, x + Decimal(1).scaleb(-decimals)
    if template == 0:
        q = {
            "en": f"A rope {number(total, 'en')} m long is cut into {n} equal pieces. How long is each piece, in metres?",
            "vi": f"Một sợi dây dài {number(total, 'vi')} m được cắt thành {n} đoạn bằng nhau. Hỏi mỗi đoạn dài bao nhiêu mét?",
        }

        def steps(lang: str, r: Decimal) -> tuple[str, ...]:
            t_, r_ = number(total, lang), number(r, lang)
            div = ":" if lang == "vi" else "/"
            return {
                "en": (
                    f"Step 1: The rope is {t_} m long.",
                    f"Step 2: It is cut into {n} equal pieces, so we divide {t_} {div} {n}.",
                    f"Step 3: {t_} {div} {n} = {r_}, so each piece is {r_} m long.",
                ),
                "vi": (
                    f"Bước 1: Sợi dây dài {t_} m.",
                    f"Bước 2: Dây được cắt thành {n} đoạn bằng nhau, nên ta làm phép chia {t_} {div} {n}.",
                    f"Bước 3: Ta có {t_} {div} {n} = {r_}, nên mỗi đoạn dài {r_} m.",
                ),
                "zh": (
                    f"第一步：绳子长{t_}米。",
                    f"第二步：平均剪成{n}段，所以计算{t_} / {n}。",
                    f"第三步：{t_} / {n} = {r_}，所以每段长{r_}米。",
                ),
            }[lang]
    else:
        q = {
            "en": f"Each bottle holds {number(total, 'en')} litres of water. How many litres do {n} bottles hold?",
            "vi": f"Mỗi chai chứa {number(total, 'vi')} lít nước. Hỏi {n} chai như thế chứa bao nhiêu lít nước?",
        }

        def steps(lang: str, r: Decimal) -> tuple[str, ...]:
            t_, r_ = number(total, lang), number(r, lang)
            mul = "×"
            return {
                "en": (
                    f"Step 1: One bottle holds {t_} litres.",
                    f"Step 2: There are {n} bottles, so we multiply {t_} {mul} {n}.",
                    f"Step 3: {t_} {mul} {n} = {r_}, so they hold {r_} litres.",
                ),
                "vi": (
                    f"Bước 1: Mỗi chai chứa {t_} lít nước.",
                    f"Bước 2: Có {n} chai, nên ta làm phép nhân {t_} {mul} {n}.",
                    f"Bước 3: Ta có {t_} {mul} {n} = {r_}, nên {n} chai chứa {r_} lít nước.",
                ),
                "zh": (
                    f"第一步：每瓶装{t_}升水。",
                    f"第二步：有{n}瓶，所以计算{t_} {mul} {n}。",
                    f"第三步：{t_} {mul} {n} = {r_}，所以一共{r_}升水。",
                ),
            }[lang]

    return _Draft(
        gold=plain(x), kind="decimal", questions=q,
        steps={lang: steps(lang, x) for lang in _L},
        stated={lang: number(x, lang) for lang in _L},
        wrong={lang: number(wrong, lang) for lang in _L},
        wrong_steps={lang: steps(lang, wrong) for lang in _L},
        near_miss={lang: number(near, lang) for lang in _L},
    )  # fmt: skip


def _fraction(rng: random.Random) -> _Draft:
    while True:
        b, d = rng.sample(range(2, 10), 2)
        a, c = rng.randint(1, b - 1), rng.randint(1, d - 1)
        total = Fraction(a, b) + Fraction(c, d)
        wrong = Fraction(a + c, b + d)
        if Fraction(a, b).denominator == b and Fraction(c, d).denominator == d and total < 1 and wrong != total:
            break
    common = b * d // gcd(b, d)
    a2, c2 = a * common // b, c * common // d
    q = {
        "en": f"Anna eats {a}/{b} of a cake and Ben eats {c}/{d} of the same cake. "
        "What fraction of the cake do they eat together?",
        "vi": f"An ăn {a}/{b} cái bánh, Bình ăn {c}/{d} cái bánh đó. Hỏi cả hai bạn đã ăn bao nhiêu phần cái bánh?",
    }

    def steps(lang: str, right: bool) -> tuple[str, ...]:
        r = _frac(total) if right else _frac(wrong)
        second = {
            "en": f"Step 2: With the common denominator {common}: {a}/{b} = {a2}/{common} and {c}/{d} = {c2}/{common}.",
            "vi": f"Bước 2: Quy đồng mẫu số {common}: {a}/{b} = {a2}/{common} và {c}/{d} = {c2}/{common}.",
            "zh": f"第二步：通分，公分母是{common}：{a}/{b} = {a2}/{common}，{c}/{d} = {c2}/{common}。",
        }
        third = {
            "en": f"Step 3: {a2}/{common} + {c2}/{common} = {a2 + c2}/{common} = {r}.",
            "vi": f"Bước 3: Ta có {a2}/{common} + {c2}/{common} = {a2 + c2}/{common} = {r}.",
            "zh": f"第三步：{a2}/{common} + {c2}/{common} = {a2 + c2}/{common} = {r}。",
        }
        if not right:  # the classic slip: add numerators and denominators
            second = {
                "en": "Step 2: We add the numerators and the denominators.",
                "vi": "Bước 2: Ta cộng các tử số với nhau và các mẫu số với nhau.",
                "zh": "第二步：分子加分子，分母加分母。",
            }
            third = {
                "en": f"Step 3: ({a} + {c})/({b} + {d}) = {r}.",
                "vi": f"Bước 3: Ta có ({a} + {c})/({b} + {d}) = {r}.",
                "zh": f"第三步：({a} + {c})/({b} + {d}) = {r}。",
            }
        first = {
            "en": f"Step 1: Together they eat {a}/{b} + {c}/{d} of the cake.",
            "vi": f"Bước 1: Cả hai bạn ăn {a}/{b} + {c}/{d} cái bánh.",
            "zh": f"第一步：两人一共吃了{a}/{b} + {c}/{d}个蛋糕。",
        }
        return (first[lang], second[lang], third[lang])

    return _Draft(
        gold=_frac_gold(total), kind="fraction", questions=q,
        steps={lang: steps(lang, True) for lang in _L},
        stated=dict.fromkeys(_L, _frac(total)),
        wrong=dict.fromkeys(_L, _frac(wrong)),
        wrong_steps={lang: steps(lang, False) for lang in _L},
        near_miss=dict.fromkeys(_L, f"\\frac{{{total.numerator + 1}}}{{{total.denominator}}}"),
    )  # fmt: skip


def _symbolic(rng: random.Random) -> _Draft:
    # Not "expand (x + a)(x + b)": an equivalence judge rightly accepts the question's own expression echoed back,
    # so such a task cannot be probed (or trained) with a judge alone. These questions hold no equivalent expression.
    if rng.random() < 0.5:  # the monic quadratic with two given roots
        while True:
            a, b = rng.sample([i for i in range(-9, 10) if i], 2)
            if a + b:
                break
        gold = _poly([(1, 2), (-(a + b), 1), (a * b, 0)])
        wrong = _poly([(1, 2), (a + b, 1), (a * b, 0)])  # the sign slip
        near = _poly([(1, 2), (-(a + b), 1), (a * b + 1, 0)])
        expr = f"(x {_signed(-a)})(x {_signed(-b)})"
        q = {
            "en": f"Find the polynomial x^2 + bx + c whose roots are {a} and {b}.",
            "vi": f"Tìm đa thức x^2 + bx + c có hai nghiệm là {a} và {b}.",
        }

        def steps(lang: str, r: str) -> tuple[str, ...]:
            return {
                "en": (
                    f"Step 1: A monic quadratic with roots {a} and {b} is {expr}.",
                    f"Step 2: The sum of the roots is {a + b} and their product is {a * b}.",
                    f"Step 3: So the polynomial is {r}.",
                ),
                "vi": (
                    f"Bước 1: Đa thức bậc hai có hệ số cao nhất bằng 1 và hai nghiệm {a}, {b} là {expr}.",
                    f"Bước 2: Tổng hai nghiệm bằng {a + b}, tích hai nghiệm bằng {a * b}.",
                    f"Bước 3: Ta được đa thức {r}.",
                ),
                "zh": (
                    f"第一步：首项系数为1、根为{a}和{b}的二次多项式是{expr}。",
                    f"第二步：两根之和为{a + b}，两根之积为{a * b}。",
                    f"第三步：所以多项式是{r}。",
                ),
            }[lang]
    else:  # the derivative of a cubic
        a, b, c = rng.randint(1, 5), rng.choice([i for i in range(-6, 7) if i]), rng.randint(-9, 9)
        f = _poly([(a, 3), (b, 2), (c, 1)])
        gold = _poly([(3 * a, 2), (2 * b, 1), (c, 0)])
        wrong = _poly([(3 * a, 2), (b, 1), (c, 0)])  # forgot the factor 2
        near = _poly([(3 * a, 2), (2 * b, 1), (c + 1, 0)])
        q = {"en": f"Find the derivative of f(x) = {f}.", "vi": f"Tính đạo hàm của hàm số f(x) = {f}."}

        def steps(lang: str, r: str) -> tuple[str, ...]:
            return {
                "en": (
                    f"Step 1: f(x) = {f}.",
                    "Step 2: The derivative of x^n is n x^(n-1), term by term.",
                    f"Step 3: So f'(x) = {r}.",
                ),
                "vi": (
                    f"Bước 1: Hàm số f(x) = {f}.",
                    "Bước 2: Đạo hàm của x^n bằng n x^(n-1), lấy đạo hàm từng hạng tử.",
                    f"Bước 3: Ta được f'(x) = {r}.",
                ),
                "zh": (f"第一步：f(x) = {f}。", "第二步：x^n的导数是n x^(n-1)，逐项求导。", f"第三步：所以f'(x) = {r}。"),
            }[lang]

    return _Draft(
        gold=gold, kind="symbolic", questions=q,
        steps={lang: steps(lang, gold) for lang in _L},
        stated=dict.fromkeys(_L, gold), wrong=dict.fromkeys(_L, wrong),
        wrong_steps={lang: steps(lang, wrong) for lang in _L}, near_miss=dict.fromkeys(_L, near),
    )  # fmt: skip


def _interval(rng: random.Random) -> _Draft:
    sep = {"en": ",", "vi": ";", "zh": ","}  # Vietnamese writes [0; 1) and {2; 3}: the comma is its decimal comma
    if rng.random() < 0.5:  # a quadratic's solution set
        while True:
            r1, r2 = sorted(rng.sample([i for i in range(-9, 10) if i], 2))
            if r1 != -r2:  # else the sign slip {-r2, -r1} is the same set
                break
        s, p = r1 + r2, r1 * r2
        eq = _poly([(1, 2), (-s, 1), (p, 0)]) + " = 0"
        q = {"en": f"Solve the equation {eq}.", "vi": f"Giải phương trình {eq}."}

        def stated(lang: str, a: int, b: int) -> str:
            return f"\\{{{a}{sep[lang]} {b}\\}}"

        def steps(lang: str, a: int, b: int) -> tuple[str, ...]:
            fa, fb = _poly([(1, 1), (-a, 0)]), _poly([(1, 1), (-b, 0)])
            return {
                "en": (
                    f"Step 1: We need two numbers with sum {a + b} and product {a * b}: {a} and {b}.",
                    f"Step 2: So {eq} means ({fa})({fb}) = 0.",
                    f"Step 3: A product is zero when a factor is: x = {a} or x = {b}.",
                ),
                "vi": (
                    f"Bước 1: Ta tìm hai số có tổng bằng {a + b} và tích bằng {a * b}: {a} và {b}.",
                    f"Bước 2: Phương trình tương đương với ({fa})({fb}) = 0.",
                    f"Bước 3: Tích bằng 0 khi một thừa số bằng 0: x = {a} hoặc x = {b}.",
                ),
                "zh": (
                    f"第一步：找两个数，和为{a + b}，积为{a * b}：{a}和{b}。",
                    f"第二步：所以方程化为({fa})({fb}) = 0。",
                    f"第三步：乘积为零时某个因式为零：x = {a}或x = {b}。",
                ),
            }[lang]

        gold = f"{r1}, {r2}"
        right = {lang: stated(lang, r1, r2) for lang in _L}
        wrong = {lang: stated(lang, -r2, -r1) for lang in _L}  # the sign slip
        wrong_steps = {lang: steps(lang, -r2, -r1) for lang in _L}
        near = {lang: stated(lang, r1, r2 + 1) for lang in _L}
        good_steps = {lang: steps(lang, r1, r2) for lang in _L}
    else:  # a linear inequality: (k, +inf) or [k, +inf)
        a, k = rng.randint(2, 6), rng.randint(-9, 9)
        b = rng.randint(-9, 9)
        strict = rng.random() < 0.5
        rel, rel_zh = (">", ">") if strict else ("\\ge", "≥")
        c = a * k + b
        lhs = _poly([(a, 1), (b, 0)])
        q = {"en": f"Solve the inequality {lhs} {rel} {c}.", "vi": f"Giải bất phương trình {lhs} {rel} {c}."}

        def interval(lang: str, low: int, open_: bool) -> str:
            inf = "+\\infty" if lang == "vi" else "\\infty"
            return f"{'(' if open_ else '['}{low}{sep[lang]} {inf})"

        def interval_steps(lang: str, low: int, open_: bool) -> tuple[str, ...]:
            r = interval(lang, low, open_)
            rl = ">" if open_ else "\\ge"
            return {
                "en": (
                    f"Step 1: Move {b} to the right side: {a}x {rl} {c - b}.",
                    f"Step 2: Divide by {a} > 0, keeping the sign: x {rl} {low}.",
                    f"Step 3: The solution set is {r}.",
                ),
                "vi": (
                    f"Bước 1: Chuyển vế: {a}x {rl} {c - b}.",
                    f"Bước 2: Chia hai vế cho {a} > 0, giữ nguyên chiều: x {rl} {low}.",
                    f"Bước 3: Tập nghiệm của bất phương trình là {r}.",
                ),
                "zh": (
                    f"第一步：移项：{a}x {rl if rl == '>' else rel_zh} {c - b}。",
                    f"第二步：两边除以{a}，不等号方向不变：x {rl if rl == '>' else rel_zh} {low}。",
                    f"第三步：解集是{r}。",
                ),
            }[lang]

        gold = f"{'(' if strict else '['}{k}, \\infty)"
        right = {lang: interval(lang, k, strict) for lang in _L}
        wrong = {lang: interval(lang, k + 1, strict) for lang in _L}
        wrong_steps = {lang: interval_steps(lang, k + 1, strict) for lang in _L}
        near = {lang: interval(lang, k, not strict) for lang in _L}  # the bracket flipped
        good_steps = {lang: interval_steps(lang, k, strict) for lang in _L}
    return _Draft(gold=gold, kind="interval", questions=q, steps=good_steps, stated=right, wrong=wrong,
                  wrong_steps=wrong_steps, near_miss=near)  # fmt: skip


def _choice(rng: random.Random) -> _Draft:
    a, b = rng.randint(11, 49), rng.randint(3, 9)
    value = a * b
    distractors = rng.sample([value + 10, value - 10, value + a, value - b, value + 1], 3)
    values = [value, *distractors]
    rng.shuffle(values)
    letters = "ABCD"
    gold = letters[values.index(value)]
    wrong_letter = letters[(values.index(value) + 1) % 4]
    wrong_value = values[letters.index(wrong_letter)]
    near = letters[(values.index(value) - 1) % 4]
    options = tuple((letter, str(v)) for letter, v in zip(letters, values, strict=True))
    listed = "\n".join(f"{letter}. {v}" for letter, v in options)
    q = {"en": f"What is {a} × {b}?\n{listed}", "vi": f"Kết quả của phép tính {a} × {b} bằng bao nhiêu?\n{listed}"}

    def steps(lang: str, v: int, letter: str) -> tuple[str, ...]:
        return {
            "en": (f"Step 1: We compute {a} × {b}.", f"Step 2: {a} × {b} = {v}.", f"Step 3: {v} is option {letter}."),
            "vi": (
                f"Bước 1: Ta tính {a} × {b}.",
                f"Bước 2: Ta có {a} × {b} = {v}.",
                f"Bước 3: Số {v} ứng với phương án {letter}.",
            ),
            "zh": (f"第一步：计算{a} × {b}。", f"第二步：{a} × {b} = {v}。", f"第三步：{v}是选项{letter}。"),
        }[lang]

    return _Draft(
        gold=gold, kind="choice", questions=q,
        steps={lang: steps(lang, value, gold) for lang in _L},
        stated=dict.fromkeys(_L, gold), wrong=dict.fromkeys(_L, wrong_letter),
        wrong_steps={lang: steps(lang, wrong_value, wrong_letter) for lang in _L},
        near_miss=dict.fromkeys(_L, near), options={lang: options for lang in _L},
    )  # fmt: skip


GENERATORS: dict[str, Callable[[random.Random], _Draft]] = {
    "integer": _integer,
    "decimal": _decimal,
    "fraction": _fraction,
    "symbolic": _symbolic,
    "interval": _interval,
    "choice": _choice,
}


def _problem(draft: _Draft, language: str) -> Problem:
    return Problem(
        question=draft.questions[language],
        gold=draft.gold,
        wrong=draft.wrong[language],
        near_miss=draft.near_miss[language],
        steps=draft.steps[language],
        wrong_steps=draft.wrong_steps[language],
        answer_phrase=ANSWER_PHRASES[language],
        hedge_word=HEDGE_WORDS[language],
        filler=FILLER[language],
        padding_line=PADDING_LINES[language],
        kind=draft.kind,
        language=language,
        answer_text=draft.stated[language] if draft.stated[language] != draft.gold else "",
        options=draft.options.get(language, ()),
        translations=tuple((other, draft.steps[other]) for other in _L if other != language),
        columns=(("language", language),),
    )


def builtin_problems(
    languages: tuple[str, ...] | list[str] = LANGUAGES,
    per_kind: int = DEFAULT_PER_KIND,
    kinds: tuple[str, ...] | list[str] = KINDS,
    seed: int = 0,
) -> list[Problem]:
    """``per_kind`` generated problems of every kind in every language (deterministic for a seed).

    Example:
        >>> sample = builtin_problems(per_kind=2)
        >>> len(sample), sorted({p.kind for p in sample}) == sorted(KINDS), {p.language for p in sample} == {"en", "vi"}
        (24, True, True)
    """
    problems: list[Problem] = []
    for language in languages:
        if language not in LANGUAGES:
            raise ValueError(f"no built-in problems in {language!r}; choose from {', '.join(LANGUAGES)}")
        for kind in kinds:
            rng = random.Random(f"rewardkit-probe:{seed}:{kind}:{language}")
            seen: set[str] = set()
            while len(seen) < per_kind:
                problem = _problem(GENERATORS[kind](rng), language)
                if problem.question in seen:
                    continue
                seen.add(problem.question)
                problems.append(problem)
    return problems


def with_language(problem: Problem, language: str) -> Problem:
    """``problem`` re-dressed for another language's answer phrase and hedge (the reasoning is left as is)."""
    return replace(problem, answer_phrase=ANSWER_PHRASES.get(language, problem.answer_phrase),
                   hedge_word=HEDGE_WORDS.get(language, problem.hedge_word))  # fmt: skip
