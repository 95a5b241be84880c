"""The page writer: several cores and the render cache write exactly what one plain process
writes, and a rebuild renders only the pages an edit touches."""

import os
import shutil
from pathlib import Path

import pytest
from conftest import PROJECT, build
from counter_fixtures.logs import GUESTS, Hit, lines_of, vn, write_log
from PIL import Image

from tintuc_plugins import build as builds
from tintuc_plugins.page_writer.collector import is_one_shot
from tintuc_plugins.page_writer.page_store import PageStore

SAMPLE = PROJECT / "content"
BODY_EDITED = "thanh-nien-lap-nghiep/2023-09-21-thanh-nien-bao-lac-nuoi-ong-lay-mat.md"
EDITED_PAGE = "mo-hinh-nuoi-ong-lay-mat-cua-thanh-nien-bao-lac.html"
PHOTO = "images/2023/09/thanh-nien-bao-lac-nuoi-ong.jpg"
PLAIN = {"NEWS_RENDER_CACHE": False, "NEWS_FRESH_OUTPUT": False, "NEWS_READER_CACHE": False,
         "NEWS_WORKERS": 1}


@pytest.fixture(scope="module")
def photo_cache(tmp_path_factory) -> str:
    # Photo variants are cached by content: every build of this module may share them.
    return str(tmp_path_factory.mktemp("photos"))


def page_stats() -> dict:
    """What the page writer did in the last build: pages rendered, reused, …"""
    return builds.last().page_stats


def settings_for(photo_cache: str, tmp_path: Path, **more) -> dict:
    logs = tmp_path / "logs"
    return {
        # The "Mới" badge depends on the clock; pinned, so two builds agree to the byte.
        "NEWS_NEW_DAYS": 0,
        "PHOTOS": {"cache_dir": photo_cache},
        "VISITOR_COUNTER_LOGS": [str(logs / "access.log*")],
        **more,
    }


def test_forked_rendering_writes_the_same_bytes(tmp_path, photo_cache):
    settings = settings_for(photo_cache, tmp_path)
    one = build(tmp_path / "one", SAMPLE, {**settings, **PLAIN})
    two = build(tmp_path / "two", SAMPLE, {**settings, "NEWS_WORKERS": 2,
                                           "NEWS_RENDER_CACHE": False})
    assert one.ok and two.ok, one.messages + two.messages
    written = one.written()
    assert len([name for name in written if name.endswith(".html")]) > 80
    assert two.written() == written


