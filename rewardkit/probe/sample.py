"""The problem sample a recipe is probed on: its own training data where it has some, built-in problems otherwise.

A recipe with a ``train:`` section names its dataset; when the ``train`` extra is installed, the
probes take problems from it (``builtin:arith`` is generated as training generates it; a local
``.jsonl``/``.json``/``.csv``/``.parquet`` file is loaded and normalized as training loads it; hub
datasets are not downloaded by a probe). Dataset problems fill the answer kinds they cover (arithmetic
data covers ``integer``); the other kinds come from :func:`~rewardkit.probe.problems.builtin_problems`,
so every kind is always attacked. Reading the dataset belongs to the training layer
(:mod:`rewardkit.train.probe_problems`), which the caller passes in: the core never imports it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from rewardkit.probe.problems import (
    ANSWER_PHRASES,
    DEFAULT_PER_KIND,
    FILLER,
    HEDGE_WORDS,
    KINDS,
    PADDING_LINES,
    Problem,
    builtin_problems,
    number,
)

if TYPE_CHECKING:
    from rewardkit.recipe import Recipe


@dataclass
class ProblemSample:
    """The problems, where they came from, and why a dataset was not used (``notes``)."""

    problems: list[Problem]
    source: str
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, dict[str, int]]:
        """``{kind: {language: count}}``."""
        out: dict[str, dict[str, int]] = {}
        for p in self.problems:
            by_lang = out.setdefault(p.kind, {})
            by_lang[p.language] = by_lang.get(p.language, 0) + 1
        return out


DatasetProblems = Callable[["Recipe", Any, tuple[str, ...], int, int], tuple[list[Problem], str]]
"""Reads problems from a recipe's ``train:`` dataset: ``(recipe, train, languages, per_kind, seed) -> (problems, what)``.

The training layer provides one (:func:`rewardkit.train.probe_problems.dataset_problems`); the CLI
passes it in, so the core never imports the training layer."""


def recipe_problems(
    recipe: Recipe,
    languages: tuple[str, ...],
    per_kind: int = DEFAULT_PER_KIND,
    seed: int = 0,
    dataset_problems: DatasetProblems | None = None,
) -> ProblemSample:
    """``per_kind`` problems of every kind in each of ``languages``: the recipe's dataset first, built-ins for the rest."""
    builtin = builtin_problems(languages, per_kind, seed=seed)
    train = getattr(recipe, "train", None)
    if not train:
        return ProblemSample(builtin, "built-in examples")
    if dataset_problems is None:
        return ProblemSample(builtin, "built-in examples", ["train dataset not used: no dataset reader was given"])
    try:
        found, what = dataset_problems(recipe, train, languages, per_kind, seed)
    except Exception as exc:  # noqa: BLE001 - a dataset that cannot be read must not stop the probes
        return ProblemSample(builtin, "built-in examples", [f"train dataset not used: {type(exc).__name__}: {exc}"])
    if not found:
        return ProblemSample(builtin, "built-in examples", [what] if what else [])
    covered = {(p.kind, p.language) for p in found}
    problems = list(found)
    for p in builtin:  # top up: kinds (and languages) the dataset lacks come from the built-in examples
        if (p.kind, p.language) not in covered:
            problems.append(p)
    problems.sort(key=lambda p: (languages.index(p.language) if p.language in languages else 99, KINDS.index(p.kind)))
    return ProblemSample(problems, f"{what} + built-in examples for the other kinds")


_STEPS = {
    "en": ("Step 1: We take the numbers from the problem.", "Step 2: We compute {eq}.", "Step 3: The result is {c}."),
    "vi": ("Bước 1: Ta lấy các số trong đề bài.", "Bước 2: Ta tính {eq}.", "Bước 3: Ta được kết quả bằng {c}."),
    "zh": ("第一步：找出题目中的数。", "第二步：计算{eq}。", "第三步：结果是{c}。"),
}


def _steps(language: str, equation: str, answer: str) -> tuple[str, ...]:
    return tuple(line.format(eq=equation, c=answer) for line in _STEPS[language])


