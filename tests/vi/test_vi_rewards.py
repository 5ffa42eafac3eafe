"""The seven vi.* rewards: registration, TRL contract, pickling, scores and the details that say why."""

import pickle
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from rewardkit import Sample
from rewardkit.plugins import get_registry

NAMES = [
    "vi.script_purity",
    "vi.diacritics",
    "vi.no_english",
    "vi.syllables",
    "vi.language",
    "vi.answer_marker",
    "vi.number_convention",
]


def build(name, **params):
    return get_registry().reward(name).build(params)


@pytest.mark.parametrize("name", NAMES)
def test_registered_cheap_picklable_and_trl_callable(name):
    spec = get_registry().reward(name)
    assert spec.plugin == "rewardkit_vi" and spec.cheap
    reward = spec.build({})
    clone = pickle.loads(pickle.dumps(reward))
    completions = ["Ta có 2 + 3 = 5.\nĐáp án: 5", [{"role": "assistant", "content": "Vay dap an la 5"}]]
    values = clone(prompts=["Tính 2 + 3", "Tính 2 + 3"], completions=completions, solution=["5", "5"])
    assert len(values) == 2 and all(v is None or 0.0 <= v <= 1.0 for v in values)
    assert clone.__name__ == name  # the registered name, as for a recipe entry without an id


@pytest.mark.parametrize("name", NAMES)
def test_unknown_params_are_rejected(name):
    with pytest.raises(ValidationError):
        build(name, no_such_param=1)


def test_script_purity_flags_han_kana_hangul_cyrillic_and_cjk_punctuation():
    reward = build("vi.script_purity")
    long_vi = "Lớp có 27 học sinh nam và 13 học sinh nữ, tổng cộng 40 học sinh chia đều thành bốn tổ. "
    one_han = reward.score(Sample(long_vi.replace("27", "27 人")))
    assert 0.0 < one_han.score < 1.0 and one_han.details["offending"] == ["人"] and one_han.details["scripts"] == ["han"]
    assert reward.score(Sample(long_vi.replace(",", "，"))).details["scripts"] == ["cjk_punctuation"]
    assert reward.score(Sample("所以答案是5")).score == 0.0
    for foreign in ("です", "입니다", "ответ", "คำตอบ"):
        assert reward.score(Sample(long_vi + foreign)).score < 1.0
    assert reward.score(Sample(long_vi + " góc α = 30°, π ≈ 3,14, x² + ½")).score == 1.0
    assert reward.score(Sample(long_vi + " $\\text{所以}$ `所以`")).score == 1.0  # LaTeX and code are not read
    assert build("vi.script_purity", hard=True).score(Sample(long_vi + "人")).score == 0.0
    assert build("vi.script_purity", punctuation=False).score(Sample(long_vi + "，")).score == 1.0


def test_diacritics_scores_marks_and_names_the_missing_ones():
    reward = build("vi.diacritics")
    assert reward.score(Sample("Vậy đáp án là 5.")).score == 1.0
    assert reward.score(Sample("Vay dap an la 5.")).score == 0.0
    partial = reward.score(Sample("Vậy số táo còn lai la 5 qua."))
    assert partial.score < 0.5 and partial.details["missing_marks"] == ["lai", "la"]
    unmarked = reward.score(Sample("Ket qua: 7/12"))  # short, but no mark: not waved through
    assert unmarked.score == 0.0 and unmarked.details["reason"] == "no marked Vietnamese word"
    assert reward.score(Sample("Kết quả: 7/12")).score == 1.0
    assert reward.score(Sample("Ba con ga")).score == 0.0  # valid unmarked words alone prove nothing
    assert build("vi.diacritics", min_words=4).score(Sample("Ba con ga")).score == 1.0  # the old leniency, opt-in
    assert reward.score(Sample("The answer is 5")).score == 0.0
    assert reward.score(Sample("$x = 5$")).details["reason"] == "no words to judge"
    assert build("vi.diacritics", if_no_words=None).score(Sample("42")).status == "skip"


