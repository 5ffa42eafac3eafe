"""shaping.reasoning_steps: English and Vietnamese cues, counted once per distinct step."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewardkit.plugins import get_registry
from rewardkit_shaping.steps import find_steps


def reward(**params):
    return get_registry().reward("shaping.reasoning_steps").build(params)


@pytest.mark.parametrize(
    "text",
    [
        "Step 1: read the question.\nStep 2: add 12 and 30.\nStep 3: the total is 42.",
        "Bước 1: Lan có 12 quả táo.\nBước 2: Mẹ cho thêm 30 quả.\nBước 3: Vậy Lan có 42 quả.",
        "Đầu tiên, ta đọc kỹ đề bài. Tiếp theo, ta cộng 12 với 30. Cuối cùng, ta được 42 quả táo.",
        "First, read the question. Next, add twelve and thirty. Finally, the total is forty-two.",
        "1. Read the question carefully\n2. Add the two numbers\n3) Write the total down",
        "**Step 1:** read the question.\n**Step 2:** add 12 and 30.\n**Step 3:** the total is 42.",
        "Trước hết, ta đọc đề bài.\nSau đó, ta cộng 12 với 30.\nKế tiếp, ta kiểm tra lại kết quả.",
        "- read the question\n- add twelve and thirty\n* check the total once more",
    ],
)
def test_three_distinct_steps_score_one(text):
    assert reward()(completions=[text]) == [1.0]


def test_repeated_or_empty_steps_do_not_count():
    repeated = "Step 1: add the numbers.\n" * 10
    bare = "Step 1:\nStep 2:\nStep 3:\nBước 4.\n"
    values = reward()(completions=[repeated, bare])
    assert values == [pytest.approx(1 / 3), 0.0]


def test_partial_credit_and_target():
    text = "Step 1: add the numbers.\nStep 2: check the total."
    assert reward()(completions=[text]) == [pytest.approx(2 / 3)]
    assert reward(target_steps=2)(completions=[text]) == [1.0]


def test_cues_inside_words_or_numbers_are_not_steps():
    text = "The firstborn paid 1.5 dollars; nextdoor sold 2.25 more, then 3.5."
    assert find_steps(text) == []


def test_nfd_vietnamese_counts_the_same():
    text = "Đầu tiên, ta có 12 quả táo. Sau đó, mẹ cho thêm 30 quả. Cuối cùng, ta có 42 quả."
    nfd = unicodedata.normalize("NFD", text)
    assert [s.cue for s in find_steps(nfd)] == ["Đầu tiên", "Sau đó", "Cuối cùng"]


def test_details_name_the_cues():
    outcome = reward().score_batch([__import__("rewardkit").Sample(completion="Bước 1: ta cộng 12 và 30.")])[0]
    assert outcome.details == {"steps": 1, "cues": ["Bước 1"]}


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("Step 1234.:-*\n ,Bước Đầu tiên")), max_size=300))
def test_score_is_bounded_on_any_text(text):
    [value] = reward()(completions=[text])
    assert 0.0 <= value <= 1.0
