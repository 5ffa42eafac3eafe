"""N-gram repetition penalty (``shaping.repetition``) on token ids or on words, for any language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import Field

from rewardkit import Outcome, Reward, RewardParams, Sample
from rewardkit_shaping.measure import NO_IDS_MESSAGE, resolve_unit, words

# Hostile-input guard: only the first this many units enter the n-gram count.
MAX_UNITS = 200_000


class RepetitionParams(RewardParams):
    ngram_size: int = Field(3, ge=1, le=64, description="Size of the n-grams compared")
    max_penalty: float = Field(-1.0, le=0.0, description="Penalty of a fully repetitive completion (<= 0)")
    unit: Literal["auto", "tokens", "words"] = Field(
        "auto", description="'tokens' (needs completion_ids), 'words', or 'auto': token ids when TRL gives them, else words"
    )


def repeated_fraction(units: Sequence[object], ngram_size: int) -> float:
    """``1 - unique n-grams / total n-grams`` (0.0 when there are fewer units than ``ngram_size``).

    Example:
        >>> repeated_fraction([5, 5, 5, 5, 5], 2)
        0.75
    """
    if len(units) < ngram_size:
        return 0.0
    ngrams = list(zip(*[units[i:] for i in range(ngram_size)], strict=False))
    return 1 - len(set(ngrams)) / len(ngrams)


class RepetitionReward(Reward[RepetitionParams]):
    """Penalises repeated n-grams: ``(1 - unique/total n-grams) * max_penalty``, on token ids or on words.

    With token ids (TRL passes them) the numbers are those of TRL's ``get_repetition_penalty_reward``;
    on words they are those of open-r1's ``get_repetition_penalty_reward`` (lower case, whitespace split).
    Words work for every language: Vietnamese syllables are space-separated already, and scripts
    written without spaces (Chinese, Japanese, Thai...) are split per character rather than needing a
    language-specific segmenter. Text is NFC-normalised first, so NFD input repeats the same way.

    Args:
        ngram_size (`int`, defaults to `3`): Size of the n-grams.
        max_penalty (`float`, defaults to `-1.0`): Penalty of a fully repetitive completion; must be <= 0.
        unit (`str`, defaults to `"auto"`): `"auto"` (ids when given, else words), `"tokens"` or `"words"`.

    Returns:
        A penalty in `[max_penalty, 0.0]`; `0.0` when the completion is shorter than `ngram_size`.

    Example:
        >>> from rewardkit_shaping.repetition import RepetitionParams, RepetitionReward
        >>> reward = RepetitionReward(RepetitionParams(ngram_size=2))
        >>> reward(completions=["", ""], completion_ids=[[1, 2, 3, 4], [5, 5, 5, 5, 5]])
        [0.0, -0.75]
        >>> reward(completions=["ta có ta có ta có", "một hai ba bốn"])
        [-0.6, 0.0]
    """

    def score(self, sample: Sample) -> Outcome:
        unit = resolve_unit(self.params.unit, sample.completion_ids)
        if unit is None:
            return Outcome.skip(NO_IDS_MESSAGE)
        units: Sequence[object]
        if unit == "tokens":
            assert sample.completion_ids is not None
            units = list(sample.completion_ids[:MAX_UNITS])
        else:
            units = words(sample.completion)[:MAX_UNITS]
        fraction = repeated_fraction(units, self.params.ngram_size)
        # TRL returns a clean 0.0 (not -0.0) when nothing repeats.
        value = fraction * self.params.max_penalty if fraction else 0.0
        return Outcome.ok(value, repeated_fraction=round(fraction, 6), units=len(units), unit=unit)
