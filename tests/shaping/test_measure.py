"""Word splitting and length measurement shared by the shaping rewards (property tests)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from rewardkit import Sample
from rewardkit_shaping.measure import count_words, measure, resolve_unit, words

_any_text = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(list("答案是 Đáp án \u200b\n\t ภาษาไทย"))), max_size=200
)


@settings(max_examples=150, deadline=None)
@given(_any_text)
def test_words_are_non_empty_and_without_spaces(text):
    ws = words(text)
    assert all(w and not any(c.isspace() for c in w) for w in ws)
    assert count_words(text) == len(ws)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(codec="ascii", exclude_categories=("Cc",)), max_size=200))
def test_plain_ascii_splits_like_open_r1(text):
    assert words(text) == text.lower().split()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 50_000), max_size=300), st.text(max_size=50))
def test_auto_unit_uses_token_ids_whenever_given(ids, text):
    assert measure(Sample(completion=text, completion_ids=ids), "auto") == (len(ids), "tokens")


def test_resolve_unit():
    assert resolve_unit("auto", None) == "words"
    assert resolve_unit("tokens", None) is None
    assert resolve_unit("chars", [1]) == "chars"
