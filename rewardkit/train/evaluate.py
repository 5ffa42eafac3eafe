"""Greedy held-out evaluation: strict and lenient accuracy, per language.

*Strict*: the completion is in the graded format ``<think>…</think><answer>X</answer>`` and X is
the gold. *Lenient*: the final answer, in any format (a tag, "The answer is", "Đáp số", or the
last number), is the gold. Answers are judged by the recipe's ``math.equivalence`` reward when it is
installed (locale-aware numbers), or by a plain numeric comparison otherwise. Prompts are tokenized
exactly as TRL's GRPOTrainer does, and decoding is greedy, so before and after are comparable.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from typing import Any

from rewardkit.reward import Sample
from rewardkit.text.normalize import normalize_text

MAX_JUDGED_CHARS = 4000  # completions are judged on their tail; the eval never feeds unbounded text to a parser
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)*")


@dataclass
class LanguageScore:
    n: int = 0
    strict: float = 0.0
    lenient: float = 0.0
    format: float = 0.0


@dataclass
class EvalResult:
    """Accuracy of one model on the held-out set."""

    n: int
    strict: float
    lenient: float
    format: float
    by_language: dict[str, LanguageScore] = field(default_factory=dict)
    judge: str = ""
    examples: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def graded_answer(completion: str, reasoning_tag: str = "think", answer_tag: str = "answer") -> str | None:
    """The answer of a completion in the graded format, or None when the format is not followed.

    Example:
        >>> graded_answer("<think>2 + 3 = 5</think><answer>5</answer>")
        '5'
        >>> graded_answer("The answer is 5.") is None
        True
    """
    r, a = re.escape(reasoning_tag), re.escape(answer_tag)
    match = re.fullmatch(rf"\s*<{r}>(.+?)</{r}>\s*<{a}>(.+?)</{a}>\s*", completion[:MAX_JUDGED_CHARS], re.DOTALL)
    return match.group(2).strip() if match else None


def number_candidates(token: str) -> set[Fraction]:
    """Values a number token can mean: ``1.234`` and ``1,234`` are ambiguous (thousands or decimal), so both.

    Example:
        >>> sorted(number_candidates("2.500"))
        [Fraction(5, 2), Fraction(2500, 1)]
        >>> number_candidates("2,5")
        {Fraction(5, 2)}
    """
    token = token.rstrip(".,")
    readings = []
    if re.fullmatch(r"-?\d+([.,]\d+)?", token):
        readings.append(token.replace(",", "."))  # an integer, or a decimal point or comma
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", token):
        readings.append(token.replace(",", ""))  # English thousands
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", token):
        readings.append(token.replace(".", "").replace(",", "."))  # Vietnamese thousands
    values: set[Fraction] = set()
    for reading in readings:
        try:
            values.add(Fraction(reading))
        except (ValueError, ZeroDivisionError):
            continue
    return values


class NumericJudge:
    """Fallback judge: the last number of the text equals the gold's number (exact, as fractions)."""

    name = "numeric"

    def __call__(self, texts: Sequence[str], golds: Sequence[str]) -> list[bool]:
        results = []
        for text, gold in zip(texts, golds, strict=True):
            found = _NUMBER.findall(normalize_text(text[-MAX_JUDGED_CHARS:]))
            gold_numbers = _NUMBER.findall(normalize_text(gold))
            if not found or len(gold_numbers) != 1:
                results.append(False)
                continue
            results.append(bool(number_candidates(found[-1]) & number_candidates(gold_numbers[0])))
        return results


class RewardJudge:
    """Judge with a rewardkit reward (``math.equivalence``): correct when it scores 1."""

    def __init__(self, reward: Any, name: str) -> None:
        self.reward, self.name = reward, name

    def __call__(self, texts: Sequence[str], golds: Sequence[str]) -> list[bool]:
        samples = [Sample(completion=t[-MAX_JUDGED_CHARS:], columns={"solution": g}) for t, g in zip(texts, golds, strict=True)]
        return [o.status == "ok" and (o.score or 0.0) >= 1.0 - 1e-9 for o in self.reward.score_batch(samples)]


def make_judge(locale: str = "auto") -> NumericJudge | RewardJudge:
    """The ``math.equivalence`` judge when the math plugin is installed, else :class:`NumericJudge`."""
    from rewardkit.plugins import get_registry

    try:
        spec = get_registry().reward("math.equivalence")
        reward = spec.build({"gold": "solution", "locale": locale})
    except Exception:  # noqa: BLE001 - no math plugin, or one with other params: fall back, and say so in the report
        return NumericJudge()
    return RewardJudge(reward, "math.equivalence")


