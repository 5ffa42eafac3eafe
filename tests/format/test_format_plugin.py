"""The plugin as a whole: registration, building from recipe params, pickling, doctests, linear time."""

from __future__ import annotations

import doctest
import pickle
import time

import pluggy
import pytest
from pydantic import ValidationError

import rewardkit_format
from rewardkit import Sample, hookspecs
from rewardkit.registry import Registry
from rewardkit_format import layout, params, rewards

NAMES = ["format.guard", "format.tag_count", "format.tags"]
GOOD = "<think>12 * 3 = 36</think>\n<answer>36</answer>"
MEGABYTE = 1 << 20


def only_this_plugin() -> Registry:
    """A registry of this plugin alone, the way rewardkit registers built-ins (other plugins may be mid-edit)."""
    pm = pluggy.PluginManager("rewardkit")
    pm.add_hookspecs(hookspecs)
    pm.register(rewardkit_format, name="rewardkit_format")
    pm.check_pending()
    return Registry.collect(pm)


REGISTRY = only_this_plugin()


def build(name: str, **values: object) -> rewardkit_format.TagsReward:
    return REGISTRY.reward(name).build(values)  # type: ignore[return-value]


def test_rewards_are_registered_with_docs() -> None:
    registry = REGISTRY
    assert sorted(registry.rewards) == NAMES
    for name in NAMES:
        spec = registry.reward(name)
        assert spec.plugin == "rewardkit_format"
        assert spec.cheap is True
        assert "Example:" in spec.doc and ">>>" in spec.doc


def test_build_from_recipe_params() -> None:
    reward = build("format.tags", reasoning_tag="reasoning", answer_tag="final", mode="soft")
    assert reward(completions=["x <reasoning>r</reasoning> y <final>36</final>"]) == [1.0]
    with pytest.raises(ValidationError, match="answer_tg"):
        build("format.tags", answer_tg="final")


@pytest.mark.parametrize("name", NAMES)
def test_pickle_round_trip(name: str) -> None:
    reward = build(name, think_opened_in_prompt=True)
    copy = pickle.loads(pickle.dumps(reward))
    assert copy.params == reward.params
    assert copy.__name__ == reward.__name__
    texts = ["12 * 3</think><answer>36</answer>", "<think>x</think><answer></answer>"]
    assert copy(completions=texts) == reward(completions=texts)


@pytest.mark.parametrize("module", [rewards, layout, params, rewardkit_format], ids=lambda m: m.__name__)
def test_doctests(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert result.failed == 0


HOSTILE = {
    "letters": "a" * MEGABYTE,
    "whitespace tail": GOOD + " " * MEGABYTE,
    "eos tail": GOOD + "</s>\n" * (MEGABYTE // 5),
    "eos tail then junk": GOOD + "</s>" * (MEGABYTE // 8) + "x" + "</s>" * (MEGABYTE // 8),
    "opening tags": "<think>" * (MEGABYTE // 7),
    "closing tags": "</answer>" * (MEGABYTE // 9),
    "empty blocks": "<think></think><answer></answer>" * (MEGABYTE // 32),
    "almost tags": "<thin</thin<answe" * (MEGABYTE // 17),
    "angle brackets": "<" * MEGABYTE,
    "huge think": "<think>" + "step\n" * (MEGABYTE // 5) + "</think><answer>36</answer>",
    "unclosed think": "<think>" + "x" * MEGABYTE,
    "many blocks under the cap": "<think>x</think>" * 400 + " " * MEGABYTE,
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_megabyte_scores_in_under_a_second(text: str) -> None:
    for reward in [build(name) for name in NAMES] + [build("format.tags", mode="soft")]:
        start = time.perf_counter()
        outcome = reward.score(Sample(text))
        assert time.perf_counter() - start < 1.0, reward
        assert outcome.score is not None and 0.0 <= outcome.score <= 1.0


def test_over_long_completions_score_zero_unread() -> None:
    outcome = build("format.guard").score(Sample("a" * (rewards.MAX_CHARS + 1)))
    assert outcome.score == 0.0
    assert "longer than" in outcome.details["reason"]
