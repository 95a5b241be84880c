import unicodedata

import pytest

from tintuc.text import fold, matches_with_marks_omitted, nfc, slugify, strip_marks


@pytest.mark.parametrize(("title", "slug"), [
    ("Tiếp tục phát huy hiệu quả Đoàn cơ sở “3 chủ động”",
     "tiep-tuc-phat-huy-hieu-qua-doan-co-so-3-chu-dong"),
    ("ĐẠI HỘI ĐOÀN toàn tỉnh", "dai-hoi-doan-toan-tinh"),
    ("Ngày 26/3: kỷ niệm thành lập Đoàn", "ngay-26-3-ky-niem-thanh-lap-doan"),
    ("  --Chữ -- thừa--  ", "chu-thua"),
    ("<chuyển đổi số> & thanh niên", "chuyen-doi-so-thanh-nien"),
])
def test_slugs_are_lowercase_ascii_with_d_folded(title, slug):
    assert slugify(title) == slug
    assert slugify(unicodedata.normalize("NFD", title)) == slug


def test_long_slugs_are_cut_at_a_word():
    slug = slugify("Hội nghị " * 30, max_length=40)
    assert len(slug) <= 40 and not slug.endswith("-") and slug.startswith("hoi-nghi")


def test_fold_strips_marks_and_d_and_case():
    assert fold("  ĐOÀN  Thanh niên ") == "doan thanh nien"
    assert fold(unicodedata.normalize("NFD", "Đảng")) == "dang"
    assert strip_marks("Đoàn") == "Doan"


def test_folding_keeps_one_character_per_letter():
    text = "Đoàn Thanh niên Cao Bằng"
    assert len(strip_marks(text)) == len(text)


def test_nfc_composes_combining_tone_marks():
    assert nfc("e\u0302\u0301") == "ế"
    assert nfc("ê\u0301") == "ế"  # "Unicode tổ hợp": precomposed vowel + tone mark


@pytest.mark.parametrize(("typed", "expected"), [
    ("Tiêu đề", True), ("tiêu đề", True), ("TIÊU ĐỀ", True), ("Tieu de", True),
    ("Tiêu de", True), ("Tieu đề", True), ("Tiêu để", False), ("Tiêu đê", True),
    ("Tiêu", False),
])
def test_marks_may_be_omitted_never_wrong(typed, expected):
    assert matches_with_marks_omitted(typed, "Tiêu đề") is expected