def score_completions(
    completions: Sequence[str],
    golds: Sequence[str],
    languages: Sequence[str],
    judge: NumericJudge | RewardJudge,
    reasoning_tag: str = "think",
    answer_tag: str = "answer",
) -> EvalResult:
    """Strict, lenient and format rates of completions against golds, overall and per language."""
    answers = [graded_answer(c, reasoning_tag, answer_tag) for c in completions]
    formatted = [a is not None for a in answers]
    strict_idx = [i for i, a in enumerate(answers) if a is not None]
    strict_ok = dict(zip(strict_idx, judge([answers[i] or "" for i in strict_idx], [golds[i] for i in strict_idx]), strict=True))
    lenient = judge(list(completions), list(golds))
    strict = [strict_ok.get(i, False) for i in range(len(completions))]
    n = len(completions)
    by_language: dict[str, LanguageScore] = {}
    for lang in sorted({lang or "all" for lang in languages}):
        idx = [i for i in range(n) if (languages[i] or "all") == lang]
        by_language[lang] = LanguageScore(len(idx), _rate(strict, idx), _rate(lenient, idx), _rate(formatted, idx))
    examples = [
        {"completion": completions[i], "gold": golds[i], "strict": strict[i], "lenient": lenient[i]} for i in range(min(n, 8))
    ]
    every = list(range(n))
    return EvalResult(n, _rate(strict, every), _rate(lenient, every), _rate(formatted, every), by_language, judge.name, examples)


def _rate(flags: Sequence[bool], idx: Sequence[int]) -> float:
    return sum(1 for i in idx if flags[i]) / len(idx) if idx else 0.0


def generate_greedy(model: Any, tokenizer: Any, prompts: Sequence[Any], max_new_tokens: int, batch_size: int = 128) -> list[str]:
    """Greedy completions for ``prompts`` (chat messages or strings), tokenized the way GRPOTrainer does."""
    import torch

    was_training = model.training
    model.train(False)  # inference mode: dropout off
    device = next(model.parameters()).device
    eos = model.generation_config.eos_token_id
    outputs: list[str] = []
    try:
        for start in range(0, len(prompts), batch_size):
            batch = list(prompts[start : start + batch_size])
            if isinstance(batch[0], str):
                ids = tokenizer(text=batch)["input_ids"]
            else:
                ids = tokenizer.apply_chat_template(batch, add_generation_prompt=True, tokenize=True, return_dict=True)[
                    "input_ids"
                ]
            width = max(len(x) for x in ids)
            pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
            input_ids = torch.tensor([[pad] * (width - len(x)) + list(x) for x in ids], device=device)
            mask = torch.tensor([[0] * (width - len(x)) + [1] * len(x) for x in ids], device=device)
            with torch.inference_mode():
                out = model.generate(
                    input_ids=input_ids,
                    attention_mask=mask,
                    max_new_tokens=max_new_tokens,
                    do_sample=False,
                    eos_token_id=eos,
                    pad_token_id=pad,
                )
            outputs.extend(tokenizer.batch_decode(out[:, width:], skip_special_tokens=True))
    finally:
        model.train(was_training)
    return outputs


def evaluate_model(
    model: Any,
    tokenizer: Any,
    rows: Any,
    *,
    max_new_tokens: int,
    batch_size: int = 128,
    judge: NumericJudge | RewardJudge | None = None,
    reasoning_tag: str = "think",
    answer_tag: str = "answer",
    locale: str = "auto",
) -> EvalResult:
    """Generate greedily for every held-out row and score strict/lenient accuracy.

    Args:
        model: a causal LM (a PEFT model works too).
        tokenizer: its tokenizer (with the chat template for conversational prompts).
        rows: the held-out dataset (``prompt``, ``solution``, ``language`` columns).
        max_new_tokens: the same budget before and after training.
        batch_size: prompts per ``generate`` call.
        judge: how answers are compared; default :func:`make_judge`.
        reasoning_tag: the graded format's reasoning tag.
        answer_tag: the graded format's answer tag.
        locale: number convention for the default judge.

    Returns:
        The :class:`EvalResult`.
    """
    judge = judge or make_judge(locale)
    completions = generate_greedy(model, tokenizer, rows["prompt"], max_new_tokens, batch_size)
    return score_completions(completions, rows["solution"], rows["language"], judge, reasoning_tag, answer_tag)