def _arith_problem(question: str, gold: int, equation: str, language: str) -> Problem:
    stated, wrong, near = number(gold, language), number(gold + 10, language), number(max(gold - 1, 0) if gold else 1, language)
    head, _, _ = equation.rpartition("=")
    wrong_equation = f"{head}= {wrong}"
    return Problem(
        question=question,
        gold=str(gold),
        wrong=wrong,
        near_miss=near,
        steps=_steps(language, equation, stated),
        wrong_steps=_steps(language, wrong_equation, wrong),
        answer_phrase=ANSWER_PHRASES[language],
        hedge_word=HEDGE_WORDS[language],
        filler=FILLER[language],
        padding_line=PADDING_LINES[language],
        kind="integer",
        language=language,
        answer_text=stated if stated != str(gold) else "",
        translations=tuple((other, _steps(other, equation, stated)) for other in ("en", "vi", "zh") if other != language),
        source="dataset",
        columns=(("language", language),),
    )


_LETTER = re.compile(r"^\(?([A-E])\)?[.:]?(?:\s.*)?$", re.DOTALL)
_ANSWER_LINE = re.compile(r"(the answer is|answer:|####|đáp án|đáp số|\\boxed)", re.IGNORECASE)


def answer_kind(gold: str) -> str | None:
    """The answer kind of a dataset gold: ``integer``, ``decimal``, ``fraction``, ``choice``; ``None`` if not one of them.

    Example:
        >>> [answer_kind(g) for g in ("42", "-2.5", "7/12", "C", "D. 200000 đồng.", "x^2")]
        ['integer', 'decimal', 'fraction', 'choice', 'choice', None]
    """
    text = gold.strip()
    if _LETTER.match(text):
        return "choice"
    if re.fullmatch(r"-?\d+", text):
        return "integer"
    if re.fullmatch(r"-?\d+\.\d+", text):
        return "decimal"
    if re.fullmatch(r"-?\d+/\d+", text):
        return "fraction"
    return None


def problem_from_row(question: str, gold: str, reference: str, language: str) -> Problem | None:
    """A probe problem from a dataset row; ``None`` when its gold is of a kind the probes cannot vary safely."""
    kind = answer_kind(gold)
    if kind is None or not question:
        return None
    text = gold.strip()
    if kind == "choice":
        letter = _LETTER.match(text).group(1)  # type: ignore[union-attr]
        gold_value = letter
        stated, wrong, near = (
            letter,
            "ABCD"[("ABCD".index(letter) + 1) % 4] if letter in "ABCD" else "A",
            "ABCD"[("ABCD".index(letter) - 1) % 4] if letter in "ABCD" else "B",
        )
    elif kind == "fraction":
        f = Fraction(text)
        gold_value = text
        stated, wrong, near = (
            f"\\frac{{{f.numerator}}}{{{f.denominator}}}",
            f"\\frac{{{f.numerator + 1}}}{{{f.denominator + 1}}}",
            (f"\\frac{{{f.numerator + 1}}}{{{f.denominator}}}"),
        )
    else:
        try:
            value = Decimal(text)
        except InvalidOperation:
            return None
        gold_value = text
        step = Decimal(1) if kind == "integer" else Decimal(1).scaleb(value.as_tuple().exponent)  # type: ignore[arg-type]
        stated, wrong, near = number(value, language), number(value + 10, language), number(value + step, language)
    lines = [line.strip() for line in (reference or "").splitlines() if line.strip()]
    lines = [line for line in lines if not _ANSWER_LINE.search(line) and "<" not in line]
    if lines:
        steps = tuple(lines[:8])
        wrong_steps = steps
    else:
        steps = _steps(language, question.rstrip("?").split(".")[-1].strip() or "the result", stated)
        wrong_steps = _steps(language, "the result", wrong)
    return Problem(
        question=question,
        gold=gold_value,
        wrong=wrong,
        near_miss=near,
        steps=steps,
        wrong_steps=wrong_steps,
        answer_phrase=ANSWER_PHRASES[language],
        hedge_word=HEDGE_WORDS[language],
        filler=FILLER[language],
        padding_line=PADDING_LINES[language],
        kind=kind,
        language=language,
        answer_text=stated if stated != gold_value else "",
        source="dataset",
        columns=(("language", language),),
    )
