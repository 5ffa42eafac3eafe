"""``builtin:arith``: a seeded generator of English and Vietnamese arithmetic word problems.

Each problem carries its gold answer, its language and a reference solution for the warm-up SFT.
A share of the references (``graded_fraction``) is written in the graded
``<think>a + b = c</think><answer>c</answer>`` format; the rest use free-form styles, mostly a
bare answer sentence ("The answer is 12.", "Đáp số: 12."), sometimes with the working first
("7 + 5 = 12. The answer is 12."). A warmed-up model then answers mostly outside the graded
format and without writing its working down, which is what GRPO then has to change.

Vietnamese problems write numbers of 1000 and more with a dot for thousands (``2.500``), as
Vietnamese textbooks do; the gold stays plain (``2500``).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

# (max addend, max minuend, multiplication factor range, whether division and two-step problems occur)
LEVELS: dict[str, tuple[int, int, tuple[int, int], bool]] = {
    "tiny": (9, 9, (2, 3), False),
    "easy": (20, 30, (2, 9), False),
    "medium": (100, 200, (2, 12), True),
    "hard": (2000, 5000, (2, 25), True),
}

NAMES = {
    "en": ["Tom", "Anna", "Ben", "Lily", "Sam", "Mia", "Jack", "Emma", "Noah", "Zoe"],
    "vi": ["An", "Bình", "Lan", "Minh", "Hoa", "Nam", "Mai", "Tuấn", "Linh", "Hùng"],
}
OBJECTS = {
    "en": ["apples", "pencils", "books", "candies", "marbles", "stickers", "flowers", "cards"],
    "vi": ["quả táo", "cây bút chì", "quyển sách", "viên kẹo", "viên bi", "con tem", "bông hoa", "tấm thiệp"],
}
CONTAINERS = {"en": ["boxes", "bags", "baskets", "shelves"], "vi": ["hộp", "túi", "giỏ", "ngăn"]}

TEMPLATES: dict[tuple[str, str], list[str]] = {
    ("en", "add"): [
        "{n1} has {a} {o}. {n2} gives {n1} {b} more {o}. How many {o} does {n1} have now?",
        "There are {a} {o} on the table and {b} {o} in the box. How many {o} are there in all?",
        "{n1} collected {a} {o} on Monday and {b} {o} on Tuesday. How many {o} did {n1} collect?",
    ],
    ("vi", "add"): [
        "{n1} có {a} {o}. {n2} cho {n1} thêm {b} {o}. Hỏi {n1} có tất cả bao nhiêu {o}?",
        "Trên bàn có {a} {o}, trong hộp có {b} {o}. Hỏi có tất cả bao nhiêu {o}?",
        "Thứ hai {n1} nhặt được {a} {o}, thứ ba nhặt được {b} {o}. Hỏi {n1} nhặt được bao nhiêu {o}?",
    ],
    ("en", "sub"): [
        "{n1} has {a} {o}. {n1} gives {b} {o} to {n2}. How many {o} does {n1} have left?",
        "There were {a} {o} in the box. {n1} took {b} of them. How many {o} are still in the box?",
    ],
    ("vi", "sub"): [
        "{n1} có {a} {o}. {n1} cho {n2} {b} {o}. Hỏi {n1} còn lại bao nhiêu {o}?",
        "Trong hộp có {a} {o}. {n1} lấy ra {b} {o}. Hỏi trong hộp còn bao nhiêu {o}?",
    ],
    ("en", "mul"): [
        "There are {a} {c} with {b} {o} in each. How many {o} are there in total?",
        "{n1} buys {a} {c} of {o}. Each holds {b} {o}. How many {o} does {n1} buy?",
    ],
    ("vi", "mul"): [
        "Có {a} {c}, mỗi {c} có {b} {o}. Hỏi có tất cả bao nhiêu {o}?",
        "{n1} mua {a} {c} {o}, mỗi {c} có {b} {o}. Hỏi {n1} mua bao nhiêu {o}?",
    ],
    ("en", "div"): [
        "{a} {o} are shared equally among {b} children. How many {o} does each child get?",
    ],
    ("vi", "div"): [
        "Chia đều {a} {o} cho {b} bạn. Hỏi mỗi bạn được bao nhiêu {o}?",
    ],
    ("en", "two"): [
        "{n1} has {a} {o}, gets {b} more and then gives {d} to {n2}. How many {o} does {n1} have now?",
    ],
    ("vi", "two"): [
        "{n1} có {a} {o}, được cho thêm {b} {o} rồi cho {n2} {d} {o}. Hỏi {n1} còn bao nhiêu {o}?",
    ],
}

# Free-form reference styles: a bare answer sentence, or the same sentence with the working first.
FREE_FORM: dict[str, tuple[str, str]] = {
    "en": ("The answer is {c}.", "{eq}. The answer is {c}."),
    "vi": ("Đáp số: {c}.", "{eq}. Đáp số: {c}."),
}
WORKING_FRACTION = 2 / 7  # by default most free-form references give the bare answer


@dataclass(frozen=True)
class ArithProblem:
    question: str
    solution: str
    language: str
    reference: str
    op: str
    equation: str

    def as_row(self) -> dict[str, str]:
        return {
            "question": self.question,
            "solution": self.solution,
            "language": self.language,
            "reference": self.reference,
            "op": self.op,
        }


def format_number(value: int, language: str) -> str:
    """Write an integer the way the language's schoolbooks do: ``2500`` is ``2,500`` in English, ``2.500`` in Vietnamese."""
    if abs(value) < 1000:
        return str(value)
    grouped = f"{value:,}"
    return grouped.replace(",", ".") if language == "vi" else grouped


