"""The examples in the shaping rewards' docstrings (and the probe module's) run and hold."""

import doctest
import importlib

import pytest

from rewardkit.plugins import get_registry

MODULES = [
    "rewardkit_shaping.measure",
    "rewardkit_shaping.length",
    "rewardkit_shaping.repetition",
    "rewardkit_shaping.steps",
    "rewardkit_shaping.cosine",
    "rewardkit.probe",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    if name.endswith("cosine") and "math.equivalence" not in get_registry().rewards:
        pytest.skip("the cosine example wraps math.equivalence, which is not installed")
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize(
    "name", ["shaping.length", "shaping.soft_overlong", "shaping.cosine", "shaping.repetition", "shaping.reasoning_steps"]
)
def test_every_shaping_reward_is_documented_hf_style(name):
    doc = get_registry().reward(name).doc
    for section in ("Args:", "Returns:", "Example:", ">>>"):
        assert section in doc, f"{name} docstring lacks {section}"
