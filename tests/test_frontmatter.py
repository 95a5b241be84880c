"""The front-matter parser on its own: no Pelican, one case per test."""

import unicodedata

import pytest
from conftest import SCENARIOS

from tintuc.frontmatter import (
    PAGE_REQUIRED,
    closest_key,
    find_key,
    guess_legacy_encoding,
    read_source,
)

HEADER = "Tiêu đề: Tin\nNgày đăng: 13/11/2022 21:12\nChuyên mục: Hoạt động Đoàn\n"


def parse(text: str, **kwargs):
    return read_source(text.encode("utf-8"), "bai.md", **kwargs)


def codes(document):
    return [(problem.line, problem.code) for problem in document.problems]


@pytest.mark.parametrize(("typed", "name"), [
    ("Tiêu đề", "title"), ("tiêu đề", "title"), ("Tieu de", "title"), ("TIÊU ĐỀ", "title"),
    ("Title", "title"), ("Ngày", "date"), ("Ngay dang", "date"), ("Date", "date"),
    ("Chuyên mục", "category"), ("Ngày cập nhật", "modified"), ("Modified", "modified"),
    ("Thẻ", "tags"), ("Từ khóa", "tags"), ("Từ khoá", "tags"), ("Tags", "tags"),
    ("Tác giả", "authors"), ("Author", "authors"), ("Authors", "authors"),
    ("Nguồn", "source"), ("Nguồn tin", "source"), ("Tóm tắt", "summary"),
    ("Mô tả", "summary"), ("Ảnh đại diện", "image"), ("Ảnh", "image"),
    ("Chú thích ảnh", "image_caption"), ("Image_caption", "image_caption"),
    ("image caption", "image_caption"), ("Đường dẫn", "slug"), ("Slug", "slug"),
    ("Trạng thái", "status"), ("Nổi bật", "featured"), ("Đường dẫn cũ", "legacy_urls"),
    ("Legacy_url", "legacy_urls"),
    (unicodedata.normalize("NFD", "Tiêu đề"), "title"),
])
def test_every_key_of_the_contract_in_every_spelling(typed, name):
    assert find_key(typed).name == name


@pytest.mark.parametrize(("typed", "suggestion"), [
    ("Tiêu để", "Tiêu đề"), ("Chuyen mucc", "Chuyên mục"), ("Titel", "Title"),
    ("Ngay dag", "Ngày đăng"),
])
def test_unknown_keys_suggest_the_closest(typed, suggestion):
    assert find_key(typed) is None
    assert closest_key(typed) == suggestion


def test_unfenced_header_ends_at_first_blank_line():
    document = parse(HEADER + "\nThân bài: có dấu hai chấm nhưng là nội dung.\n")
    assert document.get("title") == "Tin"
    assert document.body.startswith("Thân bài:")
    assert document.body_line == 5
    assert document.problems == []


def test_fenced_header_may_hold_blank_lines():
    document = parse("---\nTiêu đề: Tin\n\nNgày: 13/11/2022\nChuyên mục: A\n---\nThân bài\n")
    assert document.get("category") == "A"
    assert document.body == "Thân bài\n"
    assert document.problems == []


def test_continuation_lines_join_the_previous_value():
    document = parse(HEADER + "Tóm tắt: dòng một,\n   dòng hai\n\tdòng ba\n\nThân\n")
    assert document.get("summary") == "dòng một, dòng hai dòng ba"


def test_values_are_plain_text_never_typed():
    document = parse(HEADER + "Nguồn tin: 1.0\nTóm tắt: no\n\nThân\n")
    assert document.get("source") == "1.0"
    assert document.get("summary") == "no"


def test_comma_lists_are_trimmed_and_deduplicated():
    document = parse(HEADER + "Thẻ: Đoàn viên,  Thanh niên , đoàn viên,, \nTác giả: A, B\n\nx\n")
    assert document.get("tags") == ["Đoàn viên", "Thanh niên"]
    assert document.get("authors") == ["A", "B"]


@pytest.mark.parametrize(("typed", "status"), [
    ("công bố", "published"), ("Cong bo", "published"), ("nháp", "draft"), ("NHAP", "draft"),
    ("ẩn", "hidden"), ("an", "hidden"), ("draft", "draft"), ("hidden", "hidden"),
])
def test_statuses(typed, status):
    assert parse(HEADER + f"Trạng thái: {typed}\n\nx\n").get("status") == status


@pytest.mark.parametrize(("typed", "value"), [("có", True), ("co", True), ("không", False),
                                               ("Khong", False), ("yes", True)])
def test_featured_yes_no(typed, value):
    assert parse(HEADER + f"Nổi bật: {typed}\n\nx\n").get("featured") is value


def test_slug_given_is_made_a_slug():
    assert parse(HEADER + "Đường dẫn: Đại hội Đoàn\n\nx\n").get("slug") == "dai-hoi-doan"


def test_slug_given_is_never_cut():
    long_slug = "-".join(["thanh-nien-tinh-nguyen"] * 8)
    assert parse(HEADER + f"Đường dẫn: {long_slug}\n\nx\n").get("slug") == long_slug


