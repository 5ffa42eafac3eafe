"""shaping.repetition: TRL's numbers on token ids, open-r1's on words, and any language."""

import pickle
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from rewardkit import Sample
from rewardkit.plugins import get_registry
from rewardkit_shaping.measure import words


def build(**params):
    return get_registry().reward("shaping.repetition").build(params)


def open_r1_repetition(texts, ngram_size, max_penalty):
    """open-r1's get_repetition_penalty_reward (src/open_r1/rewards.py, Apache-2.0), the reference on words."""
    rewards = []
    for completion in texts:
        if completion == "" or len(completion.split()) < ngram_size:
            rewards.append(0.0)
            continue
        ws = completion.lower().split()
        ngrams = list(zip(*[ws[i:] for i in range(ngram_size)], strict=False))
        rewards.append((1 - len(set(ngrams)) / len(ngrams)) * max_penalty)
    return rewards


@settings(max_examples=60, deadline=None)
@given(
    ids=st.lists(st.lists(st.integers(0, 5), max_size=40), min_size=1, max_size=4),
    n=st.integers(1, 5),
    penalty=st.floats(-3.0, 0.0, allow_nan=False),
)
def test_matches_trl_on_token_ids(ids, n, penalty):
    from trl.rewards.other_rewards import get_repetition_penalty_reward

    expected = get_repetition_penalty_reward(ngram_size=n, max_penalty=penalty)(completion_ids=ids)
    got = build(ngram_size=n, max_penalty=penalty)(completions=[""] * len(ids), completion_ids=ids)
    assert got == expected


_ascii_words = st.lists(st.sampled_from(["the", "The", "cat", "sat", "on", "mat", "42", "=", "x,"]), max_size=30)


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(_ascii_words.map(" ".join), min_size=1, max_size=4), n=st.integers(1, 4))
def test_matches_open_r1_on_words(texts, n):
    expected = open_r1_repetition(texts, n, -1.0)
    got = build(ngram_size=n, unit="words")(completions=texts)
    assert got == expected  # -0.0 == 0.0: open-r1 writes -0.0 where nothing repeats


def test_vietnamese_syllables_and_nfd_repeat_alike():
    reward = build(ngram_size=2)
    line = "Ta có mười hai quả táo. "
    nfc, nfd = line * 4, unicodedata.normalize("NFD", line * 4)
    assert reward(completions=[nfc]) == reward(completions=[nfd])
    assert reward(completions=[nfc])[0] < -0.6
    assert reward(completions=["Lan có mười hai quả táo và ba mươi quả cam"]) == [0.0]


def test_scripts_without_spaces_split_per_character():
    assert words("答案是四十二") == ["答", "案", "是", "四", "十", "二"]
    reward = build(ngram_size=2)
    assert reward(completions=["答案是四十二"]) == [0.0]
    assert reward(completions=["好好好好好"]) == [-0.75]  # open-r1 sees one word here and no repetition at all


def test_penalty_bounds_and_short_inputs():
    reward = build(ngram_size=3, max_penalty=-0.5)
    values = reward(completions=["", "one two", "a a a a a a a a a"], completion_ids=None)
    assert values[:2] == [0.0, 0.0]
    assert -0.5 <= values[2] < 0


def test_tokens_unit_needs_ids():
    outcome = build(unit="tokens").score_batch([Sample(completion="a a a a")])[0]
    assert outcome.status == "skip"


def test_positive_penalty_rejected_like_trl():
    with pytest.raises(ValidationError):
        build(max_penalty=0.5)


def test_pickle_round_trip():
    reward = build(ngram_size=2)
    assert pickle.loads(pickle.dumps(reward))(completions=["a b a b a b"]) == reward(completions=["a b a b a b"])