SAYING_NOTHING = ["42", "\\boxed{17}", "$x = 4$", "x = 5", "", "Anna", "<think>12 + 30 = 42</think><answer>42</answer>"]
PROSE = ["vi.script_purity", "vi.diacritics", "vi.no_english", "vi.syllables", "vi.language"]


@pytest.mark.parametrize("name", PROSE)
@pytest.mark.parametrize("text", SAYING_NOTHING)
def test_no_words_is_not_vietnamese_by_default(name, text):
    out = build(name).score(Sample(text))
    assert out.score == 0.0 and out.details["reason"] == "no words to judge"
    assert build(name, if_no_words=1.0).score(Sample(text)).score == 1.0  # a recipe opts in to number-only working
    assert build(name, if_no_words=None).score(Sample(text)).status == "skip"


@pytest.mark.parametrize("text", ["Ket qua: 7/12", "Dap an la 5", "Vay x = 3", "Cau tra loi la 42", "Ta co x = 5", "Chon C"])
def test_short_unmarked_vietnamese_is_judged(text):
    for name in ("vi.language", "vi.diacritics"):
        assert build(name).score(Sample(text)).score <= 0.2, (name, text)


@pytest.mark.parametrize("text", ["Kết quả: 7/12", "Đáp án là 5", "Vậy x = 3", "Chọn C", "Đúng", "Có."])
def test_short_marked_vietnamese_keeps_full_marks(text):
    for name in ("vi.language", "vi.diacritics", "vi.syllables", "vi.no_english", "vi.script_purity"):
        assert build(name).score(Sample(text)).score == 1.0, (name, text)


def test_no_english_allows_names_units_and_terms():
    reward = build("vi.no_english")
    assert reward.score(Sample("Anna và Ben đi 5 km từ New York, dùng hàm sin (sine function).")).score >= 0.8
    mixed = reward.score(Sample("Tổng là 15. Now we divide by 3 to get the average."))
    assert mixed.score < 0.5 and mixed.details["english"] == ["Now we divide by to get the average"]
    assert reward.score(Sample("First we add 2 and 3.")).score == 0.0


def test_syllables_accepts_both_tone_styles_and_flags_garbling():
    reward = build("vi.syllables")
    assert reward.score(Sample("Hòa bình, hoà bình, thủy, thuỷ, khỏe, khoẻ, người, được.")).score == 1.0
    garbled = reward.score(Sample("Ngừoi ta đựoc 5 quả táo ngon."))
    assert garbled.score == 0.5 and garbled.details["invalid"] == {"ngừoi": "rhyme", "đựoc": "rhyme"}
    strict = build("vi.syllables", floor=0.9, full=0.99)
    assert strict.score(Sample("Ngừoi ta đựoc 5 quả táo ngon.")).score == 0.0
    with pytest.raises(ValidationError):
        build("vi.syllables", floor=0.9, full=0.5)


LONG_VI = (
    "Gọi x là số sản phẩm tổ thứ nhất làm được, điều kiện x nguyên dương. Tổ thứ hai làm được x + 15 sản phẩm. "
    "Theo đề bài, x + x + 15 = 195, nên x = 90. Vậy tổ thứ nhất làm 90 sản phẩm, tổ thứ hai làm 105 sản phẩm."
)


def test_language_contract():
    reward = build("vi.language")
    assert reward.score(Sample(LONG_VI)).score >= 0.8
    assert reward.score(Sample("Đáp án: 5")).score >= 0.8 and reward.score(Sample("Chọn C")).score >= 0.8
    for bad in (
        "First, we add 2 and 3 to get 5. The answer is 5.",
        "所以答案是5。",
        "Goi so hoc sinh nam la x. Khi do so hoc sinh nu la x + 4.",
        LONG_VI + " So the final answer is 105.",
        LONG_VI.replace("sản phẩm, tổ", "sản phẩm，所以 tổ"),
        LONG_VI.replace("Vậy tổ thứ nhất", "Vay to thu nhat lam duoc"),
    ):
        assert reward.score(Sample(bad)).score <= 0.2, bad


