"""Word classification shared by the Vietnamese checks, and completion parts."""

import pytest

from rewardkit_vi.markers import last_marker, tail_start
from rewardkit_vi.parts import blocks, prose, select_part
from rewardkit_vi.words import CLASS_NAMES, classify, tokenize


@pytest.mark.parametrize(
    ("token", "name"),
    [
        ("được", "vi"),
        ("ĐÁP", "vi"),
        ("duoc", "dropped_marks"),
        ("la", "dropped_marks"),
        ("DUOC", "dropped_marks"),
        ("hai", "ambiguous"),
        ("to", "ambiguous"),
        ("the", "english"),
        ("The", "english"),
        ("oranges", "unknown_latin"),
        ("Anna", "neutral"),
        ("Nguyen", "neutral"),
        ("ABC", "neutral"),
        ("AM", "neutral"),
        ("km", "neutral"),
        ("sin", "neutral"),
        ("x", "neutral"),
        ("α", "neutral"),
        ("café", "foreign_latin"),
        ("área", "foreign_latin"),
        ("součet", "foreign_latin"),
        ("ngừoi", "vi"),  # garbled Vietnamese stays Vietnamese: vi.syllables judges it
        ("ôtô", "vi"),
        ("ĐHQG", "neutral"),
        ("所以", "foreign"),
        ("입니다", "foreign"),
        ("ответ", "foreign"),
    ],
)
def test_classify(token, name):
    assert CLASS_NAMES[classify(token)] == name


def test_tokens_split_at_script_boundaries_and_skip_numbers():
    assert tokenize("27人số x²").tokens == ["人", "số", "x²"]
    assert tokenize("5 × 12 ÷ 3").tokens == []


def test_parenthesised_and_quoted_english_terms_are_removed():
    words = tokenize('Số nguyên tố (prime number) gọi là "prime" trong tiếng Anh')
    assert "prime" not in words.tokens and "number" not in words.tokens
    # a long parenthesis is not a term: it stays
    assert "because" in tokenize("(this is true because we add the two numbers)").tokens


def test_dollar_is_not_a_dropped_mark():
    words = tokenize("Anh ấy trả 5 đô la")
    assert CLASS_NAMES[words.classes[-1]] == "ambiguous"


def test_blocks_and_parts():
    text = "<think>Ta có 2 + 3 = 5</think>\n<answer>5</answer>"
    assert [text[a:b] for a, b in blocks(text, "think")] == ["Ta có 2 + 3 = 5"]
    assert select_part(text, "answer") == "5"
    assert select_part("Ta có 2 + 3 = 5</think>Đáp án: 5", "reasoning") == "Ta có 2 + 3 = 5"  # think opened in the prompt
    assert select_part("Ta có 2 + 3 = 5.\nĐáp án: 5", "answer") == "Đáp án: 5"
    assert select_part("Ta có 2 + 3 = 5.", "answer") == ""
    assert select_part("<think>dở dang", "reasoning") == "dở dang"


def test_prose_normalises_and_strips():
    assert prose("<think>Ta co\u0301 $x = 2$</think>").split() == ["Ta", "có"]


def test_tail_start_and_last_marker():
    text = "a\n\nb\nc\n\n"
    assert text[tail_start(text, 2) :].split() == ["b", "c"]
    assert last_marker("Vậy x = 3.\nTa tính tiếp.\nMột.\nHai.\nBa.") is None  # outside the last lines
    assert last_marker("Đáp án: 3").kind == "vi"
    assert last_marker("Chọn đáp án (D)").kind == "choice"
    assert last_marker("Vậy có tất cả 126 cách chọn.").kind == "conclude"
    assert last_marker("Final answer: 3").kind == "en"
    assert last_marker("#### 3").kind == "gsm"
    assert last_marker("\\đóng hộp{3}").kind == "artifact"
