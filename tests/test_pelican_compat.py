"""Every piece of Pelican's internals the plugins use (tintuc_plugins.pelican_compat), held
against vanilla Pelican's own behaviour: an upgrade that changes one fails here, by name."""

import logging
import os
from datetime import datetime
from types import SimpleNamespace

import pytest
from conftest import SETTINGS_FILE, build
from pelican import contents, urlwrappers
from pelican.contents import Article, Static
from pelican.generators import ArticlesGenerator
from pelican.log import FatalLogger
from pelican.settings import DEFAULT_CONFIG, read_settings
from pelican.urlwrappers import Category, Tag
from pelican.utils import slugify as pelican_slugify
from pelican.writers import FileOverwriteFailedError, Writer

from tintuc_plugins import pelican_compat
from tintuc_plugins.constant_time_lists.lists import period_archives, remembered_slugify


@pytest.fixture
def settings(tmp_path):
    (tmp_path / "content" / "tin").mkdir(parents=True)
    return read_settings(str(SETTINGS_FILE), override={"PATH": str(tmp_path / "content"),
                                                       "OUTPUT_PATH": str(tmp_path / "out")})


def article(settings, text="<p>x</p>", name="tin/bai.md", context=None, **metadata):
    metadata = {"title": "Bài", "date": datetime(2022, 11, 13, 21, 12),
                "category": Category("Hoạt động Đoàn", settings), **metadata}
    return Article(text, metadata, settings=settings,
                   source_path=os.path.join(settings["PATH"], name),
                   context=context if context is not None else {"static_content": {},
                                                                "generated_content": {},
                                                                "localsiteurl": ""})


# --- Versions ---------------------------------------------------------------------------------

def test_the_tested_version_is_the_installed_one_and_another_is_told():
    assert pelican_compat.untested_version() is None
    assert "4.99.0" in pelican_compat.untested_version("4.99.0")


def test_a_build_on_an_untested_pelican_says_so(build_site, monkeypatch):
    monkeypatch.setattr(pelican_compat, "TESTED_PELICAN", ("0.0.1",))
    site = build_site({"pages/a.md": "Tiêu đề: A\n\nx\n"}, {"SEARCH_INDEX": {"enabled": False}})
    assert site.ok
    assert any("chưa được kiểm thử" in text for text in site.warnings)


# --- Documents --------------------------------------------------------------------------------

def test_raw_text_is_what_pelican_keeps_and_a_replacement_is_rendered(settings):
    document = article(settings, '<p><img src="{static}/images/a.jpg"></p>')
    assert pelican_compat.raw_text(document) == '<p><img src="{static}/images/a.jpg"></p>'
    assert document.content == '<p><img src="{static}/images/a.jpg"></p>'  # not found: kept
    # Pelican memoises the rendering: a bare replacement would not show...
    document._content = "<p>khác</p>"
    assert document.content != "<p>khác</p>"
    # ...the door's does.
    pelican_compat.replace_raw_text([(document, "<p>mới</p>")])
    assert document.content == "<p>mới</p>"


def test_a_planned_location_is_pelicans_and_leaves_the_file_free_to_move(settings):
    source = os.path.join(settings["PATH"], "tin", "van-ban.pdf")
    static = Static("", {"title": "van-ban"}, settings=settings, source_path=source,
                    context={"static_content": {}, "generated_content": {}})
    planned = pelican_compat.planned_location(static)
    document = article(settings, save_as="bai.html", url="bai.html")
    static.attach_to(document)
    assert (static.save_as, static.url) == ("van-ban.pdf", "van-ban.pdf")
    pinned = Static("", {"title": "van-ban"}, settings=settings, source_path=source,
                    context={"static_content": {}, "generated_content": {}})
    assert planned == (pinned.save_as, pinned.url) == ("tin/van-ban.pdf", "tin/van-ban.pdf")
    pinned.attach_to(document)  # pinned by reading it: Pelican refuses to move it
    assert pinned.save_as == "tin/van-ban.pdf"