def test_language_reasons():
    reward = build("vi.language")
    out = reward.score(Sample(LONG_VI + " Final answer: 105"))
    assert out.details["leaks"] == ["english_sentence"] and out.details["english_spans"] == ["Final answer"]
    out = reward.score(Sample(LONG_VI.replace("Vậy", "所以")))
    assert out.details["leaks"] == ["foreign_script"] and out.details["offending"] == ["所以"]
    out = reward.score(Sample(LONG_VI + " Vay dap an la 105."))
    assert out.details["leaks"] == ["unmarked_sentence"]


def test_language_part_selection():
    completion = "<think>We add 2 and 3 to get 5.</think><answer>Đáp án: 5</answer>"
    assert build("vi.language", part="answer").score(Sample(completion)).score == 1.0
    assert build("vi.language", part="reasoning").score(Sample(completion)).score == 0.0
    assert build("vi.language").score(Sample(completion)).score <= 0.2


@pytest.mark.parametrize(
    "filler",
    [
        " vậy" * 300,
        " Ta có đáp án là như vậy." * 50,
        " Mỗi ngày em đều học bài chăm chỉ và giúp đỡ bố mẹ những công việc nhỏ trong gia đình." * 10,
    ],
)
@pytest.mark.parametrize(
    "leaky",
    [
        "First, we add 2 and 3 to get 5. The answer is 5.",
        "Ta có 2 + 3 = 5，所以 đáp án là 5.",
        "Vay dap an la 5.",
        LONG_VI + " So the answer is 105.",
    ],
)
def test_filler_cannot_buy_back_a_leak(leaky, filler):
    reward = build("vi.language")
    honest = reward.score(Sample(LONG_VI)).score
    padded = reward.score(Sample(leaky + filler)).score
    assert padded <= 0.2 < honest


def test_filler_never_beats_honest_text():
    reward = build("vi.language")
    honest = reward.score(Sample(LONG_VI)).score
    assert reward.score(Sample(LONG_VI + " vậy" * 500)).score <= honest <= 1.0


@pytest.mark.parametrize(
    ("completion", "score", "rule"),
    [
        ("Ta có 2 + 3 = 5.\nĐáp án: 5", 1.0, "vietnamese_marker"),
        ("Ta có 2 + 3 = 5.\nCâu trả lời là: 5", 1.0, "vietnamese_marker"),
        ("Vậy có tất cả 126 cách chọn.", 1.0, "vietnamese_marker"),
        ("Phương án đúng là B.\nChọn B", 1.0, "vietnamese_marker"),
        ("Do đó số cần tìm là $\\boxed{5}$", 1.0, "boxed_after_vietnamese"),
        ("Ta tính được tổng:\n$$\\boxed{5}$$", 1.0, "boxed_after_vietnamese"),
        ("Ta có 2 + 3 = 5\n\n\n$\\boxed{5}$", 0.5, "bare_boxed"),
        ("Ta có 2 + 3 = 5\n\n#### 5", 0.5, "bare_gsm"),
        ("$\\boxed{5}$", 0.0, "no_vietnamese"),  # saying nothing is not a Vietnamese answer
        ("2 + 3 = 5\n#### 5", 0.0, "no_vietnamese"),
        ("<think>We add 2 and 3.</think><answer>5</answer>", 0.0, "no_vietnamese"),
        ("Đáp án \\đóng hộp{5}", 0.5, "boxed_artifact"),
        ("Vậy đáp án là 5.\nThe answer is: 5", 0.0, "english_marker"),
        ("The final answer is $\\boxed{5}$", 0.0, "english_marker"),
        ("Ta có 2 + 3 = 5", 0.0, "no_marker"),
        ("<think>Ta có 2 + 3 = 5</think><answer>5</answer>", 1.0, "answer_tag"),
        ("<think>2 + 3 = 5</think><answer>Final answer: 5</answer>", 0.0, "english_marker"),
        ("<think>Ta có 2 + 3 = 5</think><answer></answer>", 0.0, "no_marker"),
    ],
)
def test_answer_marker(completion, score, rule):
    out = build("vi.answer_marker").score(Sample(completion))
    assert (out.score, out.details["rule"]) == (score, rule)


