"""Vietnamese syllable structure: check_syllable, tone styles, unmarked-word shapes (rewardkit.text.vi)."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rewardkit.text.vi import (
    ascii_syllable_kind,
    canonical_tone_style,
    check_syllable,
    split_tone,
    to_tone_style,
    tone_style,
)

VALID = """
người hòa hoà khỏe khoẻ thủy thuỷ thúy thuý quý quỳnh quyết quốc quở già giữa giếng gì gìn giặt giúp giường
hoàn toán huýt tuổi thuở khuyến mía lúa cải ngoài khuỷu xoáy hoặc nghiêng yêu ý uống uyên đáp án số kết quả
là bằng được của cộng trừ nhân chia tính tổng vậy rượu hươu cứu gửi kiểm ghi nghe khuya một hai ba bốn năm
sáu bảy tám chín mười trăm nghìn triệu tỷ phần trăm đồng mét giây phút giờ ngày tháng năm tuổi học sinh lớp
trường bài toán phương trình nghiệm hàm số đạo tích phân xác suất thống kê trung bình cộng diện chu vi thể
tam giác vuông tròn cạnh góc đường thẳng song song vì nên suy ra do đó như thế này những các mỗi từ đến
được chiếc quyển cái con quả táo cam kẹo bánh tiền xe đạp ô tô máy bay nhanh chậm vận tốc quãng thời gian
khoảng cách chiều dài rộng cao sâu nặng nhẹ lít gam ki lô hoạch khuếch huỳnh ngoằn ngoèo toẹt thoắt xoăn
loăng quăng chuyện luyện tuyết khuyết oái oăm ngoẹo Đường ĐÁP ÁN
""".split()

INVALID = {
    "kháí": "tones",
    "ngườí": "tones",
    "gĩữ": "tones",
    "ngừoi": "rhyme",
    "đựoc": "rhyme",
    "quóc": "rhyme",
    "nghành": "spelling",
    "càt": "stop_tone",
    "hôp": "stop_tone",
    "baì": "tone_position",
    "qúy": "tone_position",
    "gìa": "tone_position",
    "ce": "spelling",
    "ngé": "spelling",
    "xtr": "onset",
    "café": "letters",
    "nghiêngggg": "length",
    "": "empty",
}


@pytest.mark.parametrize("word", VALID)
def test_valid_syllables_pass(word):
    assert check_syllable(word) is None, word


@pytest.mark.parametrize(("word", "reason"), list(INVALID.items()))
def test_invalid_syllables_say_why(word, reason):
    assert check_syllable(word) == reason


def test_nfd_input_is_composed_first():
    assert check_syllable(unicodedata.normalize("NFD", "người")) is None


def test_split_tone_reports_the_toned_letter():
    assert split_tone("người") == ("ngươi", 1, 3, 1)
    assert split_tone("kháí")[3] == 2
    assert split_tone("ba") == ("ba", 0, -1, 0)


@pytest.mark.parametrize(
    ("old", "new"),
    [("hòa", "hoà"), ("khỏe", "khoẻ"), ("thủy", "thuỷ"), ("Thúy", "Thuý"), ("HÒA", "HOÀ"), ("lũy", "luỹ"), ("tòa", "toà")],
)
def test_tone_style_conversion_both_ways(old, new):
    assert to_tone_style(old, "new") == new
    assert to_tone_style(new, "old") == old
    assert tone_style(old) == "old" and tone_style(new) == "new"


@pytest.mark.parametrize("word", ["hoàn", "quý", "ngoài", "thuyền", "người", "khuya", "answer", "hoa"])
def test_words_outside_open_glides_are_unchanged(word):
    assert to_tone_style(word, "new") == word and to_tone_style(word, "old") == word
    assert tone_style(word) is None


def test_canonical_tone_style_on_text():
    old = "Hòa bình, khỏe mạnh, thủy điện; quý khách hoàn toàn."
    new = "Hoà bình, khoẻ mạnh, thuỷ điện; quý khách hoàn toàn."
    assert canonical_tone_style(old) == new
    assert canonical_tone_style(new, "old") == old


@pytest.mark.parametrize(
    ("word", "kind"),
    [("answer", 0), ("is", 0), ("hai", 1), ("cho", 1), ("the", 1), ("nguoi", 2), ("duoc", 2), ("dap", 2), ("quoc", 2), ("x", 0)],
)
def test_ascii_syllable_kind(word, kind):
    assert ascii_syllable_kind(word) == kind


VI_CHARS = "aăâeêioôơuưyđbcdghklmnpqrstvx" + "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"


@given(st.text(alphabet=VI_CHARS, min_size=0, max_size=12))
def test_check_syllable_never_raises_and_answers_a_known_reason(word):
    reasons = {"empty", "length", "letters", "tones", "onset", "rhyme", "spelling", "stop_tone", "tone_position"}
    assert check_syllable(word) in reasons | {None}


@given(st.text(alphabet=VI_CHARS, min_size=1, max_size=7))
def test_tone_style_round_trip_keeps_valid_words_valid(word):
    if check_syllable(word) is not None:
        return
    new = to_tone_style(word, "new")
    assert check_syllable(new) is None
    assert to_tone_style(to_tone_style(new, "old"), "new") == new


@given(st.text(max_size=80))
def test_canonical_tone_style_is_idempotent_on_any_text(text):
    text = unicodedata.normalize("NFC", text)
    once = canonical_tone_style(text)
    assert canonical_tone_style(once) == once
    assert len(once) == len(text)
