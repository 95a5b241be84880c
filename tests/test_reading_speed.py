"""Reading is cached by content and spread over cores, without changing a byte of output."""

import shutil

from conftest import SCENARIOS, build

from tintuc_plugins import build as builds

OK = SCENARIOS / "reader_ok"


def _session():
    return builds.last().reading


def test_parallel_reading_gives_the_same_site(tmp_path):
    one = build(tmp_path / "one", OK, {"NEWS_WORKERS": 1, "NEWS_READER_CACHE": False})
    two = build(tmp_path / "two", OK, {"NEWS_WORKERS": 2, "NEWS_READER_CACHE": False})
    assert one.ok and two.ok, one.messages + two.messages
    assert one.written() == two.written()


def test_unchanged_files_are_not_read_again(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(OK, content)
    settings = {"CACHE_PATH": str(tmp_path / "cache"), "NEWS_READER_CACHE": True}
    first = build(tmp_path / "first", content, settings, copy=False)
    assert first.ok and _session().read_count == len(list(OK.rglob("*.md")))

    again = build(tmp_path / "again", content, settings, copy=False)
    assert again.ok and _session().read_count == 0
    assert again.written() == first.written()
    assert again.warnings == first.warnings  # cached files still report their warnings

    edited = content / "tin-tuc" / "fenced-header.md"
    edited.write_text(edited.read_text().replace("tổng kết", "sơ kết"), encoding="utf-8")
    third = build(tmp_path / "third", content, settings, copy=False)
    assert third.ok and _session().read_count == 1
    assert "sơ kết" in third.read("hoi-nghi-ban-chap-hanh-tinh-doan-lan-thu-5.html")