def test_a_template_error_while_rendering_fails_the_build(tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(PROJECT / "theme", theme)
    article = theme / "templates" / "article.html"
    article.write_text(article.read_text().replace(
        "{{ article.content|safe }}", "{{ article.content|safe }}{{ 1 / 0 }}"))
    site = build(tmp_path / "site", SAMPLE, {"THEME": str(theme), "NEWS_WORKERS": 2})
    assert not site.ok


# --- Rebuilds -------------------------------------------------------------------------------

def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_body(root: Path) -> None:
    path = root / "content" / BODY_EDITED
    path.write_text(path.read_text(encoding="utf-8") + "\nĐoạn bổ sung sau khi đăng.\n",
                    encoding="utf-8")


def edit_title(root: Path) -> None:
    _replace(root / "content" / BODY_EDITED, "Tiêu đề: ", "Tiêu đề: Bảo Lạc: ")


def add_article(root: Path) -> None:
    (root / "content" / "hoat-dong-doan" / "2026-11-20-bai-moi.md").write_text(
        "Tiêu đề: Bài mới nhất của chuyên mục\nNgày đăng: 20/11/2026 10:00\n"
        "Chuyên mục: Hoạt động Đoàn\nThẻ: Tình nguyện\nĐường dẫn: bai-moi-nhat\n\n"
        "Nội dung bài mới.\n", encoding="utf-8")


def delete_article(root: Path) -> None:
    (root / "content" / BODY_EDITED).unlink()


def move_category(root: Path) -> None:
    _replace(root / "content" / BODY_EDITED, "Chuyên mục: Thanh niên lập nghiệp",
             "Chuyên mục: Hoạt động Đoàn")


def replace_photo(root: Path) -> None:
    # Same name, other pixels and size: the pages showing it must get the new variants.
    Image.new("RGB", (1000, 800), (200, 30, 30)).save(root / "content" / PHOTO, quality=85)


def change_template(root: Path) -> None:
    _replace(root / "theme" / "templates" / "partials" / "footer.html", "<footer",
             "<!-- giao diện mới -->\n<footer")


def new_visits(root: Path) -> None:
    start = vn("24/11/2026 20:00")
    hits = [Hit(f"203.0.113.{number}", GUESTS[number % len(GUESTS)],
                start.replace(minute=number), "/") for number in range(1, 30)]
    write_log(root / "logs" / "access.log", lines_of(hits))


EDITS = {
    # edit: (how, at most this share of the pages is rendered again)
    "body": (edit_body, 0.25),
    "title": (edit_title, 0.35),
    "new-article": (add_article, 0.6),
    "deleted-article": (delete_article, 0.6),
    "category": (move_category, 0.6),
    "photo": (replace_photo, 0.25),
    "template": (change_template, 1.0),
    "visitor-counter": (new_visits, 0.0),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_rebuild_writes_what_a_clean_build_writes(edit, tmp_path, photo_cache):
    how, share = EDITS[edit]
    root = tmp_path / "site"
    shutil.copytree(PROJECT / "theme", root / "theme")
    settings = settings_for(photo_cache, root, THEME=str(root / "theme"))
    write_log(root / "logs" / "access.log", lines_of(
        [Hit("203.0.113.99", GUESTS[0], vn("24/11/2026 19:00"), "/")]))
    first = build(root, SAMPLE, settings)
    assert first.ok, first.messages
    pages = page_stats()["rendered"]
    # A cold build renders every page; one page may be another's twin (the documents
    # register's front page is its newest year's page), taken from what this build stored.
    twins = page_stats()["reused"]
    assert pages > 150 and twins <= 1

    unchanged = build(root, root / "content", settings, copy=False)
    assert unchanged.ok and page_stats()["rendered"] == 0
    assert page_stats()["reused"] == pages + twins

    how(root)
    rebuilt = build(root, root / "content", settings, copy=False)
    assert rebuilt.ok, rebuilt.messages
    rendered = page_stats()["rendered"]
    assert rendered <= share * pages, (rendered, pages)
    if edit != "visitor-counter":
        assert rendered > 0
    assert not (root / "cache" / "previous-output").exists()

    clean = build(tmp_path / "clean", root / "content", {**settings, **PLAIN})
    assert clean.ok, clean.messages
    assert rebuilt.written() == clean.written()


def test_a_body_edit_re_renders_only_the_list_pages_that_show_the_article(tmp_path,
                                                                          photo_cache):
    # 60 articles of one category and tag, 5 a page: 12 pages per list. Editing the body of
    # the oldest re-renders the last page of each list, not the 11 others (the paginator and
    # the neighbouring pages count by which articles they hold, docs/decisions.md).
    articles = {
        f"hoat-dong-doan/bai-{number:02d}.md":
            f"Tiêu đề: Bài số {number} của chuyên mục\n"
            f"Ngày đăng: {1 + number % 28:02d}/{1 + number // 28:02d}/2024 08:00\n"
            "Chuyên mục: Hoạt động Đoàn\nThẻ: Tình nguyện\n\n"
            f"Nội dung bài số {number}.\n"
        for number in range(60)}
    root = tmp_path / "site"
    settings = settings_for(photo_cache, root, DEFAULT_PAGINATION=5)
    assert build(root, articles, settings).ok
    pages = page_stats()["rendered"]
    oldest = root / "content" / "hoat-dong-doan" / "bai-00.md"
    oldest.write_text(oldest.read_text(encoding="utf-8") + "\nĐoạn thêm.\n", encoding="utf-8")
    assert build(root, root / "content", settings, copy=False).ok
    # The article, its newer neighbours, and one page of each list it is on.
    assert 0 < page_stats()["rendered"] <= 25 < pages


def test_unchanged_files_are_moved_back_not_written_again(tmp_path, photo_cache):
    root = tmp_path / "site"
    settings = settings_for(photo_cache, root)
    assert build(root, SAMPLE, settings).ok
    kept = root / "output" / "index.html"
    edited = root / "output" / "mo-hinh-nuoi-ong-lay-mat-cua-thanh-nien-bao-lac.html"
    before = {path: path.stat().st_ino for path in (kept, edited)}
    edit_body(root)
    assert build(root, root / "content", settings, copy=False).ok
    assert kept.stat().st_ino == before[kept]
    assert edited.stat().st_ino != before[edited]
    assert "Đoạn bổ sung" in edited.read_text(encoding="utf-8")


def test_an_output_file_changed_by_hand_is_made_again(tmp_path, photo_cache):
    # Unchanged pages are moved back by what the last build noted of them (inputs, size,
    # time) without being read: a file touched since is compared, and written again.
    root = tmp_path / "site"
    settings = settings_for(photo_cache, root)
    first = build(root, SAMPLE, settings)
    assert first.ok
    expected = first.written()
    page = root / "output" / "index.html"
    original = page.read_bytes()
    page.write_bytes(original.replace(b"</body>", b"<p>sua tay</p></body>"))
    same_size = root / "output" / EDITED_PAGE
    text = same_size.read_bytes()
    same_size.write_bytes(text.replace(b"<html", b"<HTML", 1))
    os.utime(same_size, ns=(same_size.stat().st_atime_ns, same_size.stat().st_mtime_ns + 10**9))
    again = build(root, root / "content", settings, copy=False)
    assert again.ok
    assert again.written() == expected
    assert (root / "cache" / "previous-output.ledger").is_file()


def test_unchanged_folders_are_moved_back_whole_and_only_when_untouched(tmp_path,
                                                                        photo_cache):
    root = tmp_path / "site"
    settings = settings_for(photo_cache, root)
    first = build(root, SAMPLE, settings)
    assert first.ok
    expected = first.written()
    output = root / "output"
    folders = sorted(path for path in (output / "the").iterdir() if path.is_dir())
    assert len(folders) >= 3
    kept, extra, touched = folders[:3]
    inodes = {folder: folder.stat().st_ino for folder in (kept, extra, touched)}
    (extra / "ghi-tay.txt").write_text("không thuộc bản dựng", encoding="utf-8")
    page = touched / "index.html"
    page.write_bytes(page.read_bytes().replace(b"<html", b"<HTML", 1))
    os.utime(page, ns=(page.stat().st_atime_ns, page.stat().st_mtime_ns + 10**9))
    again = build(root, root / "content", settings, copy=False)
    assert again.ok
    # Exactly the clean output: the stray file gone, the touched page made again.
    assert again.written() == expected
    assert kept.stat().st_ino == inodes[kept]
    assert extra.stat().st_ino != inodes[extra] and touched.stat().st_ino != inodes[touched]


def test_a_stale_page_in_the_cache_is_never_served_for_other_inputs(tmp_path, photo_cache):
    root = tmp_path / "site"
    settings = settings_for(photo_cache, root)
    assert build(root, SAMPLE, settings).ok
    # Garbage in the cache under every key of this build: a key that matched other inputs
    # would put it in the output.
    store = PageStore(root / "cache" / "rendered-pages")
    assert len(store.stored()) > 80
    for key in store.stored():
        store.store(key, "<p>trang cũ</p>")
    store.close()
    edit_title(root)
    site = build(root, root / "content", settings, copy=False)
    assert site.ok
    assert "Bảo Lạc: " in site.read(EDITED_PAGE)
    assert "trang cũ" not in site.read(EDITED_PAGE)
    assert "Bảo Lạc: " in site.read("chuyen-muc/thanh-nien-lap-nghiep/index.html")


def test_a_failed_build_leaves_no_reused_output_behind(tmp_path, photo_cache):
    root = tmp_path / "site"
    settings = settings_for(photo_cache, root)
    assert build(root, SAMPLE, settings).ok
    broken = root / "content" / BODY_EDITED
    _replace(broken, "Ngày đăng: ", "Ngày đăng: 31/02/2023 ")
    assert not build(root, root / "content", settings, copy=False).ok
    _replace(broken, "Ngày đăng: 31/02/2023 ", "Ngày đăng: ")
    again = build(root, root / "content", settings, copy=False)
    assert again.ok and not (root / "cache" / "previous-output").exists()
    clean = build(tmp_path / "clean", root / "content", {**settings, **PLAIN})
    assert again.written() == clean.written()


def test_relative_urls_render_every_page_with_its_live_blocks(tmp_path, photo_cache):
    site = build(tmp_path / "site", SAMPLE,
                 {**settings_for(photo_cache, tmp_path), "RELATIVE_URLS": True})
    assert site.ok, site.messages
    pages = site.files()
    assert page_stats()["reused"] <= 1 and page_stats()["rendered"] > 150
    for page in pages:
        text = site.read(page)
        assert "<!--live-block" not in text
    assert site.html("the/thieu-nhi/index.html").select_one("section.counter") is not None


@pytest.mark.parametrize(("argv", "one_shot"), [
    (["/srv/.venv/bin/pelican", "content", "-s", "pelicanconf.py", "-o", "out"], True),
    (["pelican", "content", "--fatal", "errors", "-e", "CACHE_PATH=\"c\""], True),
    (["pelican", "content", "--autoreload"], False),
    (["pelican", "content", "-rl"], False),
    (["pelican", "--listen"], False),
    (["/usr/bin/pytest", "tests"], False),
    ([], False),
])
def test_only_a_one_shot_pelican_command_leaves_its_objects_to_the_exit(argv, one_shot):
    assert is_one_shot(argv) is one_shot