def test_static_links_in_any_text_are_pelicans_static_links_of_the_body(settings):
    body = ('<a href="{static}/images/a b.pdf">1</a><img src="{attach}anh.jpg">'
            "<a href='|static|../images/c.png'>3</a><a href=\"{filename}/x.md\">4</a>"
            '<a href="{static}d.pdf?x=1#y">5</a>')
    document = article(settings, body)
    assert pelican_compat.static_links_in(document, body) == document.get_static_links()
    assert pelican_compat.static_links_in(document, body) == {
        "images/a b.pdf", "tin/anh.jpg", "images/c.png", "tin/d.pdf"}


def test_a_fixed_location_is_the_one_pelican_computes(settings):
    document = article(settings, slug="bai-mot")
    expected = (document.url, document.save_as)
    pelican_compat.fix_location(document)
    document.metadata["slug"] = document.slug = "doi-roi"
    assert (document.url, document.save_as) == expected == ("bai-mot.html", "bai-mot.html")


# --- Generators -------------------------------------------------------------------------------

def test_period_archives_are_pelicans_own(settings):
    documents = [article(settings, name=f"tin/{n}.md", title=f"Bài {n}",
                         date=datetime(2020 + n % 3, 1 + n % 12, 1 + n % 27, n % 24))
                 for n in range(60)]
    newest_first = sorted(documents, key=lambda item: item.date, reverse=True)
    theirs = ArticlesGenerator._build_period_archives(None, newest_first, documents, settings)
    ours = period_archives(newest_first, documents, settings)

    def shape(archives):
        return {kind: [(item["save_as"], item["url"], item["period"], item["period_num"],
                        [id(a) for a in item["dates"]], [id(a) for a in item["articles"]])
                       for item in found] for kind, found in archives.items() if found}

    assert shape(ours) == shape(theirs)
    generator = SimpleNamespace()
    pelican_compat.replace_period_archives(generator, period_archives)
    assert generator._build_period_archives is period_archives


def test_the_slugify_pelicans_modules_call_is_ours_and_answers_alike(settings):
    saved = (urlwrappers.slugify, contents.slugify)
    try:
        pelican_compat.use_slugify(remembered_slugify)
        assert urlwrappers.slugify is contents.slugify is remembered_slugify
        for name in ["Đoàn Thanh niên", "Chuyển đổi số", "C++ & Python", "2022", "Ảnh/Video"]:
            subs = settings.get("TAG_REGEX_SUBSTITUTIONS",
                                settings.get("SLUG_REGEX_SUBSTITUTIONS", []))
            assert Tag(name, settings).slug == pelican_slugify(
                name, regex_subs=subs, preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
                use_unicode=settings.get("SLUGIFY_USE_UNICODE", False))
    finally:
        urlwrappers.slugify, contents.slugify = saved


# --- Logging ----------------------------------------------------------------------------------

def test_the_fatal_stop_is_what_pelican_raises_under_fatal_errors():
    logger = FatalLogger("tintuc-compat-test")
    saved = FatalLogger.fatal_lvl
    FatalLogger.fatal_lvl = logging.ERROR
    try:
        with pytest.raises(RuntimeError) as raised:
            logger.error("lỗi")
        assert pelican_compat.is_fatal_stop(raised.value)
    finally:
        FatalLogger.fatal_lvl = saved
    assert not pelican_compat.is_fatal_stop(RuntimeError("khác"))


def test_the_console_handler_is_the_one_pelicans_command_line_installs():
    import pelican.log

    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    root.handlers = []
    try:
        pelican.log.init(level=logging.WARNING)  # what `pelican` does before building
        installed = root.handlers[:]
        root.addHandler(logging.FileHandler(os.devnull))  # a tool's own: never held back
        assert installed and pelican_compat.console_handlers() == installed
    finally:
        for handler in root.handlers:
            if handler not in saved_handlers and handler not in installed:
                handler.close()
        root.handlers, root.level = saved_handlers, saved_level


# --- The writer -------------------------------------------------------------------------------

