"""No page or article takes an address the site uses for itself (issue 18, item 7): a page
`Đường dẫn: chuyen-muc` silently replaced the categories' index, and `tim-kiem` crashed the
build. A slug the editor wrote there is an error naming the file and line; one made from a
title moves aside (`-2`)."""

import pytest
from conftest import build

from tintuc.checker import run_check
from tintuc.files import load_settings

from .conftest import PROJECT

SETTINGS = load_settings(PROJECT / "pelicanconf.py")
ARTICLE = ("Tiêu đề: {title}\nNgày đăng: 13/11/2022 21:12\nChuyên mục: Hoạt động Đoàn\n"
           "{extra}\nNội dung.\n")
NORMAL = {"tin-tuc/binh-thuong.md": ARTICLE.format(title="Bài bình thường", extra="Thẻ: Đoàn\n")}

PAGE_SLUGS = ["chuyen-muc", "luu-tru", "the", "tac-gia", "tim-kiem", "trang", "theme", "images",
              "pagefind", "feeds"]
ARTICLE_SLUGS = ["index", "404"]


@pytest.mark.parametrize("slug", PAGE_SLUGS)
def test_a_page_may_not_pin_a_folder_of_the_site(tmp_path, slug):
    files = {**NORMAL, "pages/trang.md": f"Tiêu đề: Trang riêng\nĐường dẫn: {slug}\n\nx\n"}
    site = build(tmp_path, files)
    assert not site.ok
    assert any("pages/trang.md:2: lỗi:" in message and slug in message
               for message in site.errors), site.errors
    problems = [problem for problem in run_check(site.content, SETTINGS).problems
                if problem.is_error]
    assert [(problem.code, problem.line) for problem in problems] == [("reserved-slug", 2)]


@pytest.mark.parametrize("slug", ARTICLE_SLUGS)
def test_an_article_may_not_pin_a_file_of_the_site(tmp_path, slug):
    files = {**NORMAL, "tin-tuc/bai.md": ARTICLE.format(title="Bài", extra=f"Đường dẫn: {slug}\n")}
    site = build(tmp_path, files)
    assert not site.ok
    assert any("tin-tuc/bai.md:4: lỗi:" in message for message in site.errors), site.errors
    problems = [problem for problem in run_check(site.content, SETTINGS).problems
                if problem.is_error]
    assert [(problem.code, problem.line) for problem in problems] == [("reserved-slug", 4)]


def test_a_title_that_slugs_to_a_folder_of_the_site_moves_aside(tmp_path):
    files = {**NORMAL, "pages/the.md": "Tiêu đề: Thẻ\n\nTrang tên là Thẻ.\n",
             "pages/tim-kiem.md": "Tiêu đề: Tìm kiếm\n\nTrang tên là Tìm kiếm.\n",
             "tin-tuc/index.md": ARTICLE.format(title="Index", extra="")}
    site = build(tmp_path, files)
    assert site.ok, site.errors
    assert "Trang tên là Thẻ" in site.read("the-2/index.html")
    assert "Trang tên là Tìm kiếm" in site.read("tim-kiem-2/index.html")
    assert "Trang tên là" not in site.read("the/index.html")
    assert site.html("tim-kiem/index.html").find(attrs={"data-search-status": True}) is not None
    assert "Nội dung" in site.read("index-2.html")
    assert "index-2.html" in site.read("index.html")  # the home page lists it, still the home
