"""Attached files under articles and the register of documents (issue 17): real builds, and
the register's filter in real Chromium."""

import pytest
from browser import axe_violations, chromium, require, serve
from conftest import PROJECT, build

from tintuc.checker import run_check
from tintuc.documents import kind_of, linked_files, size_text
from tintuc.files import load_settings

CHECK_SETTINGS = load_settings(PROJECT / "pelicanconf.py")
BASE = {"SEARCH_INDEX": {"enabled": False}, "NEWS_NEW_DAYS": 0}
PDF = b"%PDF-1.4\n" + b"x" * 250_000
DOCX = b"PK\x03\x04" + b"y" * 2_000_000


def document(title: str, slug: str, number: str, kind: str, issued: str, **more: str) -> str:
    keys = {"Số hiệu": number, "Loại văn bản": kind, "Ngày ban hành": issued, **more}
    return (f"Tiêu đề: {title}\nNgày đăng: {issued} 09:00\nChuyên mục: Hoạt động Đoàn\n"
            f"Đường dẫn: {slug}\n" + "".join(f"{key}: {value}\n" for key, value in keys.items())
            + "\nNội dung văn bản.\n")


def test_the_pure_parts():
    assert [kind_of(name) for name in ("a.PDF", "b.docx", "c.xlsx", "d.jpg", "e")] == [
        "PDF", "Word", "Excel", None, None]
    assert size_text(250_000) == "244 KB" and size_text(2_000_004) == "1,9 MB"
    assert size_text(10) == "1 KB"
    assert linked_files('<p><a href="{attach}a.pdf">Kế <em>hoạch</em></a> '
                        "<a href='https://x/y.pdf'>ngoài</a> <a href=\"|static|b.doc\">b</a>") \
        == [("{attach}a.pdf", "Kế hoạch"), ("|static|b.doc", "b")]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    files = {
        "tin/bai.md": "Tiêu đề: Hội nghị có tài liệu\nNgày đăng: 01/03/2025\nChuyên mục: Hoạt "
                      "động Đoàn\nĐường dẫn: hoi-nghi\n\nMở đầu.\n\n"
                      "Tải [báo cáo tổng kết]({attach}bao-cao.pdf), xem ảnh "
                      "![Hội nghị]({static}/images/anh.png) và [quyết định]"
                      "({static}/images/quyet-dinh.docx). Nhắc lại: [báo cáo]({attach}"
                      "bao-cao.pdf).\n",
        "tin/bao-cao.pdf": PDF,
        "images/quyet-dinh.docx": DOCX,
        "images/anh.png": (PROJECT / "content" / "images" / "logo.png").read_bytes(),
        "images/van-ban/kh-12.pdf": PDF,
        "van-ban/kh-12.md": document("Kế hoạch Tháng Thanh niên 2025", "kh-12", "12-KH/TĐTN",
                                     "Kế hoạch", "15/02/2025", **{
                                         "Ngày hiệu lực": "20/02/2025",
                                         "Tệp văn bản": "{static}/images/van-ban/kh-12.pdf"}),
        "van-ban/cv-3.md": document("Công văn về Đại hội", "cv-3", "3-CV/TĐTN", "Công văn",
                                    "10/01/2025"),
        "van-ban/nq-1.md": document("Nghị quyết năm trước", "nq-1", "1-NQ/TĐTN", "Nghị quyết",
                                    "05/12/2024"),
    }
    built = build(tmp_path_factory.mktemp("documents"), files, BASE)
    assert built.ok, built.messages
    return built


def test_an_article_lists_the_documents_it_links_with_kind_and_size(site):
    page = site.html("hoi-nghi.html")
    items = [(item.a.get_text(), item.a["href"], item.find(class_="file-meta").get_text())
             for item in page.select(".attachments li")]
    assert items == [("báo cáo tổng kết", "/bao-cao.pdf", "(PDF, 244 KB)"),
                     ("quyết định", "/images/quyet-dinh.docx", "(Word, 1,9 MB)")]
    assert site.exists("bao-cao.pdf") and site.exists("images/quyet-dinh.docx")
    assert site.html("cv-3.html").find(class_="attachments") is None


def test_a_document_shows_its_card_and_its_file(site):
    page = site.html("kh-12.html")
    card = dict(zip([dt.get_text() for dt in page.select(".document-card dt")],
                    [dd.get_text() for dd in page.select(".document-card dd")], strict=True))
    assert card == {"Số hiệu": "12-KH/TĐTN", "Loại văn bản": "Kế hoạch",
                    "Ngày ban hành": "15/02/2025", "Ngày hiệu lực": "20/02/2025"}
    assert page.select_one(".attachments a")["href"] == "/images/van-ban/kh-12.pdf"


def test_the_register_lists_a_year_a_page_newest_issued_first(site):
    newest = site.html("van-ban/index.html")
    rows = [[cell.get_text(" ", strip=True) for cell in row.find_all("td")]
            for row in newest.select("table.documents tbody tr")]
    assert [row[:2] for row in rows] == [["12-KH/TĐTN", "15/02/2025"],
                                         ["3-CV/TĐTN", "10/01/2025"]]
    assert rows[0][4] == "PDF, 244 KB"
    assert [tr["data-kind"] for tr in newest.select("table.documents tbody tr")] == [
        "Kế hoạch", "Công văn"]
    # The newest year's own page is the front page again, which is its canonical address.
    assert site.read("van-ban/2025/index.html") == site.read("van-ban/index.html")
    older = site.html("van-ban/2024/index.html")
    assert [a.get_text() for a in older.select(".document-years a")] == ["2025"]
    assert "1-NQ/TĐTN" in older.select_one("table.documents").get_text()
    assert site.html("index.html").select_one('.site-nav a[href="/van-ban/"]') is not None


def test_check_refuses_a_document_with_a_bad_date_or_file(tmp_path):
    content = tmp_path / "content" / "van-ban"
    content.mkdir(parents=True)
    (content / "a.md").write_text(document("A", "a", "1", "Kế hoạch", "31/02/2025"),
                                  encoding="utf-8")
    (content / "b.md").write_text(document("B", "b", "2", "Kế hoạch", "01/02/2025", **{
        "Tệp văn bản": "{static}/../../khoa.pem"}), encoding="utf-8")
    problems = run_check(tmp_path / "content", CHECK_SETTINGS).problems
    assert sorted((problem.path.rsplit("/", 1)[-1], problem.code) for problem in problems
                  if problem.is_error) == [("a.md", "bad-date"), ("a.md", "bad-issued"),
                                           ("b.md", "bad-document_file")]


@pytest.mark.browser
def test_the_register_filters_by_kind_and_text_in_the_browser(site):
    require(True, "")
    with serve(site.output) as base, chromium() as browser:
        page = browser.new_page()
        page.goto(base + "van-ban/")
        shown = "() => [...document.querySelectorAll('table.documents tbody tr')]" \
                ".filter(row => !row.hidden).map(row => row.cells[0].textContent)"
        assert page.evaluate(shown) == ["12-KH/TĐTN", "3-CV/TĐTN"]
        page.select_option("#loai-van-ban", "Công văn")
        assert page.evaluate(shown) == ["3-CV/TĐTN"]
        page.select_option("#loai-van-ban", "")
        page.fill("#tim-van-ban", "thang thanh nien")  # without marks, as people type
        assert page.evaluate(shown) == ["12-KH/TĐTN"]
        assert axe_violations(page) == []
        page.goto(base + "van-ban/?loai=C%C3%B4ng%20v%C4%83n")
        assert page.evaluate(shown) == ["3-CV/TĐTN"]
