"""Expectation semantics of case files."""

import pytest

from rewardkit.cases import check_expectation


@pytest.mark.parametrize(
    ("expected", "value", "label", "ok"),
    [
        (1.0, 1.0, "ok", True),
        (1, 0.9999999999, "ok", True),
        (1.0, 0.99, "ok", False),
        (None, None, "skip", True),
        (None, 0.0, "ok", False),
        (">= 1.0", 1.0, "ok", True),
        (">= 1.0", 0.5, "ok", False),
        ("< 0.5", 0.25, "ok", True),
        ("> 0", 0.0, "ok", False),
        ("!= 0", 0.1, "ok", True),
        ("== 0", -0.0, "ok", True),
        ("~ 0.33", 1 / 3, "ok", True),
        ("~ 0.33", 0.35, "ok", False),
        ("error", 0.0, "error:timeout", True),
        ("error:timeout", 0.0, "error:exception", False),
        ("skip", None, "skip", True),
        (">= 0", None, "skip", False),
    ],
)
def test_check_expectation(expected, value, label, ok):
    assert check_expectation(expected, value, label) is ok
