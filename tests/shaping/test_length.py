"""shaping.length (target band) and shaping.soft_overlong (DAPO), the latter checked against TRL's numbers."""

import pickle
import unicodedata

import pytest
from pydantic import ValidationError

from rewardkit import Sample
from rewardkit.plugins import get_registry


def build(name, **params):
    return get_registry().reward(name).build(params)


def score(reward, completion="", ids=None):
    return reward.score_batch([Sample(completion=completion, completion_ids=ids)])[0]


# --------------------------------------------------------------------------- shaping.length


@pytest.mark.parametrize(
    ("length", "expected"),
    [(0, 0.0), (5, 0.5), (10, 1.0), (15, 1.0), (20, 1.0), (25, 0.75), (40, 0.0), (400, 0.0)],
)
def test_length_band_in_tokens(length, expected):
    reward = build("shaping.length", min_length=10, max_length=20)
    outcome = score(reward, "x", ids=[7] * length)
    assert outcome.score == pytest.approx(expected)
    assert outcome.details == {"length": length, "unit": "tokens"}


def test_length_decay_sets_the_fall_off_width():
    reward = build("shaping.length", max_length=20, decay=4)
    assert [score(reward, ids=[1] * n).score for n in (20, 22, 24, 30)] == [1.0, 0.5, 0.0, 0.0]


def test_length_units_without_ids():
    text = "Lan có mười hai quả táo"  # 6 syllables, 23 characters
    assert score(build("shaping.length", max_length=6, unit="words"), text).score == 1.0
    assert score(build("shaping.length", max_length=6), text).details["unit"] == "words"
    chars = score(build("shaping.length", max_length=23, unit="chars"), text)
    assert (chars.score, chars.details["length"]) == (1.0, 23)


def test_length_tokens_without_ids_is_a_skip_not_a_guess():
    outcome = score(build("shaping.length", max_length=6, unit="tokens"), "a b c")
    assert outcome.status == "skip"
    assert "completion_ids" in outcome.message


def test_length_ignores_invisible_padding_and_nfd():
    reward = build("shaping.length", min_length=10, max_length=100, unit="chars")
    padded = "abc" + "\u200b" * 50
    assert score(reward, padded).details["length"] == 3
    nfd = unicodedata.normalize("NFD", "Đáp án")
    assert score(reward, nfd).details["length"] == len("Đáp án")


def test_length_params_are_validated():
    with pytest.raises(ValidationError, match="min_length"):
        build("shaping.length", min_length=30, max_length=20)
    with pytest.raises(ValidationError):
        build("shaping.length", max_length=0)
    with pytest.raises(ValidationError):
        build("shaping.length", max_length=10, unit="bytes")


def test_length_is_a_trl_callable_with_conversational_input():
    reward = build("shaping.length", max_length=2)
    completions = [[{"role": "assistant", "content": "một hai"}], [{"role": "assistant", "content": "a b c d"}]]
    assert reward(prompts=["p", "p"], completions=completions) == [1.0, 0.0]


# --------------------------------------------------------------------------- shaping.soft_overlong


@pytest.mark.parametrize(("max_len", "cache"), [(100, 20), (100, 0), (50, 7), (30, 30), (4096, 1024)])
def test_soft_overlong_matches_trl_exactly(max_len, cache):
    from trl.rewards.other_rewards import get_soft_overlong_punishment

    trl_reward = get_soft_overlong_punishment(max_completion_len=max_len, soft_punish_cache=cache)
    ours = build("shaping.soft_overlong", max_length=max_len, cache_length=cache)
    lengths = sorted(
        {0, 1, max_len - cache - 1, max_len - cache, max_len - cache + 1, max_len - 1, max_len, max_len + 1, 3 * max_len}
    )
    ids = [[3] * n for n in lengths if n >= 0]
    expected = trl_reward(completion_ids=ids)
    got = ours(completions=["x"] * len(ids), completion_ids=ids)
    assert got == expected  # exact float equality, not approx


def test_soft_overlong_default_cache_is_a_fifth_and_words_fallback():
    reward = build("shaping.soft_overlong", max_length=10)
    assert reward.params.cache == 2
    assert score(reward, ids=[1] * 9).score == -0.5
    assert score(reward, "one two three four five six seven eight nine").details == {"length": 9, "unit": "words"}


def test_soft_overlong_rejects_cache_above_max():
    with pytest.raises(ValidationError, match="cache_length"):
        build("shaping.soft_overlong", max_length=10, cache_length=11)


@pytest.mark.parametrize("name", ["shaping.length", "shaping.soft_overlong"])
def test_length_rewards_pickle(name):
    reward = build(name, max_length=8)
    clone = pickle.loads(pickle.dumps(reward))
    ids = [[1] * 9]
    assert clone(completions=["x"], completion_ids=ids) == reward(completions=["x"], completion_ids=ids)
