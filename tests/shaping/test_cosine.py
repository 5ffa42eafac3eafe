"""shaping.cosine: TRL's numbers on the same token ids, and open-r1's defects fixed."""

import math
import pickle

import pytest
from pydantic import ValidationError

import rewardkit
from rewardkit import ErrorKind, Outcome, Reward, Sample
from rewardkit.plugins import get_registry


class TrlAccuracy(Reward):
    """TRL's own accuracy_reward (math-verify) as the correctness reward, so only the scaling differs."""

    def score_batch(self, samples):
        from trl.rewards.accuracy_rewards import accuracy_reward

        values = accuracy_reward([[{"content": s.completion}] for s in samples], [s.columns["solution"] for s in samples])
        return [Outcome.coerce(v) for v in values]


class Verdict(Reward):
    """Says what the completion says: 'right', 'wrong', 'skip', 'none' (no answer) or 'timeout'."""

    def score(self, sample):
        text = sample.completion
        if text.startswith("skip"):
            return Outcome.skip("gold unreadable")
        if text.startswith("none"):
            return Outcome.error(ErrorKind.NO_ANSWER, "no final answer")
        if text.startswith("timeout"):
            return Outcome.error(ErrorKind.TIMEOUT, "too slow")
        return 1.0 if text.startswith("right") else 0.0


class TestRewards:
    @rewardkit.hookimpl
    def register_rewards(self, register):
        register("testing.trl_accuracy", TrlAccuracy)
        register("testing.verdict", Verdict)


@pytest.fixture
def cosine(rewardkit_plugin):
    rewardkit_plugin(TestRewards(), "cosine-test-rewards")

    def build(**params):
        return get_registry().build("shaping.cosine", params)

    return build


def test_matches_trl_on_the_same_token_ids(cosine):
    from trl.rewards.accuracy_rewards import get_cosine_scaled_reward

    trl_reward = get_cosine_scaled_reward(max_len=100)
    ours = cosine(reward="testing.trl_accuracy", max_length=100)
    completions = [r"The answer is \boxed{\frac{1}{3}}", r"The answer is \boxed{\frac{1}{2}}"] * 6
    lengths = [0, 0, 1, 1, 37, 37, 50, 50, 100, 100, 250, 250]
    ids = [[9] * n for n in lengths]
    solution = [r"\frac{1}{3}"] * len(completions)
    expected = trl_reward([[{"content": c}] for c in completions], solution, ids)
    got = ours(completions=completions, solution=solution, completion_ids=ids)
    assert got == expected  # exact floats
    assert got[6:8] == [0.75, -0.75]  # TRL's docstring example


def test_clamped_past_max_length_unlike_open_r1(cosine):
    reward = cosine(reward="testing.verdict", max_length=100)
    right_long = reward(completions=["right"] * 3, completion_ids=[[1] * 100, [1] * 150, [1] * 200])
    assert right_long == [0.5, 0.5, 0.5]
    # open-r1's unclamped schedule at 2 * max_len is back at the top: a very long answer scores like an empty one.
    open_r1 = 0.5 + 0.5 * (1.0 - 0.5) * (1.0 + math.cos(200 / 100 * math.pi))
    assert open_r1 == pytest.approx(1.0)
    wrong_long = reward(completions=["wrong"] * 2, completion_ids=[[1] * 100, [1] * 300])
    assert wrong_long == [-0.5, -0.5]


def test_measures_tokens_not_characters(cosine):
    reward = cosine(reward="testing.verdict", max_length=100)
    text = "right " + "x" * 400  # 406 characters, only 10 tokens
    outcome = reward.score_batch([Sample(completion=text, completion_ids=[1] * 10)])[0]
    assert outcome.details["unit"] == "tokens" and outcome.details["length"] == 10
    assert outcome.score == pytest.approx(0.9877641)  # by characters (open-r1) it would sit at the long end, 0.5


def test_short_right_beats_long_right_beats_long_wrong_beats_short_wrong(cosine):
    reward = cosine(reward="testing.verdict", max_length=64)
    values = reward(completions=["right", "right", "wrong", "wrong"], completion_ids=[[1] * 5, [1] * 60, [1] * 60, [1] * 5])
    assert values[0] > values[1] > values[2] > values[3]


def test_inner_skip_and_errors_propagate_but_no_answer_is_wrong(cosine):
    reward = cosine(reward="testing.verdict", max_length=10)
    samples = [Sample(completion=t, completion_ids=[1] * 10) for t in ("skip", "timeout", "none", "wrong")]
    skip, timeout, none, wrong = reward.score_batch(samples)
    assert skip.status == "skip" and skip.message == "gold unreadable"  # open-r1 scores an unparseable gold 1.0
    assert timeout.label == "error:timeout"
    assert none.status == "ok" and none.score == wrong.score == -0.5 and none.details["correct"] is False


def test_without_ids_it_falls_back_to_words(cosine):
    reward = cosine(reward="testing.verdict", max_length=4)
    outcome = reward.score_batch([Sample(completion="right a b c d e")])[0]
    assert (outcome.details["unit"], outcome.details["length"], outcome.score) == ("words", 6, 0.5)


def test_params_validation_names_the_problem(cosine):
    with pytest.raises(ValidationError, match=r"did you mean 'testing\.verdict'"):
        cosine(reward="testing.verdit", max_length=10)
    with pytest.raises(ValidationError, match=r"params of testing\.verdict"):
        cosine(reward="testing.verdict", params={"nope": 1}, max_length=10)
    with pytest.raises(ValidationError, match="outscore"):
        cosine(reward="testing.verdict", max_length=10, max_value_wrong=0.6)
    with pytest.raises(ValidationError, match="itself"):
        cosine(reward="shaping.cosine", max_length=10)
    with pytest.raises(ValidationError):
        cosine(reward="testing.verdict")  # max_length is required: it must match the trainer's


def test_pickle_round_trip(cosine):
    reward = cosine(reward="testing.verdict", max_length=10)
    clone = pickle.loads(pickle.dumps(reward))
    assert clone(completions=["right"], completion_ids=[[1] * 5]) == reward(completions=["right"], completion_ids=[[1] * 5])


def test_wraps_math_equivalence_with_gold_first():
    registry = get_registry()
    if "math.equivalence" not in registry.rewards:
        pytest.skip("math.equivalence is not installed")
    reward = registry.reward("shaping.cosine").build({"max_length": 100})
    values = reward(completions=[r"\boxed{42}", r"\boxed{41}"], solution=["42", "42"], completion_ids=[[1] * 50, [1] * 50])
    assert values == [0.75, -0.75]