def graded(equation: str, answer: str, reasoning_tag: str = "think", answer_tag: str = "answer") -> str:
    """A completion in the graded format: ``<think>equation</think><answer>answer</answer>``."""
    return f"<{reasoning_tag}>{equation}</{reasoning_tag}><{answer_tag}>{answer}</{answer_tag}>"


def _operands(rng: random.Random, op: str, level: str) -> tuple[int, int, int, int]:
    max_add, max_sub, (low, high), _ = LEVELS[level]
    if op == "add":
        a, b = rng.randint(0, max_add), rng.randint(0, max_add)
        return a, b, 0, a + b
    if op == "sub":
        a = rng.randint(0, max_sub)
        b = rng.randint(0, a)
        return a, b, 0, a - b
    if op == "mul":
        a, b = rng.randint(low, high), rng.randint(low, high)
        return a, b, 0, a * b
    if op == "div":
        q, b = rng.randint(low, high), rng.randint(low, high)
        return q * b, b, 0, q
    a, b = rng.randint(1, max_add), rng.randint(1, max_add)
    d = rng.randint(0, a + b)
    return a, b, d, a + b - d


def _equation(op: str, a: str, b: str, d: str, c: str, language: str, subtotal: str = "") -> str:
    if op == "two":  # the intermediate result is written down: two one-step facts instead of one three-operand one
        return f"{a} + {b} = {subtotal}, {subtotal} - {d} = {c}"
    symbol = {"add": "+", "sub": "-", "mul": "x" if language == "vi" else "*", "div": ":" if language == "vi" else "/"}[op]
    return f"{a} {symbol} {b} = {c}"


def make_problem(
    rng: random.Random,
    level: str,
    language: str,
    graded_fraction: float,
    two_step_fraction: float = 0.0,
    working_fraction: float = WORKING_FRACTION,
) -> ArithProblem:
    """One problem drawn from ``rng``: operation, operands, template, names and the reference style."""
    if two_step_fraction and rng.random() < two_step_fraction:
        op = "two"
    else:
        op = rng.choice(["add", "sub", "mul"] + (["div", "two"] if LEVELS[level][3] else []))
    a, b, d, c = _operands(rng, op, level)
    n1, n2 = rng.sample(NAMES[language], 2)
    fa, fb, fd, fc = (format_number(v, language) for v in (a, b, d, c))
    question = rng.choice(TEMPLATES[(language, op)]).format(
        n1=n1, n2=n2, a=fa, b=fb, d=fd, o=rng.choice(OBJECTS[language]), c=rng.choice(CONTAINERS[language])
    )
    equation = _equation(op, fa, fb, fd, fc, language, format_number(a + b, language))
    if rng.random() < graded_fraction:
        reference = graded(equation, fc)
    else:
        style = rng.choices(FREE_FORM[language], (1.0 - working_fraction, working_fraction))[0]
        reference = style.format(eq=equation, c=fc)
    return ArithProblem(question, str(c), language, reference, op, equation)


def generate(
    size: int,
    *,
    seed: int,
    level: str = "easy",
    languages: tuple[str, ...] | list[str] = ("en", "vi"),
    graded_fraction: float = 0.3,
    two_step_fraction: float = 0.0,
    working_fraction: float = WORKING_FRACTION,
    exclude: set[str] | frozenset[str] = frozenset(),
) -> list[ArithProblem]:
    """``size`` distinct problems (by question text), none of them in ``exclude``.

    Args:
        size: how many problems.
        seed: the random seed; the same arguments always give the same problems.
        level: ``tiny``, ``easy``, ``medium`` or ``hard``.
        languages: drawn uniformly per problem.
        graded_fraction: share of references in the graded ``<think>/<answer>`` format.
        two_step_fraction: share of two-step problems (``a + b - d``) on top of the level's own mix.
        working_fraction: share of free-form references that write the working before the answer
            (``7 + 5 = 12. The answer is 12.``); the rest give the bare answer sentence.
        exclude: question texts to leave out (the held-out set, when generating training data).

    Returns:
        The problems, in generation order.

    Example:
        >>> problems = generate(2, seed=0, level="tiny")
        >>> len(problems), problems[0].language in ("en", "vi")
        (2, True)
    """
    if level not in LEVELS:
        raise ValueError(f"unknown difficulty {level!r}; choose one of {', '.join(LEVELS)}")
    rng = random.Random(f"rewardkit-arith:{seed}:{level}")
    seen: set[str] = set()
    problems: list[ArithProblem] = []
    misses = 0  # consecutive duplicates: many in a row means the level's problem space is used up
    for problem in _stream(rng, level, list(languages), graded_fraction, two_step_fraction, working_fraction):
        if problem.question in seen or problem.question in exclude:
            misses += 1
            if misses > 5_000:
                raise ValueError(f"level {level!r} cannot produce {size} distinct problems (got {len(problems)})")
            continue
        misses = 0
        seen.add(problem.question)
        problems.append(problem)
        if len(problems) == size:
            break
    return problems


def _stream(
    rng: random.Random,
    level: str,
    languages: list[str],
    graded_fraction: float,
    two_step_fraction: float,
    working_fraction: float,
) -> Iterator[ArithProblem]:
    while True:
        yield make_problem(rng, level, rng.choice(languages), graded_fraction, two_step_fraction, working_fraction)