def test_missing_required_keys_each_reported_at_the_end_of_the_header():
    document = parse("Tác giả: A\nNguồn: B\n\nThân\n")
    assert codes(document) == [(2, "missing-title"), (2, "missing-date"),
                               (2, "missing-category")]
    assert "thiếu khóa bắt buộc “Tiêu đề”" in str(document.problems[0])
    assert str(document.problems[0]).startswith("bai.md:2: lỗi:")


def test_pages_need_only_a_title():
    assert parse("Tiêu đề: Giới thiệu\n\nx\n", required=PAGE_REQUIRED).problems == []


def test_a_file_without_header_lacks_everything():
    document = parse("Chỉ có nội dung thôi.\n")
    assert [code for _, code in codes(document)] == ["missing-title", "missing-date",
                                                      "missing-category"]


@pytest.mark.parametrize(("header", "line", "code"), [
    ("Tiêu đề: \nNgày: 13/11/2022\nChuyên mục: A\n", 1, "empty-title"),
    ("Tiêu đề: A\nNgày: 31/02/2022\nChuyên mục: A\n", 2, "bad-date"),
    ("Tiêu đề: A\nNgày: Thứ hai - 13/11/2022\nChuyên mục: A\n", 2, "bad-date"),
    ("Tiêu đề: A\nNgày: \nChuyên mục: A\n", 2, "empty-date"),
    ("Tiêu đề: A\nNgày: 13/11/2022\nChuyên mục: A\nCập nhật: mai\n", 4, "bad-modified"),
    ("Tiêu đề: A\nNgày: 13/11/2022\nChuyên mục: A\nTrạng thái: xong\n", 4, "bad-status"),
    ("Tiêu đề: A\nNgày: 13/11/2022\nChuyên mục: A\nNổi bật: hơi\n", 4, "bad-featured"),
    ("Tiêu đề: A\nNgày: 13/11/2022\nChuyên mục:\n", 3, "empty-category"),
    ("Tiêu đề: A\nNgày: 13/11/2022\nChuyên mục: A\nĐường dẫn: ???\n", 4, "bad-slug"),
    ("Tiêu đề: A\nNgày: 13/11/2022\ncâu văn không khóa\nChuyên mục: A\n", 3,
     "not-a-key-line"),
])
def test_each_error_names_its_line(header, line, code):
    document = parse(header + "\nThân\n")
    assert (line, code) in codes(document)
    assert document.has_errors


def test_unclosed_fence():
    assert codes(parse("---\n" + HEADER + "\nThân\n"))[0] == (1, "unclosed-fence")


def test_unknown_key_is_a_warning_with_suggestion():
    document = parse(HEADER + "Tiêu để: khác\n\nx\n")
    (problem,) = document.problems
    assert (problem.line, problem.code, problem.level) == (4, "unknown-key", "warning")
    assert "“Tiêu để”" in problem.message and "“Tiêu đề”" in problem.hint
    assert not document.has_errors


def test_duplicate_key_warns_and_keeps_the_later():
    document = parse(HEADER + "Tiêu đề: Tin mới\n\nx\n")
    assert document.get("title") == "Tin mới"
    assert codes(document) == [(4, "duplicate-key")]


def test_bom_crlf_and_nfd_read_like_plain_nfc():
    plain = parse(HEADER + "\nThân bài Đoàn\n")
    for variant in (
        b"\xef\xbb\xbf" + (HEADER + "\nThân bài Đoàn\n").encode(),
        (HEADER + "\nThân bài Đoàn\n").replace("\n", "\r\n").encode(),
        unicodedata.normalize("NFD", HEADER + "\nThân bài Đoàn\n").encode(),
    ):
        document = read_source(variant, "bai.md")
        assert document.fields == plain.fields
        assert document.body == plain.body


def test_not_utf8_names_the_line_and_likely_encoding():
    data = (HEADER + "\nThân bài\n").encode("utf-8") + "Tiêu đề".encode("utf-16-le")
    document = read_source(b"Ti\xeau \xf0\xec: x\n" + data, "cu.md")
    (problem,) = document.problems
    assert (problem.line, problem.code) == (1, "not-utf8")
    assert "Windows-1258" in problem.message and "UTF-8" in problem.hint


def test_guess_legacy_encoding():
    saved_in_windows_1258 = SCENARIOS / "reader_errors" / "not-utf8-windows-1258.md"
    assert guess_legacy_encoding(saved_in_windows_1258.read_bytes()) == "Windows-1258"
    assert guess_legacy_encoding(b"\xa7o\xb5n thanh ni\xaan") == "TCVN3 (ABC)"
    assert guess_legacy_encoding(b"plain ascii") is None


def test_an_empty_optional_key_is_not_given():
    document = parse(HEADER + "Tóm tắt:\nThẻ:\nCập nhật:\nTrạng thái:\n\nThân\n")
    assert document.problems == []
    assert all(name not in document.fields for name in ("summary", "tags", "modified", "status"))


def test_an_open_fence_is_one_error_not_four():
    assert codes(parse("---\nTác giả: A\n\nThân\n")) == [(1, "unclosed-fence")]
