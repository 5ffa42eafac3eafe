"""Length-scaled correctness (``shaping.cosine``): any correctness reward, rescaled on a cosine of the length."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator

from rewardkit import ErrorKind, LengthLimit, Outcome, Reward, RewardParams, Sample, WrappedReward, get_registry
from rewardkit_shaping.measure import NO_IDS_MESSAGE, Unit, measure


def _context_registry(info: ValidationInfo) -> Any:
    """The registry the caller validates against (pydantic's validation context), or ``None``.

    Without one the wrapped reward is checked when the reward is built; validating never loads plugins.
    """
    return info.context.get("registry") if isinstance(info.context, dict) else None


class CosineParams(RewardParams):
    reward: Annotated[str, WrappedReward(params_field="params")] = Field(
        "math.equivalence", description="The correctness reward to scale, by registered name"
    )
    params: dict[str, Any] = Field(default_factory=dict, description="Parameters of that correctness reward")
    max_length: Annotated[int, LengthLimit("max")] = Field(
        ..., gt=0, description="L_max: the length where the schedule reaches its long end (tokens)"
    )
    threshold: float = Field(0.5, description="A correctness score at or above this counts as correct")
    min_value_wrong: float = Field(-1.0, description="Reward of a wrong completion at length 0")
    max_value_wrong: float = Field(-0.5, description="Reward of a wrong completion at max_length and beyond")
    min_value_correct: float = Field(0.5, description="Reward of a correct completion at max_length and beyond")
    max_value_correct: float = Field(1.0, description="Reward of a correct completion at length 0")
    unit: Unit = Field("auto", description="'tokens' (needs completion_ids), 'words', 'chars', or 'auto' (tokens when given)")

    @field_validator("reward")
    @classmethod
    def _known(cls, name: str, info: ValidationInfo) -> str:
        if name.startswith("shaping.cosine"):
            raise ValueError("shaping.cosine cannot wrap itself")
        registry = _context_registry(info)
        if registry is not None:
            try:
                registry.reward(name)
            except LookupError as exc:  # the registry's did-you-mean message
                raise ValueError(str(exc).strip("'\"")) from None
        return name

    @field_validator("params")
    @classmethod
    def _inner_params(cls, params: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        name = info.data.get("reward")
        registry = _context_registry(info)
        if name is None or registry is None:  # the name itself failed (reported already), or checked at build
            return params
        try:
            registry.reward(name).params_model.model_validate(params, context=info.context)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or '(params)'}: {err['msg']}" for err in exc.errors(include_url=False)
            )
            raise ValueError(f"params of {name}: {problems}") from None
        return params

    @model_validator(mode="after")
    def _ordered(self) -> CosineParams:
        if self.min_value_wrong > self.max_value_wrong:
            raise ValueError("min_value_wrong must not exceed max_value_wrong")
        if self.min_value_correct > self.max_value_correct:
            raise ValueError("min_value_correct must not exceed max_value_correct")
        if self.max_value_wrong > self.min_value_correct:
            raise ValueError("max_value_wrong must not exceed min_value_correct: a wrong answer would outscore a right one")
        return self


class CosineReward(Reward[CosineParams]):
    """Correctness scaled by length on a cosine schedule: short right answers earn most, short wrong ones lose most.

    The wrapped correctness reward (``math.equivalence`` by default, any registered reward by name)
    decides right or wrong; the length ``|y|`` then places the score on
    ``v_min + (v_max - v_min) * (1 + cos(pi * min(|y| / max_length, 1))) / 2``, with
    ``(v_min, v_max) = (min_value_correct, max_value_correct)`` when right and
    ``(max_value_wrong, min_value_wrong)`` when wrong. On the same token ids these are the numbers of
    TRL's ``get_cosine_scaled_reward``. Against open-r1's version it fixes: lengths are tokens (not
    characters) when TRL passes ids; the progress is clamped at ``max_length`` (cosine is periodic,
    so open-r1 rewards a correct answer of ``2 * max_len`` characters as much as an empty one); the
    judge compares gold to prediction in its own order (open-r1 calls ``verify(answer, gold)``); an
    unreadable gold propagates as a skip or error instead of scoring 1.0; no answer at all counts
    as wrong, never as a 0.0 that beats a wrong answer.

    Args:
        reward (`str`, defaults to `"math.equivalence"`): The correctness reward.
        params (`dict`): Its parameters (validated with its own params model).
        max_length (`int`): `L_max`, normally GRPOConfig's `max_completion_length`.
        threshold (`float`, defaults to `0.5`): Correctness scores at or above it count as correct.
        min_value_wrong, max_value_wrong, min_value_correct, max_value_correct (`float`): The schedule's ends
            (TRL's defaults: -1.0, -0.5, 0.5, 1.0).
        unit (`str`, defaults to `"auto"`): tokens when TRL gives ids, else words.

    Returns:
        A score in `[min_value_wrong, max_value_correct]`; the wrapped reward's skip or error otherwise.

    Example:
        >>> from rewardkit import get_registry
        >>> reward = get_registry().build("shaping.cosine", {"max_length": 100, "params": {"gold": "solution"}})
        >>> reward(completions=[r"\\boxed{42}", r"\\boxed{41}"], solution=["42", "42"], completion_ids=[[1] * 50, [1] * 50])
        [0.75, -0.75]
    """

    cheap = False  # the wrapped judge may be slow: `isolation: auto` runs this in killable workers

    def __init__(self, params: CosineParams | None = None) -> None:
        super().__init__(params)
        self.inner: Reward = get_registry().build(self.params.reward, self.params.params)

    def score_batch(self, samples: Sequence[Sample]) -> list[Outcome]:
        judged = [Outcome.coerce(verdict) for verdict in self.inner.score_batch(samples)]
        return [self._scale(sample, verdict) for sample, verdict in zip(samples, judged, strict=True)]

    def _scale(self, sample: Sample, verdict: Outcome) -> Outcome:
        if verdict.status == "skip":
            return verdict
        if verdict.status == "error" and verdict.kind is not ErrorKind.NO_ANSWER:
            return verdict
        measured = measure(sample, self.params.unit)
        if measured is None:
            return Outcome.skip(NO_IDS_MESSAGE)
        length, unit = measured
        correct = verdict.status == "ok" and verdict.score is not None and verdict.score >= self.params.threshold
        return Outcome.ok(
            self.value(length, correct),
            correct=correct,
            length=length,
            unit=unit,
            **{k: v for k, v in verdict.details.items() if k in ("extracted", "parsed", "rule")},
        )

    def value(self, length: int, correct: bool) -> float:
        """The schedule's value at ``length``; same arithmetic as TRL's, so the floats match exactly."""
        p = self.params
        progress = min(length / p.max_length, 1.0)
        cosine = math.cos(progress * math.pi)
        if correct:
            min_value, max_value = p.min_value_correct, p.max_value_correct
        else:
            # Swapped, so that a shorter wrong completion is penalised more than a longer one.
            min_value, max_value = p.max_value_wrong, p.min_value_wrong
        return float(min_value + 0.5 * (max_value - min_value) * (1.0 + cosine))
