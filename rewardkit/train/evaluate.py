"""Held-out evaluation: greedy strict and lenient accuracy (pass@1), sampled pass@k, per language.

*Strict*: the completion is in the graded format ``<think>…</think><answer>X</answer>`` and X is
the gold. *Lenient*: the final answer, in any format (a tag, "The answer is", "Đáp số", or the
last number), is the gold. Both are judged by one reward: the recipe's own reward that reads a gold
column (its first entry with a parameter marked ``Column(gold=True)``, pointed at the rows' gold, its
other params as in the recipe), or ``math.equivalence`` (locale-aware numbers) when the recipe has
none. Strict judges the answer tag's content, lenient the whole completion. Prompts are tokenized
exactly as TRL's GRPOTrainer does, and decoding is greedy, so before and after are comparable.

*pass@k*: k completions sampled per problem at the training temperature (top-k and top-p off, as
GRPO samples them); a problem counts when at least one of them is right. It bounds what GRPO can
turn into greedy accuracy: a problem no sample solves gives GRPO no signal, and one solved greedily
already has nothing to gain. Sampling is seeded, so the same model gives the same figure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from rewardkit.params import Column, Locale, roles
from rewardkit.reward import Sample
from rewardkit.train.columns import gold_reader

MAX_JUDGED_CHARS = 4000  # completions are judged on their tail; the eval never feeds unbounded text to a parser
EVAL_GOLD_COLUMN = "solution"  # the gold column of the evaluation rows (rewardkit.train.data's standard columns)
FALLBACK_JUDGE = "math.equivalence"  # judges when the recipe has no reward that reads a gold column


@dataclass
class LanguageScore:
    """The scores of one group of held-out rows (a language, or one value of a ``by_columns`` column)."""

    n: int = 0
    strict: float = 0.0
    lenient: float = 0.0
    format: float = 0.0
    pass_k_strict: float | None = None
    pass_k_lenient: float | None = None


@dataclass
class PassAtK:
    """k sampled completions per problem: pass@k and the mean accuracy of single samples."""

    k: int
    temperature: float
    strict: float  # share of problems with at least one of k samples strictly right
    lenient: float
    sample_strict: float  # mean over all samples (the expected accuracy of one sample at this temperature)
    sample_lenient: float
    seconds: float = 0.0


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
    pass_k: PassAtK | None = None
    by_column: dict[str, dict[str, LanguageScore]] = field(default_factory=dict)  # column -> value -> scores

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


class JudgeUnavailable(LookupError):
    """Neither the recipe nor the installed plugins offer a reward that can judge answers against a gold."""


class RewardJudge:
    """Judge with a rewardkit reward built to read its gold from ``solution``: correct when it scores 1.

    The reward runs through :class:`rewardkit.engine.Engine`, with the isolation and timeout the recipe
    gives its entry (or its ``engine:`` section): a judge that hangs on a model's output is killed
    like during training, and counts as wrong.
    """

    def __init__(
        self,
        reward: Any,
        name: str,
        *,
        isolation: str = "inline",
        timeout_s: float = 2.0,
        engine: Any = None,
        params: dict[str, Any] | None = None,
        plugins: tuple[str, ...] = (),
        base_dir: str = ".",
    ) -> None:
        import weakref

        from rewardkit.engine import Engine, Leaf
        from rewardkit.runtime import resolve_isolation

        self.reward, self.name = reward, name
        self.engine = engine or Engine()
        self.leaf = Leaf(
            key=f"eval:{name}",
            reward_name=name,
            params=dict(params or {}),
            isolation=resolve_isolation(isolation, reward),
            timeout_s=timeout_s,
            plugins=plugins,
            base_dir=base_dir,
            built=reward,
        )
        if engine is None:
            self._finalizer = weakref.finalize(self, self.engine.close)

    def close(self) -> None:
        self.engine.close()

    def __call__(self, texts: Sequence[str], golds: Sequence[str]) -> list[bool]:
        samples = [
            Sample(completion=t[-MAX_JUDGED_CHARS:], columns={EVAL_GOLD_COLUMN: g}) for t, g in zip(texts, golds, strict=True)
        ]
        return [s.outcome.status == "ok" and (s.outcome.score or 0.0) >= 1.0 - 1e-9 for s in self.engine.run(self.leaf, samples)]


def make_judge(recipe: Any = None, locale: str = "auto", registry: Any = None) -> RewardJudge:
    """The judge of the held-out evaluation.

    The recipe's own reward that reads a gold column (the first entry, in recipe order, with a
    parameter marked ``Column(gold=True)``; wrapped rewards count), built with its other params as
    in the recipe and its gold column pointed at the evaluation rows' ``solution``. A recipe with
    none falls back to the registered ``math.equivalence`` with ``locale``. Either runs through the
    engine with the recipe's isolation and timeout (the entry's own, else ``engine:``'s).

    Raises:
        JudgeUnavailable: the recipe reads no gold and ``math.equivalence`` is not installed.
    """
    if registry is None:
        from rewardkit.plugins import get_registry

        registry = get_registry()
    use = gold_reader(recipe, registry) if recipe is not None else None
    if use is not None:
        params = _revalidated(registry, use.reward, use.params, {use.field: EVAL_GOLD_COLUMN})
        return RewardJudge(registry.build(use.reward, params), use.reward, **_engine_options(recipe, use.entry_id, params))
    try:
        defaults = registry.params(FALLBACK_JUDGE, {})
    except LookupError:
        raise JudgeUnavailable(
            "held-out evaluation needs a reward that reads a gold column (a parameter typed GoldColumn) in the "
            f"recipe, or the {FALLBACK_JUDGE!r} reward (the rewardkit_math plugin); or set `train.eval.enabled: false`"
        ) from None
    updates: dict[str, Any] = {r.field: EVAL_GOLD_COLUMN for r in roles(defaults, Column) if getattr(r.role, "gold", False)}
    updates.update({r.field: locale for r in roles(defaults, Locale)})
    params = _revalidated(registry, FALLBACK_JUDGE, defaults, updates)
    return RewardJudge(registry.build(FALLBACK_JUDGE, params), FALLBACK_JUDGE, **_engine_options(recipe, None, params))


def _engine_options(recipe: Any, entry_id: str | None, params: Any) -> dict[str, Any]:
    """Isolation, timeout and engine settings for the judge: the recipe entry's, else the recipe's ``engine:``."""
    from rewardkit.engine import Engine

    options: dict[str, Any] = {"params": params.model_dump(exclude_unset=True)}
    engine_settings = getattr(recipe, "engine", None)
    if engine_settings is None:
        return options
    node = next((n for n in getattr(recipe, "rewards", []) if getattr(n, "key", None) == entry_id), None)
    options["isolation"] = (getattr(node, "isolation", None) if node is not None else None) or engine_settings.isolation
    options["timeout_s"] = (getattr(node, "timeout_s", None) if node is not None else None) or engine_settings.timeout_s
    options["engine"] = Engine(engine_settings)
    options["plugins"] = tuple(getattr(recipe, "plugins", ()) or ())
    options["base_dir"] = str(getattr(recipe, "base_dir", "."))
    return options


def _revalidated(registry: Any, name: str, params: Any, updates: dict[str, Any]) -> Any:
    """``params`` with ``updates``, validated again (so the reward's own validators see the new values)."""
    return registry.params(name, {**params.model_dump(exclude_unset=True), **updates})


def score_completions(
    completions: Sequence[str],
    golds: Sequence[str],
    languages: Sequence[str],
    judge: RewardJudge,
    reasoning_tag: str = "think",
    answer_tag: str = "answer",
    by: Mapping[str, Sequence[str]] | None = None,
) -> EvalResult:
    """Strict, lenient and format rates of completions against golds, overall, per language and per ``by`` column.

    ``by`` maps a column name to each completion's value in it (``{"op": ["add", "mul", ...]}``).
    """
    formatted, strict, lenient = _judged(completions, golds, judge, reasoning_tag, answer_tag)
    n = len(completions)

    def scores(labels: Sequence[str]) -> dict[str, LanguageScore]:
        return {
            label: LanguageScore(len(idx), _rate(strict, idx), _rate(lenient, idx), _rate(formatted, idx))
            for label, idx in _groups(labels).items()
        }

    examples = [
        {"completion": completions[i], "gold": golds[i], "strict": strict[i], "lenient": lenient[i]} for i in range(min(n, 8))
    ]
    every = list(range(n))
    result = EvalResult(
        n, _rate(strict, every), _rate(lenient, every), _rate(formatted, every), scores(languages), judge.name, examples
    )
    result.by_column = {column: scores(labels) for column, labels in (by or {}).items()}
    return result


def _judged(
    completions: Sequence[str], golds: Sequence[str], judge: RewardJudge, reasoning_tag: str, answer_tag: str
) -> tuple[list[bool], list[bool], list[bool]]:
    """Per completion: in the graded format; strictly right (the answer tag's content); leniently right (anywhere)."""
    answers = [graded_answer(c, reasoning_tag, answer_tag) for c in completions]
    strict_idx = [i for i, a in enumerate(answers) if a is not None]
    strict_ok = dict(zip(strict_idx, judge([answers[i] or "" for i in strict_idx], [golds[i] for i in strict_idx]), strict=True))
    strict = [strict_ok.get(i, False) for i in range(len(completions))]
    return [a is not None for a in answers], strict, judge(list(completions), list(golds))


def _groups(labels: Sequence[str]) -> dict[str, list[int]]:
    """Row indices per label, labels sorted; an empty label is ``all`` (rows without a language)."""
    out: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        out.setdefault(str(label) if label not in (None, "") else "all", []).append(i)
    return dict(sorted(out.items()))


def _rate(flags: Sequence[bool], idx: Sequence[int]) -> float:
    return sum(1 for i in idx if flags[i]) / len(idx) if idx else 0.0


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k of one problem from ``n`` samples of which ``c`` are right (Chen et al., 2021).

    ``1 - C(n-c, k) / C(n, k)``: the chance that k of the n samples, drawn without replacement,
    hold at least one right one. With ``n == k`` it is 1 when any sample is right, else 0.

    Example:
        >>> pass_at_k(8, 0, 8), pass_at_k(8, 1, 8), pass_at_k(4, 2, 1)
        (0.0, 1.0, 0.5)
    """
    if not 0 <= c <= n or not 1 <= k <= n:
        raise ValueError(f"pass@k needs 0 <= c <= n and 1 <= k <= n (n={n}, c={c}, k={k})")
    if n - c < k:
        return 1.0
    product = 1.0
    for i in range(n - c + 1, n + 1):
        product *= 1.0 - k / i
    return 1.0 - product


def score_samples(
    samples: Sequence[Sequence[str]],
    golds: Sequence[str],
    languages: Sequence[str],
    judge: RewardJudge,
    k: int,
    temperature: float,
    reasoning_tag: str = "think",
    answer_tag: str = "answer",
    by: Mapping[str, Sequence[str]] | None = None,
) -> tuple[PassAtK, dict[str, tuple[float, float]], dict[str, dict[str, tuple[float, float]]]]:
    """pass@k (strict and lenient) of ``samples[i]`` (n >= k completions of problem i), overall and per group.

    Returns:
        The overall :class:`PassAtK`; per language ``(strict, lenient)`` pass@k; the same per value of
        each ``by`` column (``{"op": {"add": (strict, lenient), ...}}``).
    """
    flat = [c for group in samples for c in group]
    owner = [i for i, group in enumerate(samples) for _ in group]
    _, strict, lenient = _judged(flat, [golds[i] for i in owner], judge, reasoning_tag, answer_tag)
    n_problems = len(samples)
    right_strict, right_lenient = [0] * n_problems, [0] * n_problems
    for j, i in enumerate(owner):
        right_strict[i] += bool(strict[j])
        right_lenient[i] += bool(lenient[j])
    per_strict = [pass_at_k(len(samples[i]), right_strict[i], k) for i in range(n_problems)]
    per_lenient = [pass_at_k(len(samples[i]), right_lenient[i], k) for i in range(n_problems)]

    def mean(values: Sequence[float], idx: Sequence[int]) -> float:
        return sum(values[i] for i in idx) / len(idx) if idx else 0.0

    def grouped(labels: Sequence[str]) -> dict[str, tuple[float, float]]:
        return {label: (mean(per_strict, idx), mean(per_lenient, idx)) for label, idx in _groups(labels).items()}

    every = list(range(n_problems))
    total = max(len(flat), 1)
    overall = PassAtK(
        k=k,
        temperature=temperature,
        strict=mean(per_strict, every),
        lenient=mean(per_lenient, every),
        sample_strict=sum(right_strict) / total,
        sample_lenient=sum(right_lenient) / total,
    )
    return overall, grouped(languages), {column: grouped(labels) for column, labels in (by or {}).items()}


def generate_greedy(model: Any, tokenizer: Any, prompts: Sequence[Any], max_new_tokens: int, batch_size: int = 128) -> list[str]:
    """Greedy completions for ``prompts`` (chat messages or strings), tokenized the way GRPOTrainer does."""
    return [group[0] for group in _generate(model, tokenizer, prompts, max_new_tokens, batch_size)]


def generate_samples(
    model: Any,
    tokenizer: Any,
    prompts: Sequence[Any],
    max_new_tokens: int,
    *,
    k: int,
    temperature: float,
    seed: int = 0,
    batch_size: int = 128,
) -> list[list[str]]:
    """``k`` sampled completions per prompt (temperature only: no top-k, no top-p), seeded and reproducible.

    ``batch_size`` counts sequences: each ``generate`` call samples ``batch_size // k`` prompts (at least one)
    ``k`` times. Smaller calls waste less on the one sample in the batch that never stops. The global torch
    random state is left as it was.
    """
    import torch

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return _generate(model, tokenizer, prompts, max_new_tokens, max(1, batch_size // k), k=k, temperature=temperature)


def _generate(
    model: Any,
    tokenizer: Any,
    prompts: Sequence[Any],
    max_new_tokens: int,
    batch_size: int,
    k: int = 1,
    temperature: float | None = None,
) -> list[list[str]]:
    import torch

    was_training = model.training
    model.train(False)  # inference mode: dropout off
    device = next(model.parameters()).device
    eos = model.generation_config.eos_token_id
    sampling: dict[str, Any] = {"do_sample": False}
    if temperature is not None:
        sampling = {"do_sample": True, "temperature": temperature, "top_k": 0, "top_p": 1.0, "num_return_sequences": k}
    outputs: list[list[str]] = []
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
                    eos_token_id=eos,
                    pad_token_id=pad,
                    **sampling,
                )
            texts = tokenizer.batch_decode(out[:, width:], skip_special_tokens=True)
            outputs.extend(texts[i : i + k] for i in range(0, len(texts), k))
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
    judge: RewardJudge | None = None,
    recipe: Any = None,
    reasoning_tag: str = "think",
    answer_tag: str = "answer",
    locale: str = "auto",
    pass_k: int = 0,
    temperature: float = 1.0,
    seed: int = 0,
    by_columns: Sequence[str] = (),
) -> EvalResult:
    """Generate greedily for every held-out row and score strict/lenient accuracy; optionally pass@k too.

    Args:
        model: a causal LM (a PEFT model works too).
        tokenizer: its tokenizer (with the chat template for conversational prompts).
        rows: the held-out dataset (``prompt``, ``solution``, ``language`` columns).
        max_new_tokens: the same budget before and after training.
        batch_size: prompts per greedy ``generate`` call, sequences per sampling call.
        judge: how answers are compared; default :func:`make_judge` for ``recipe`` and ``locale``.
        recipe: the recipe whose gold-reading reward judges (when ``judge`` is not given).
        reasoning_tag: the graded format's reasoning tag.
        answer_tag: the graded format's answer tag.
        locale: number convention of the fallback judge (a recipe without a gold-reading reward).
        pass_k: also sample this many completions per row and report pass@k (0: greedy only).
        temperature: the sampling temperature of pass@k (the training temperature).
        seed: seeds the sampling.
        by_columns: columns of ``rows`` to break the scores down by, besides ``language``.

    Returns:
        The :class:`EvalResult`.
    """
    import time

    judge = judge or make_judge(recipe, locale)
    completions = generate_greedy(model, tokenizer, rows["prompt"], max_new_tokens, batch_size)
    by = {column: [str(value) for value in rows[column]] for column in by_columns}
    result = score_completions(completions, rows["solution"], rows["language"], judge, reasoning_tag, answer_tag, by)
    if pass_k > 0:
        began = time.monotonic()
        samples = generate_samples(
            model, tokenizer, rows["prompt"], max_new_tokens, k=pass_k, temperature=temperature, seed=seed, batch_size=batch_size
        )
        overall, by_language, by_column = score_samples(
            samples, rows["solution"], rows["language"], judge, pass_k, temperature, reasoning_tag, answer_tag, by
        )
        overall.seconds = round(time.monotonic() - began, 2)
        result.pass_k = overall
        pairs = [(result.by_language, by_language), *((result.by_column[c], by_column[c]) for c in by_column)]
        for scores, sampled in pairs:
            for label, (strict, lenient) in sampled.items():
                if label in scores:
                    scores[label].pass_k_strict, scores[label].pass_k_lenient = strict, lenient
    return result
