"""Scheduled publishing and expiry (CONTRACT §1, issue 17): real builds at pinned clocks."""

import json
from datetime import datetime

import pytest
from conftest import PROJECT, build

from tintuc.checker import report_json, report_text, run_check
from tintuc.dates import VIETNAM
from tintuc.files import load_settings
from tintuc.publication import EXPIRED, SCHEDULED, status_at

SETTINGS = load_settings(PROJECT / "pelicanconf.py")
ARTICLE = ("Tiêu đề: {title}\nNgày đăng: {date}\nChuyên mục: Hoạt động Đoàn\nThẻ: Tháng Thanh "
           "niên\nĐường dẫn: {slug}\n{more}\nNội dung {title}.\n")
FILES = {
    "tin/da-dang.md": ARTICLE.format(title="Bài đã đăng", date="01/12/2026 08:00",
                                     slug="da-dang", more=""),
    "tin/hen-gio.md": ARTICLE.format(title="Bài hẹn giờ", date="05/12/2026 08:00",
                                     slug="hen-gio", more=""),
    "tin/het-han.md": ARTICLE.format(title="Bài hết hạn", date="01/11/2026 08:00",
                                     slug="het-han", more="Hết hạn: 02/12/2026 00:00\n"),
    "tin/con-han.md": ARTICLE.format(title="Bài còn hạn", date="02/11/2026 08:00",
                                     slug="con-han", more="Hết hạn: 31/12/2026 00:00\n"),
}
BEFORE = {"NEWS_BUILD_TIME": "04/12/2026 10:00", "NEWS_NEW_DAYS": 0,
          "FEED_ALL_ATOM": "feeds/all.atom.xml", "SEARCH_INDEX": {"enabled": False}}
AFTER = {**BEFORE, "NEWS_BUILD_TIME": "05/12/2026 08:01"}
LISTINGS = ["index.html", "chuyen-muc/hoat-dong-doan/index.html",
            "the/thang-thanh-nien/index.html", "luu-tru/2026/index.html", "sitemap.xml",
            "feeds/all.atom.xml"]


def at(text: str) -> datetime:
    day, month, year = map(int, text.split("/"))
    return datetime(year, month, day, tzinfo=VIETNAM)


@pytest.mark.parametrize(("status", "date", "expires", "clock", "expected"), [
    ("published", "01/12/2026", None, "04/12/2026", ("published", None)),
    ("published", "05/12/2026", None, "04/12/2026", ("draft", SCHEDULED)),
    ("published", "05/12/2026", None, "05/12/2026", ("published", None)),
    ("published", "01/11/2026", "02/12/2026", "04/12/2026", ("hidden", EXPIRED)),
    ("published", "01/11/2026", "04/12/2026", "04/12/2026", ("hidden", EXPIRED)),
    ("draft", "01/11/2026", None, "04/12/2026", ("draft", None)),
    ("hidden", "05/12/2026", None, "04/12/2026", ("hidden", None)),
])
def test_status_at_the_builds_clock(status, date, expires, clock, expected):
    assert status_at(status, at(date), expires and at(expires), at(clock)) == expected


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    root = tmp_path_factory.mktemp("publication")
    before = build(root / "site", FILES, BEFORE)
    assert before.ok, before.messages
    listings_before = {name: before.read(name) for name in LISTINGS}
    listings_before["pages"] = " ".join(before.files())
    # The same folders, cache and all, an hour-long CI run later: as the site lives.
    after = build(root / "site", before.content, AFTER, copy=False)
    assert after.ok, after.messages
    clean = build(root / "clean", FILES, AFTER)
    return listings_before, before, after, clean


def test_a_scheduled_article_is_written_and_listed_nowhere_before_its_time(sites):
    listings, _before, _after, _clean = sites
    assert "hen-gio.html" not in listings["pages"]
    for name in LISTINGS:
        assert "hen-gio" not in listings[name], name
        assert "da-dang" in listings[name], name


def test_an_expired_article_keeps_its_page_and_is_listed_nowhere(sites):
    listings, _before, _after, _clean = sites
    assert "het-han.html" in listings["pages"].split()
    for name in LISTINGS:
        assert "het-han" not in listings[name], name
        assert "con-han" in listings[name], name


def test_the_first_build_after_its_time_publishes_it_everywhere(sites):
    _listings, _before, after, clean = sites
    assert after.exists("hen-gio.html")
    for name in LISTINGS:
        assert "hen-gio" in after.read(name), name
    # The warm rebuild writes exactly what a clean build at that time writes.
    assert after.written() == clean.written()


def test_check_says_when_each_scheduled_article_appears(tmp_path):
    content = tmp_path / "content"
    for name, text in {**FILES, "tin/sai.md": ARTICLE.format(
            title="Hết hạn trước khi đăng", date="03/12/2026 08:00", slug="sai",
            more="Hết hạn: 02/12/2026 08:00\n")}.items():
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text(text, encoding="utf-8")
    result = run_check(content, {**SETTINGS, "NEWS_BUILD_TIME": "04/12/2026 10:00"})
    text = report_text(result)
    assert "hen-gio.md sẽ được đăng lúc Thứ bảy - 05/12/2026 08:00" in text
    assert [(problem.code, problem.line) for problem in result.problems] == [
        ("expires-before-date", 6)]
    scheduled = json.loads(json.dumps(report_json(result)))["scheduled"]
    assert [item["at"] for item in scheduled] == ["2026-12-05T08:00:00+07:00"]


def test_the_preview_shows_a_scheduled_article_as_such(tmp_path):
    site = build(tmp_path, FILES, {**BEFORE, "DRAFT_SAVE_AS": "ban-nhap/{slug}.html"})
    assert site.ok
    note = site.html("ban-nhap/hen-gio.html").find(class_="draft-note").get_text()
    assert note == "Hẹn giờ: bài này sẽ được đăng lúc Thứ bảy - 05/12/2026 08:00."