SEQUENCES = [[("a.html", False), ("a.html", False)], [("a.html", True), ("a.html", False)],
             [("a.html", False), ("a.html", True)], [("a.html", True), ("a.html", True)],
             [("a.html", False), ("b.html", False), ("b.html", True), ("b.html", False)]]


@pytest.mark.parametrize("writes", SEQUENCES)
def test_two_writes_of_one_file_are_judged_as_pelican_judges_them(tmp_path, writes):
    theirs_writer, ours_writer = Writer(str(tmp_path), DEFAULT_CONFIG), \
        Writer(str(tmp_path), DEFAULT_CONFIG)
    for name, override in writes:
        path = str(tmp_path / name)
        try:
            with theirs_writer._open_w(path, "utf-8", override) as out:
                theirs = "write" if out.name == path else "skip"
        except FileOverwriteFailedError:
            theirs = "error"
        try:
            ours = "write" if pelican_compat.claim_output(ours_writer, path, override) \
                else "skip"
        except FileOverwriteFailedError:
            ours = "error"
        assert ours == theirs, (writes, name, override)


class Recording:
    """A template that notes each page Pelican's writer renders with it."""

    def __init__(self):
        self.pages = []

    def render(self, context):
        self.pages.append(dict(context))
        return ""


@pytest.mark.parametrize("relative_urls", [False, True])
@pytest.mark.parametrize(("template_name", "count"), [("category", 7), ("index", 0),
                                                      ("page", 5)])
def test_pages_are_the_ones_pelicans_writer_makes(tmp_path, settings, relative_urls,
                                                 template_name, count):
    settings = {**settings, "DEFAULT_PAGINATION": 3}
    items = [article(settings, name=f"tin/{n}.md", title=f"Bài {n}") for n in range(count)]
    context = {"SITEURL": "", "localsiteurl": "", "SITENAME": "x"}
    template = Recording()
    kwargs = {"articles": items, "dates": items, "category": "Hoạt động Đoàn"}
    Writer(str(tmp_path / "out"), settings).write_file(
        "chuyen-muc/x/index.html", template, dict(context), relative_urls,
        template_name=template_name, url="chuyen-muc/x/", **kwargs)
    ours_context = dict(context)
    ours = [pelican_compat.page_context(ours_context, values) for _save_as, values, _sliced in
            pelican_compat.pages_of(settings, "chuyen-muc/x/index.html", "chuyen-muc/x/",
                                    template_name, None, kwargs, relative_urls)]

    def comparable(page):
        def plain(key, value):
            if key.endswith("_paginator"):
                return (value.name, value.url, value.num_pages, value.per_page, value.count)
            if hasattr(value, "object_list"):
                return (value.number, value.url, value.save_as, list(value.object_list))
            return value
        return {key: plain(key, value) for key, value in page.items()}

    assert [comparable(page) for page in ours] == [comparable(page) for page in template.pages]
    assert len(ours) == (max(1, -(-count // 3)) if template_name in
                         settings["PAGINATED_TEMPLATES"] else 1)


def test_the_site_built_through_the_door_equals_a_plain_build(build_site, tmp_path):
    """The compat door's writer pieces in a real build: same bytes as Pelican's writer
    (tests/test_differential.py does this after every kind of edit)."""
    files = {f"tin/{n}.md": f"Tiêu đề: Bài {n}\nNgày đăng: {n + 1:02d}/11/2022\n"
                            "Chuyên mục: Hoạt động Đoàn\n\nNội dung.\n" for n in range(8)}
    settings = {"SEARCH_INDEX": {"enabled": False}, "DEFAULT_PAGINATION": 3,
                "NEWS_NEW_DAYS": 0}
    ours = build(tmp_path / "ours", files, settings)
    plugins = [name for name in read_settings(str(SETTINGS_FILE))["PLUGINS"]
               if name != "tintuc_plugins.page_writer"]
    theirs = build(tmp_path / "theirs", files, {**settings, "PLUGINS": plugins,
                                                "REQUIRED_PLUGINS": plugins})
    assert ours.ok and theirs.ok
    assert ours.written() == theirs.written()