def test_answer_marker_must_be_in_the_last_lines():
    text = "Vậy x = 3.\nTa tính tiếp y.\ny = 4.\nz = 5.\nw = 6."
    assert build("vi.answer_marker").score(Sample(text)).score == 0.0
    assert build("vi.answer_marker", tail_lines=5).score(Sample(text)).score == 1.0


@pytest.mark.parametrize(
    ("prompt", "completion", "score", "rule"),
    [
        ("", "Giá là 2,5 triệu, tức 2.500.000 đồng", 1.0, "consistent"),
        ("", "Ta có 2,5 + 1.5 = 4", 0.5, "mixed"),
        ("", "Ta có 12 + 30 = 42", 1.0, "no_unambiguous_number"),
        ("Một bao nặng 2,5 kg", "Ba bao nặng 7.5 kg", 0.0, "mismatch"),
        ("Một bao nặng 2,5 kg", "Ba bao nặng 7,5 kg", 1.0, "consistent"),
        ("Một bao nặng 2,5 kg", "Tính bằng code: `x = 2.5 * 3` được 7,5 kg", 1.0, "consistent"),
        ("", "Vậy $x = 2{,}5$", 1.0, "consistent"),
    ],
)
def test_number_convention(prompt, completion, score, rule):
    out = build("vi.number_convention").score(Sample(completion, prompt=prompt))
    assert (out.score, out.details["rule"]) == (score, rule)


def test_number_convention_fixed_expectation():
    assert build("vi.number_convention", expected="vi").score(Sample("x = 2.5")).score == 0.0
    assert build("vi.number_convention", expected="any").score(Sample("Ta có x = 2.5", prompt="y = 2,5")).score == 1.0


def test_number_convention_needs_vietnamese():
    for text in ("42", "\\boxed{17}", "We add 12 and 30 to get 42."):
        assert build("vi.number_convention").score(Sample(text)).details["rule"] == "no_vietnamese"
        assert build("vi.number_convention", if_no_vietnamese=1.0).score(Sample(text)).score == 1.0
    assert build("vi.number_convention", if_no_vietnamese=None).score(Sample("42")).status == "skip"


@pytest.mark.parametrize("name", NAMES)
def test_hostile_input_is_bounded(name):
    reward = build(name)
    for text in ("人" * 200_000, "\\[" * 100_000, "dap an la " * 20_000, "\u0301" * 100_000, ""):
        out = reward.score(Sample(text))
        assert out.status in ("ok", "skip") and (out.score is None or 0.0 <= out.score <= 1.0)


VI_TEXT = st.text(
    alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
    "ABCĐ 0123456789.,:;!?()$\\{}\n人，の한",
    max_size=200,
)
REWARDS = {name: build(name) for name in NAMES}


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=300), prompt=st.text(max_size=50))
def test_any_text_scores_in_range_and_never_raises(text, prompt):
    for reward in REWARDS.values():
        out = reward.score(Sample(text, prompt=prompt))
        assert out.status in ("ok", "skip")
        assert out.score is None or 0.0 <= out.score <= 1.0


@settings(max_examples=60, deadline=None)
@given(VI_TEXT)
def test_nfc_and_nfd_input_score_the_same(text):
    nfd = unicodedata.normalize("NFD", text)
    for reward in REWARDS.values():
        assert reward.score(Sample(text)).score == reward.score(Sample(nfd)).score
