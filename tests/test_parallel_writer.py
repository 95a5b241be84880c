"""Rendering on several cores writes exactly the site one process writes."""

import shutil

from conftest import PROJECT, build


def test_forked_rendering_writes_the_same_bytes(tmp_path):
    sample = PROJECT / "content"
    # NEWS_NEW_DAYS = 0: the "Mới" badge depends on the clock, not on how pages are rendered.
    settings = {"NEWS_NEW_DAYS": 0, "NEWS_READER_CACHE": False}
    one = build(tmp_path / "one", sample, {**settings, "NEWS_WORKERS": 1})
    two = build(tmp_path / "two", sample, {**settings, "NEWS_WORKERS": 2})
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
    site = build(tmp_path / "site", PROJECT / "content", {"THEME": str(theme), "NEWS_WORKERS": 2})
    assert not site.ok
