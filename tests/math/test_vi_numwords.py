"""rewardkit.text.vi_numwords: strict Vietnamese number words (returns None rather than a guess)."""

from __future__ import annotations

import unicodedata
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewardkit.text.vi_numwords import parse_vi_number_phrase, parse_vi_number_words

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("hai mươi lăm", 25),
        ("một trăm linh năm", 105),
        ("một trăm lẻ năm", 105),
        ("ba phần tư", Fraction(3, 4)),
        ("hai phẩy năm", Fraction(5, 2)),
        ("ba phẩy một bốn", Fraction(314, 100)),
        ("hai mươi mốt", 21),
        ("hai mươi tư", 24),
        ("mười lăm", 15),
        ("một trăm hai", 120),
        ("một triệu hai", 1_200_000),
        ("hai nghìn rưỡi", 2500),
        ("một trăm rưỡi", 150),
        ("âm năm", -5),
        ("không", 0),
        ("một nghìn không trăm linh năm", 1005),
        ("hai triệu năm trăm nghìn", 2_500_000),
        ("một nghìn tỷ", 10**12),
        ("năm mươi phần trăm", Fraction(1, 2)),
        ("một nửa", Fraction(1, 2)),
        ("hai chục", 20),
        ("Hai Mươi Lăm.", 25),
    ],
)
def test_parses(text: str, value: Fraction | int) -> None:
    assert parse_vi_number_words(text) == value


@pytest.mark.parametrize(
    "text",
    [
        "thứ tư",
        "ngày mốt",
        "năm 2024",
        "tư",
        "mốt",
        "lăm",
        "mươi",
        "mười năm",
        "hai lăm",
        "nghìn",
        "hai phần không",
        "",
        "x" * 500,
        "năm con",
    ],
)
def test_refuses(text: str) -> None:
    assert parse_vi_number_words(text) is None


def test_nfd_and_percent() -> None:
    assert parse_vi_number_words(unicodedata.normalize("NFD", "hai mươi lăm")) == 25
    phrase = parse_vi_number_phrase("năm phần trăm")
    assert phrase is not None and (phrase.value, phrase.per) == (5, 100)


def _spell_below_1000(n: int, inner: bool) -> list[str]:
    hundreds, rest = divmod(n, 100)
    tens, unit = divmod(rest, 10)
    words: list[str] = []
    if hundreds or inner:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if unit:
            words += (["linh"] if words else []) + [DIGITS[unit]]
        return words
    if tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if unit == 1:
        words.append("mốt" if tens > 1 else "một")
    elif unit == 5:
        words.append("lăm")
    elif unit:
        words.append(DIGITS[unit])
    return words


def spell(n: int) -> str:
    """Standard written Vietnamese for 1 <= n < 10^9 (the reference speller of this test)."""
    words: list[str] = []
    for scale, name in ((10**6, "triệu"), (10**3, "nghìn")):
        group, n = divmod(n, scale)
        if group:
            words += [*_spell_below_1000(group, inner=bool(words)), name]
    if n:
        words += _spell_below_1000(n, inner=bool(words))
    return " ".join(words)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=999_999_999))
def test_round_trip(n: int) -> None:
    assert parse_vi_number_words(spell(n)) == n


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [*DIGITS, "mười", "mươi", "trăm", "nghìn", "triệu", "linh", "lăm", "mốt", "tư", "phần", "phẩy", "rưỡi", "âm", "thứ"]
        ),
        max_size=8,
    )
)
def test_never_raises_on_word_salad(words: list[str]) -> None:
    result = parse_vi_number_words(" ".join(words))
    assert result is None or isinstance(result, Fraction)
