"""`invoke new`'s logic (tintuc/new_article.py): the template, the path, the category."""

import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import build

from tintuc.checker import check_folder
from tintuc.dates import VIETNAM
from tintuc.files import load_settings
from tintuc.frontmatter import read_source
from tintuc.new_article import NewArticleError, build_article, choose_category, create_article

PROJECT = Path(__file__).resolve().parents[1]
SETTINGS = load_settings(PROJECT / "pelicanconf.py")
CATEGORIES = SETTINGS["NEWS_CATEGORIES"]
MOMENT = datetime(2026, 3, 26, 7, 5, tzinfo=VIETNAM)


def test_the_template_holds_every_key_an_editor_fills():
    article = build_article("Kỷ niệm 95 năm Ngày thành lập Đoàn", "Hoạt động Đoàn", MOMENT)
    assert article.text == (
        "Tiêu đề: Kỷ niệm 95 năm Ngày thành lập Đoàn\n"
        "Ngày đăng: 26/03/2026 07:05\n"
        "Chuyên mục: Hoạt động Đoàn\n"
        "Sự kiện:\n"
        "Tác giả:\n"
        "Thẻ:\n"
        "Ảnh đại diện:\n"
        "Chú thích ảnh:\n"
        "Nguồn tin:\n"
        "Đường dẫn: ky-niem-95-nam-ngay-thanh-lap-doan\n"
        "Trạng thái: công bố\n"
        "Nổi bật: không\n"
        "Hết hạn:\n"
        "Đường dẫn cũ:\n"
        "\n"
    )
    assert article.path == Path("hoat-dong-doan/2026-03-26-ky-niem-95-nam-ngay-thanh-lap-doan.md")


def test_the_template_reads_back_without_a_problem():
    article = build_article("Đoàn cơ sở “3 chủ động”: kết quả", "Chuyển đổi số", MOMENT)
    document = read_source(article.text.encode("utf-8"), "bai.md")
    assert document.problems == []
    assert document.get("title") == "Đoàn cơ sở “3 chủ động”: kết quả"
    assert document.get("date") == MOMENT
    assert document.get("slug") == "doan-co-so-3-chu-dong-ket-qua"
    assert document.get("status") == "published" and document.get("featured") is False
    # Keys the template leaves empty are simply not given.
    assert document.get("tags") is None and document.get("authors") is None
    assert "summary" not in document.fields  # an empty lead would hide the first paragraph


def test_the_date_is_the_time_in_vietnam_whatever_the_clock():
    late_utc = datetime(2026, 3, 25, 20, 30, tzinfo=UTC)  # already 26/03 in Vietnam
    article = build_article("Tin", "Hoạt động Đoàn", late_utc)
    assert "Ngày đăng: 26/03/2026 03:30\n" in article.text
    assert article.path.name.startswith("2026-03-26-")


def test_the_title_is_tidied_and_nfc():
    typed = "  " + unicodedata.normalize("NFD", "Hội nghị   Ban Chấp hành") + " \n"
    article = build_article(typed, "Hoạt động Đoàn", MOMENT)
    assert article.text.startswith("Tiêu đề: Hội nghị Ban Chấp hành\n")
    assert unicodedata.is_normalized("NFC", article.text)


@pytest.mark.parametrize("title", ["", "   ", "--help", "-c", "!!! ???"])
def test_titles_that_make_no_article_are_refused(title):
    with pytest.raises(NewArticleError):
        build_article(title, "Hoạt động Đoàn", MOMENT)


@pytest.mark.parametrize(("typed", "chosen"), [
    (None, "Hoạt động Đoàn"), ("", "Hoạt động Đoàn"),
    ("Chuyển đổi số", "Chuyển đổi số"), ("chuyen doi so", "Chuyển đổi số"),
    ("CHUYỂN ĐỔI SỐ", "Chuyển đổi số"), ("chuyen-doi-so", "Chuyển đổi số"),
    ("tình nguyện", "Phong trào tình nguyện"), ("Doi TNTP", "Đội TNTP Hồ Chí Minh"),
])
def test_the_category_is_found_however_it_is_typed(typed, chosen):
    assert choose_category(typed, CATEGORIES) == chosen


@pytest.mark.parametrize(("typed", "categories"), [
    ("Tin tức chung", CATEGORIES), ("Đoàn Thanh niên", CATEGORIES),
    ("tin", ["Tin Đoàn", "Tin Đội"]),
])
def test_an_unknown_or_ambiguous_category_is_refused_with_the_list(typed, categories):
    with pytest.raises(NewArticleError) as caught:
        choose_category(typed, categories)
    assert "; ".join(categories) in str(caught.value)


def test_without_a_configured_list_any_category_is_taken():
    assert choose_category("Tin tức chung", []) == "Tin tức chung"
    with pytest.raises(NewArticleError):
        choose_category("", [])


def test_an_existing_file_is_never_overwritten(tmp_path):
    path = create_article(tmp_path, "Tin mới", "Hoạt động Đoàn", CATEGORIES, now=MOMENT)
    path.write_text("Bài đã viết.", encoding="utf-8")
    with pytest.raises(NewArticleError) as caught:
        create_article(tmp_path, "Tin mới", "Hoạt động Đoàn", CATEGORIES, now=MOMENT)
    assert "không ghi đè" in str(caught.value) and path.name in str(caught.value)
    assert path.read_text(encoding="utf-8") == "Bài đã viết."


def heading(site, page: str) -> str:
    # typogrify's widont joins the last two words with a no-break space.
    return site.html(page).h1.get_text(strip=True).replace("\xa0", " ")


def test_new_then_check_then_build_and_the_url_stays_when_the_title_changes(tmp_path):
    content = tmp_path / "content"
    path = create_article(content, "Tuổi trẻ Cao Bằng ra quân “Chủ nhật xanh”",
                          "van hoa the thao", CATEGORIES, now=MOMENT)
    assert path == (content / "van-hoa-the-thao"
                    / "2026-03-26-tuoi-tre-cao-bang-ra-quan-chu-nhat-xanh.md")
    assert check_folder(content, SETTINGS) == []
    first = build(tmp_path / "first", content)
    assert first.ok and first.errors == [] and first.warnings == []
    page = "tuoi-tre-cao-bang-ra-quan-chu-nhat-xanh.html"
    assert heading(first, page) == "Tuổi trẻ Cao Bằng ra quân “Chủ nhật xanh”"

    text = path.read_text(encoding="utf-8").replace("ra quân “Chủ nhật xanh”", "dọn rác bờ sông")
    path.write_text(text + "Nội dung bài.\n", encoding="utf-8")
    second = build(tmp_path / "second", content)
    assert second.ok
    assert heading(second, page) == "Tuổi trẻ Cao Bằng dọn rác bờ sông"
