"""Length rewards: a target band (``shaping.length``) and DAPO's soft overlong punishment (``shaping.soft_overlong``)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from rewardkit import LengthLimit, Outcome, Reward, RewardParams, Sample
from rewardkit_shaping.measure import NO_IDS_MESSAGE, Unit, measure

_UNIT_DOC = "'tokens' (needs completion_ids), 'words', 'chars', or 'auto': tokens when TRL gives ids, else words"


class LengthParams(RewardParams):
    min_length: Annotated[int, LengthLimit("min")] = Field(
        0, ge=0, description="Shortest length that scores 1.0; shorter scores length / min_length"
    )
    max_length: Annotated[int, LengthLimit("max")] = Field(..., gt=0, description="Longest length that scores 1.0")
    decay: int | None = Field(
        None, gt=0, description="Above max_length the score falls linearly to 0 over this many units (default: max_length)"
    )
    unit: Unit = Field("auto", description=_UNIT_DOC)

    @model_validator(mode="after")
    def _band(self) -> LengthParams:
        if self.min_length > self.max_length:
            raise ValueError(f"min_length ({self.min_length}) must not exceed max_length ({self.max_length})")
        return self


class LengthReward(Reward[LengthParams]):
    """Rewards completions whose length falls inside a target band, in tokens when TRL gives token ids.

    Inside ``[min_length, max_length]`` the score is 1.0. Below the band it is ``length / min_length``;
    above it falls linearly to 0.0 at ``max_length + decay``. Padding therefore pays only up to the
    band and costs beyond it. Lengths are tokens when ``completion_ids`` are given (``unit: auto``),
    else words (Vietnamese syllables count as words) or characters; zero-width characters never count.

    Args:
        min_length (`int`, defaults to `0`): Shortest length scoring 1.0.
        max_length (`int`): Longest length scoring 1.0.
        decay (`int`, *optional*): Width of the fall-off above the band; defaults to `max_length`.
        unit (`str`, defaults to `"auto"`): `"auto"`, `"tokens"`, `"words"` or `"chars"`.

    Returns:
        A score in `[0.0, 1.0]`; with `unit: tokens` and no token ids, a skip.

    Example:
        >>> from rewardkit_shaping.length import LengthParams, LengthReward
        >>> reward = LengthReward(LengthParams(min_length=4, max_length=8))
        >>> reward(completions=["one two", "one two three four five", "w " * 12], completion_ids=[[1] * 2, [1] * 5, [1] * 12])
        [0.5, 1.0, 0.5]
        >>> reward(completions=["one two"])  # no ids: words
        [0.5]
    """

    def score(self, sample: Sample) -> Outcome:
        measured = measure(sample, self.params.unit)
        if measured is None:
            return Outcome.skip(NO_IDS_MESSAGE)
        length, unit = measured
        p = self.params
        if length < p.min_length:
            value = length / p.min_length
        elif length <= p.max_length:
            value = 1.0
        else:
            decay = p.decay if p.decay is not None else p.max_length
            value = max(0.0, 1.0 - (length - p.max_length) / decay)
        return Outcome.ok(value, length=length, unit=unit)


class SoftOverlongParams(RewardParams):
    max_length: Annotated[int, LengthLimit("max")] = Field(
        ..., gt=0, description="L_max: the trainer's max_completion_length, in tokens"
    )
    cache_length: int | None = Field(
        None, ge=0, description="L_cache: the soft-punishment zone before max_length (default: max_length // 5, DAPO's ratio)"
    )
    unit: Unit = Field("auto", description=_UNIT_DOC)

    @model_validator(mode="after")
    def _cache(self) -> SoftOverlongParams:
        if self.cache_length is not None and self.cache_length > self.max_length:
            raise ValueError(f"cache_length ({self.cache_length}) must not exceed max_length ({self.max_length})")
        return self

    @property
    def cache(self) -> int:
        return self.cache_length if self.cache_length is not None else self.max_length // 5


class SoftOverlongReward(Reward[SoftOverlongParams]):
    """DAPO's soft overlong punishment (Eq. 13): 0 up to ``max_length - cache_length``, then a linear ramp to -1.

    Same numbers as TRL's ``get_soft_overlong_punishment(max_completion_len, soft_punish_cache)`` on the
    same token ids: 0.0 while ``|y| <= L_max - L_cache``, ``(L_max - L_cache - |y|) / L_cache`` inside the
    cache zone, -1.0 beyond ``L_max``. It never rewards short completions, only punishes long ones.

    Args:
        max_length (`int`): `L_max`, normally GRPOConfig's `max_completion_length`.
        cache_length (`int`, *optional*): `L_cache`; defaults to `max_length // 5` (DAPO used 4096 of 20480).
        unit (`str`, defaults to `"auto"`): tokens when TRL gives ids; offline rows without ids count words.

    Returns:
        A penalty in `[-1.0, 0.0]`; with `unit: tokens` and no token ids, a skip.

    Example:
        >>> from rewardkit_shaping.length import SoftOverlongParams, SoftOverlongReward
        >>> reward = SoftOverlongReward(SoftOverlongParams(max_length=100, cache_length=20))
        >>> reward(completions=["", "", ""], completion_ids=[[1] * 80, [1] * 90, [1] * 101])
        [0.0, -0.5, -1.0]
    """

    def score(self, sample: Sample) -> Outcome:
        measured = measure(sample, self.params.unit)
        if measured is None:
            return Outcome.skip(NO_IDS_MESSAGE)
        length, unit = measured
        max_len, cache = self.params.max_length, self.params.cache
        # Same comparisons and arithmetic as TRL's _SoftOverlongPunishment, so the floats match exactly.
        if length <= max_len - cache:
            value = 0.0
        elif max_len - cache < length <= max_len:
            value = (max_len - cache - length) / cache
        else:
            value = -1.0
        return Outcome.ok(value, length=length, unit=unit)
