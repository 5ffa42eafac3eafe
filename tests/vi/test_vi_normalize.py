"""Shared normalisation helpers: normalize_text, strip_latex_and_code, remove_marks, tone-style keys."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rewardkit.text.normalize import (
    canonical_tone_style,
    normalize_for_compare,
    normalize_text,
    remove_marks,
    strip_latex_and_code,
)


def test_normalize_text_composes_and_fixes_lookalikes():
    nfd = unicodedata.normalize("NFD", "Đáp án")
    assert normalize_text(nfd + ": \u22125\u200b") == "Đáp án: -5"
    assert normalize_text("\u00d0áp án") == "Đáp án"  # Icelandic eth
    assert normalize_text("a\x00b\tc\nd") == "ab\tc\nd"
    assert normalize_text("x\ud800y") == "x?y"


@given(st.text(max_size=200))
def test_normalize_text_is_idempotent_and_nfc(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert unicodedata.is_normalized("NFC", once)


@pytest.mark.parametrize(
    ("text", "kept", "removed"),
    [
        ("Ta có $x^2 = 4$ nên x = 2", "Ta có", "x^2"),
        ("Ta có $$\\text{Total} = 5$$ đồng", "đồng", "Total"),
        ("Ta có \\[ a + b \\] và \\( c \\)", "và", "a + b"),
        ("Xét \\begin{align} x &= 1 \\end{align} xong", "xong", "align"),
        ("Mã `print(total)` in ra", "in ra", "print"),
        ("Mã:\n```python\nthe answer is\n```\nxong", "xong", "answer"),
        ("Mã chưa đóng:\n```\nthe answer is 5", "Mã chưa đóng", "answer"),
        ("Vậy \\boxed{42} là đáp án", "là đáp án", "boxed"),
        ("Phân số \\frac{1}{2} nhỏ hơn 1", "nhỏ hơn", "frac"),
    ],
)
def test_strip_latex_and_code(text, kept, removed):
    out = strip_latex_and_code(text)
    assert kept in out and removed not in out


def test_unclosed_math_is_left_as_text():
    assert strip_latex_and_code("giá 5$ một quả") == "giá 5$ một quả"
    assert "câu" in strip_latex_and_code("\\[ câu chưa đóng")


def test_code_only_mode_keeps_latex():
    out = strip_latex_and_code("Giá $2{,}5$ và `x = 0.5`", latex=False)
    assert "$2{,}5$" in out and "0.5" not in out


@pytest.mark.parametrize("unit", ["$", "`", "\\[", "\\(", "$$", "\\begin{x}", "```", "\\frac{"])
def test_hostile_repeated_openers_stay_linear(unit):
    # Quadratic scanning would take minutes at this size; the closer cache keeps it to one pass.
    text = (unit + "a") * 50_000
    assert isinstance(strip_latex_and_code(text), str)


@given(st.text(alphabet="$`\\[]()ab {}\n~", max_size=200))
def test_strip_never_raises_and_never_grows(text):
    out = strip_latex_and_code(text)
    assert len(out) <= len(text) + 1


def test_remove_marks():
    assert remove_marks("Đáp án là 5, người được") == "Dap an la 5, nguoi duoc"


def test_tone_style_keys_compare_both_styles_equal():
    assert canonical_tone_style("hòa thủy") == canonical_tone_style("hoà thuỷ") == "hoà thuỷ"
    assert canonical_tone_style("hoà thuỷ", "old") == "hòa thủy"
    assert normalize_for_compare(" Hòa\u200b  BÌNH ") == normalize_for_compare("hoà bình") == "hoà bình"
