"""Our page writer and its caches against Pelican's own Writer, file for file (issue 15).

The page writer renders a page only when what it shows changed, on every core, and keeps
unchanged output files. A fast build that can be silently wrong is a defect: so every build
here is compared, byte for byte and file for file, with a build of the same content and
settings by Pelican's own `Writer`, one process, no cache of any kind (the reference). Ours
runs cold, warm, and after every kind of edit an editor or a theme author makes, one after
another on one working copy, as a site lives; and under themes written the way the writer's
keys used to forbid (a listing reading the whole list, or an item's neighbours).
"""

import shutil
from pathlib import Path

import pytest
from conftest import PROJECT, SCENARIOS, build
from pelican.settings import read_settings

from tintuc_plugins.page_writer import writer

EVERY_FEATURE = SCENARIOS / "every_feature"
CATEGORY = "hoat-dong-doan"
# Pinned: the "Mới" badge and the visitor counter read the clock.
COMMON = {"NEWS_NEW_DAYS": 0, "SEARCH_INDEX": {"enabled": False}, "DEFAULT_PAGINATION": 3,
          "NEWS_BUILD_TIME": "30/11/2022 12:00"}
PLUGINS = read_settings(str(PROJECT / "pelicanconf.py"))["PLUGINS"]
WITHOUT_OUR_WRITER = [name for name in PLUGINS if name != "tintuc_plugins.page_writer"]
REFERENCE = {"PLUGINS": WITHOUT_OUR_WRITER, "REQUIRED_PLUGINS": WITHOUT_OUR_WRITER,
             "NEWS_READER_CACHE": False, "NEWS_WORKERS": 1, "NEWS_RENDER_CACHE": False,
             "NEWS_FRESH_OUTPUT": False, "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False}
OURS = {"NEWS_WORKERS": 2}


@pytest.fixture
def forking(monkeypatch):
    """Our writer forks for a handful of pages, as it does for thousands on a real site."""
    monkeypatch.setattr(writer, "MINIMUM_PAGES_PER_PROCESS", 1)


class Site:
    """A working copy (content and theme) built by our writer again and again, and compared
    each time with a fresh reference build of the same files."""

    def __init__(self, root: Path, content: Path, photos: Path, settings: dict):
        self.root = root
        self.content = root / "content"
        self.theme = root / "theme"
        shutil.copytree(content, self.content)
        shutil.copytree(PROJECT / "theme", self.theme)
        self.settings = {**COMMON, "THEME": str(self.theme),
                         "PHOTOS": {"cache_dir": str(photos)}, **settings}
        self.references = 0

    def build(self, **more):
        site = build(self.root, self.content, {**self.settings, **OURS, **more}, copy=False)
        assert site.ok, site.messages
        return site

    def reference(self, **more):
        self.references += 1
        folder = self.root.parent / f"{self.root.name}-reference-{self.references}"
        site = build(folder, self.content, {**self.settings, **REFERENCE, **more})
        assert site.ok, site.messages
        return site

    def same_as_reference(self, when: str, **more) -> None:
        ours = self.build(**more).written()
        theirs = self.reference(**more).written()
        assert len(theirs) > 20
        differing = sorted(name for name in set(ours) | set(theirs)
                           if ours.get(name) != theirs.get(name))
        assert not differing, f"{when}: {differing[:10]}"

    def article(self, name: str) -> Path:
        return self.content / CATEGORY / name

    def replace(self, path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text, (path, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def template(self, name: str) -> Path:
        return self.theme / "templates" / name


@pytest.fixture(scope="module")
def photos(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("photos")


# --- The two ways it went wrong (issue 15) ---------------------------------------------------

def test_a_theme_reading_the_whole_list_never_shows_a_stale_title(tmp_path, photos, forking):
    """`{{ articles[0].title }}` on category pages: after the newest article's title is
    edited, pages 2-5 showed the old one."""
    site = Site(tmp_path / "site", EVERY_FEATURE, photos, {})
    site.replace(site.template("category.html"), "{% block content %}",
                 "{% block content %}<p class=\"newest\">{{ articles[0].title }}</p>")
    site.same_as_reference("cold")
    site.replace(site.article("2022-11-20-van-ban.md"), "Tiêu đề: Kế hoạch",
                 "Tiêu đề: Bản sửa: Kế hoạch")
    site.same_as_reference("after the title of the newest article changed")
    page = (site.root / "output" / "chuyen-muc" / CATEGORY / "trang" / "3" / "index.html")
    assert "Bản sửa: Kế hoạch" in page.read_text(encoding="utf-8")


def test_an_attach_link_moves_its_file_when_pages_render_in_other_processes(tmp_path, photos,
                                                                             forking):
    """With NEWS_WORKERS=2 and no render cache, Pelican's `{attach}` step ran in a child and
    was lost: the file stayed put while the page linked where it should have gone."""
    site = Site(tmp_path / "site", EVERY_FEATURE, photos, {"NEWS_RENDER_CACHE": False})
    site.same_as_reference("cold, no render cache")
    output = site.root / "output"
    assert (output / "van-ban.pdf").is_file()
    assert 'href="/van-ban.pdf"' in (output / "ke-hoach-co-van-ban.html").read_text()


# --- Every kind of edit, one after another ------------------------------------------------------

def edit_title(site: Site) -> None:
    site.replace(site.article("2022-11-08-bai-06.md"), "Tiêu đề: ", "Tiêu đề: Tin nóng: ")


def edit_body(site: Site) -> None:
    path = site.article("2022-11-03-bai-01.md")
    path.write_text(path.read_text(encoding="utf-8") + "\nĐoạn bổ sung sau khi đăng.\n",
                    encoding="utf-8")


def edit_date(site: Site) -> None:
    site.replace(site.article("2022-11-05-bai-03.md"), "Ngày đăng: 05/11/2022",
                 "Ngày đăng: 25/11/2022")


def edit_category(site: Site) -> None:
    site.replace(site.article("2022-11-07-bai-05.md"), "Chuyên mục: Hoạt động Đoàn",
                 "Chuyên mục: Phong trào tình nguyện")


def edit_tags(site: Site) -> None:
    site.replace(site.article("2022-11-09-bai-07.md"), "Thẻ: ", "Thẻ: Hiến máu, ")


def add_article(site: Site) -> None:
    site.article("2022-11-28-bai-moi.md").write_text(
        "Tiêu đề: Bài mới nhất\nNgày đăng: 28/11/2022 10:00\nChuyên mục: Hoạt động Đoàn\n"
        "Thẻ: Thanh niên\nĐường dẫn: bai-moi-nhat\n\nNội dung bài mới.\n", encoding="utf-8")


def delete_article(site: Site) -> None:
    site.article("2022-11-10-bai-08.md").unlink()


def rename_file(site: Site) -> None:
    site.article("2022-11-11-bai-09.md").rename(site.article("2022-11-11-bai-chin.md"))


def edit_template(site: Site) -> None:
    site.replace(site.template("partials/footer.html"), "<footer",
                 "<!-- giao diện mới -->\n<footer")


def edit_photo(site: Site) -> None:
    shutil.copy(site.content / "images" / "huy-hieu-doan.png",
                site.content / "images" / "2022" / "11" / "ra-quan.png")


EDITS = [edit_title, edit_body, edit_date, edit_category, edit_tags, add_article,
         delete_article, rename_file, edit_template, edit_photo]

# A theme author's ways of reading more than the page's own slice and article.
THEMES = {
    "stock": [],
    "whole-list": [("category.html", "{% block content %}",
                    "{% block content %}{{ articles|map(attribute='title')|join(' · ') }}"),
                   ("tag.html", "{% block content %}",
                    "{% block content %}{% for item in articles %}{{ item.date }}"
                    "{% endfor %}")],
    "next-page-items": [("partials/pagination.html", "{% if articles_next_page %}",
                         "{% if articles_next_page %}{{ articles_next_page.object_list[0]"
                         ".title }}")],
    "neighbours-of-listed": [("partials/teaser.html", "</article>",
                              "{% for other in item.newer_articles or [] %}"
                              "{{ other.title }}{% endfor %}</article>")],
}


@pytest.mark.parametrize("theme", list(THEMES))
def test_every_edit_gives_the_site_pelicans_writer_gives(tmp_path, photos, forking, theme):
    site = Site(tmp_path / "site", EVERY_FEATURE, photos, {})
    for name, old, new in THEMES[theme]:
        site.replace(site.template(name), old, new)
    site.same_as_reference("cold")
    site.same_as_reference("warm, nothing changed")
    for edit in EDITS:
        edit(site)
        site.same_as_reference(edit.__name__)
    site.same_as_reference("a setting changed", SITESUBTITLE="Tiếng nói của tuổi trẻ",
                           DEFAULT_PAGINATION=4)


@pytest.mark.slow
def test_the_sample_site_cold_warm_and_edited(tmp_path, photos, forking):
    site = Site(tmp_path / "site", PROJECT / "content", photos, {"DEFAULT_PAGINATION": 20})
    site.same_as_reference("cold")
    site.same_as_reference("warm")
    for path in sorted((site.content / CATEGORY).glob("*.md"))[:1]:
        site.replace(path, "Tiêu đề: ", "Tiêu đề: Sửa: ")
    site.same_as_reference("title edited")
