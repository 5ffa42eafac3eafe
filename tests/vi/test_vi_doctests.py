"""The examples in the Vietnamese modules' docstrings run as tests."""

import doctest
import importlib

import pytest

MODULES = [
    "rewardkit.text.vi",
    "rewardkit.text.normalize",
    "rewardkit_vi.convention",
    "rewardkit_vi.diacritics",
    "rewardkit_vi.english",
    "rewardkit_vi.markers",
    "rewardkit_vi.parts",
    "rewardkit_vi.rewards",
    "rewardkit_vi.script",
    "rewardkit_vi.syllables",
    "rewardkit_vi.words",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0


def test_docs_examples_run():
    """docs/vietnamese.md's ```python blocks run as one doctest session, so the docs cannot drift."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "vietnamese.md").read_text(encoding="utf-8")
    source = "\n".join(re.findall(r"```python\n(.*?)```", text, re.S))
    test = doctest.DocTestParser().get_doctest(source, {}, "docs/vietnamese.md", "docs/vietnamese.md", 0)
    runner = doctest.DocTestRunner()
    runner.run(test, clear_globs=False)
    assert test.examples and runner.failures == 0
