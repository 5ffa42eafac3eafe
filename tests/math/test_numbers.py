"""rewardkit.text.numbers: convention detection and locale-aware literal reading."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewardkit.text.numbers import classify_run, count_conventions, detect_convention, scan_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vậy giá là 2,5 triệu đồng", "vi"),
        ("Tổng 1.200.000 đồng", "vi"),
        ("1.234,5", "vi"),
        ("$2{,}5$", "vi"),
        ("The total is 1,250,000 dollars", "en"),
        ("It takes 2.5 hours", "en"),
        ("1,234.5", "en"),
        ("1.234", "unknown"),
        ("1,234", "unknown"),
        ("no numbers here", "unknown"),
        ("2,5 and 3.5", "mixed"),
        ("version 1.2.3 and list 1,2,3", "unknown"),
        ("the point (2,5) in English", "unknown"),
        ("3.10^8 m/s", "unknown"),
        ("", "unknown"),
    ],
)
def test_detect_convention(text: str, expected: str) -> None:
    assert detect_convention(text) == expected


def test_classify_run_and_counts() -> None:
    assert [classify_run(r) for r in ("2,5", "1.200.000", "1,234", "2.5", "1,2,3", "1.2.3", "10{,}000")] == [
        "vi",
        "vi",
        "ambiguous",
        "en",
        None,
        None,
        "ambiguous",
    ]
    assert count_conventions("Giá 1.200.000 đồng, giảm 2,5%; còn 1.234") == (2, 0)


@pytest.mark.parametrize(
    ("text", "convention", "value", "end"),
    [
        ("1.234", "vi", Fraction(1234), 5),
        ("1.234", "en", Fraction(1234, 1000), 5),
        ("1,234", "en", Fraction(1234), 5),
        ("1,234", "vi", Fraction(1234, 1000), 5),
        ("2,5", "vi", Fraction(5, 2), 3),
        ("2,5", "en", Fraction(2), 1),  # en: the comma separates list items
        ("2{,}5", "en", Fraction(5, 2), 5),  # LaTeX {,} never separates items
        ("10{,}000", "en", Fraction(10000), 8),
        ("1.200.000", "en", Fraction(1200000), 9),
        ("1,200,000", "vi", Fraction(1200000), 9),
        ("1.234,5", "en", Fraction(12345, 10), 7),
        ("1,234.5", "vi", Fraction(12345, 10), 7),
        ("800 000 đồng", "vi", Fraction(800000), 7),
        ("1\u202f000\u202f000", "en", Fraction(1000000), 9),
        ("2\\,500\\,000", "en", Fraction(2500000), 11),
        ("3 4", "en", Fraction(3), 1),  # "3 4" is never 34
        ("5.", "en", Fraction(5), 1),  # a sentence end is not consumed
    ],
)
def test_scan_number(text: str, convention: str, value: Fraction, end: int) -> None:
    literal = scan_number(text, 0, convention)  # type: ignore[arg-type]
    assert literal is not None
    assert (literal.value, literal.end) == (value, end)


def test_scan_number_refuses_malformed_and_huge() -> None:
    assert scan_number("1.2.3", 0, "en") is None
    assert scan_number("9" * 400, 0, "en") is None
    literal = scan_number("0.3333", 0, "en")
    assert literal is not None and (literal.decimals, literal.significant) == (4, 4)


def _group(n: int, sep: str) -> str:
    digits = str(n)
    head = len(digits) % 3 or 3
    return sep.join([digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)])


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**15), st.integers(min_value=0, max_value=99))
def test_round_trip_both_conventions(whole: int, cents: int) -> None:
    """A number written in English or Vietnamese style reads back exactly in its convention, and in both
    when it shows both marks (``1,234.56`` / ``1.234,56``: unambiguous)."""
    fraction = f"{cents:02d}"
    value = Fraction(whole * 100 + cents, 100)
    english = _group(whole, ",") + "." + fraction
    vietnamese = _group(whole, ".") + "," + fraction
    spaced = _group(whole, " ") + "," + fraction
    assert scan_number(english, 0, "en").value == value  # type: ignore[union-attr]
    assert scan_number(vietnamese, 0, "vi").value == value  # type: ignore[union-attr]
    if whole >= 1000:
        assert scan_number(english, 0, "vi").value == value  # type: ignore[union-attr]
        assert scan_number(vietnamese, 0, "en").value == value  # type: ignore[union-attr]
    assert scan_number(spaced, 0, "vi").value == value  # type: ignore[union-attr]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_detection_and_scanning_never_raise(text: str) -> None:
    assert detect_convention(text) in ("vi", "en", "mixed", "unknown")
    for i, ch in enumerate(text):
        if ch.isdigit() and ch.isascii():
            literal = scan_number(text, i, "vi")
            assert literal is None or literal.end > i
