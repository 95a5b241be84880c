"""Each article's "Lượt xem" from the access logs (issue 17): counted as "Tin đọc nhiều" counts
(a page request by a client that is not a crawler), kept in the counter's state across log
rotations, and drawn into the pages after rendering: an hourly build renders nothing again."""

import json
from datetime import timedelta

from conftest import PROJECT, build
from counter_fixtures.logs import BOTS, GUESTS, Hit, lines_of, vn, write_log
from pelican.settings import read_settings

from tintuc_plugins import build as builds

ARTICLE = ("Tiêu đề: {title}\nNgày đăng: {date}\nChuyên mục: Hoạt động Đoàn\n"
           "Đường dẫn: {slug}\n\nNội dung {title}.\n")
FILES = {f"tin/{slug}.md": ARTICLE.format(title=title, date=date, slug=slug)
         for slug, title, date in [("bai-a", "Bài A", "01/11/2022 08:00"),
                                   ("bai-b", "Bài B", "02/11/2022 08:00"),
                                   ("bai-c", "Bài C", "03/11/2022 08:00")]}
START = vn("13/11/2022 08:00")


def hits(path: str, count: int, first: int = 0, agents=GUESTS) -> list[Hit]:
    return [Hit(f"198.51.100.{first + number}", agents[number % len(agents)],
                START + timedelta(minutes=first + number), path) for number in range(count)]


def settings(root) -> dict:
    return {"SEARCH_INDEX": {"enabled": False}, "NEWS_NEW_DAYS": 0,
            "NEWS_BUILD_TIME": "14/11/2022 08:00",
            "VISITOR_COUNTER_LOGS": [str(root / "logs" / "access.log*")],
            "VISITOR_COUNTER_STATE": str(root / "state" / "counter.json"),
            "VISITOR_COUNTER_BASELINE": None}


def views(site, page: str) -> str:
    found = site.html(page).select_one("main p.views")
    return found.get_text() if found else ""


def test_views_are_counted_drawn_kept_and_never_render_a_page_again(tmp_path):
    root = tmp_path / "site"
    log = root / "logs" / "access.log"
    write_log(log, lines_of(hits("/bai-a.html", 3) + hits("/bai-b.html", 2, first=10)
                            + hits("/bai-a.html", 2, first=20, agents=BOTS)))
    first = build(root, FILES, settings(root))
    assert first.ok, first.messages
    assert (views(first, "bai-a.html"), views(first, "bai-b.html"), views(first, "bai-c.html")) \
        == ("Lượt xem: 3", "Lượt xem: 2", "")
    # "Tin đọc nhiều" shows each one's figure too.
    assert [item.get_text(" ", strip=True).replace("\xa0", " ") for item in
            first.html("bai-c.html").select(".most-read li")] == \
        ["Bài A 3 lượt xem", "Bài B 2 lượt xem"]

    # An hour later: more readers of A, and the log rotated away from what was counted.
    log.rename(root / "logs" / "access.log.1")
    write_log(log, lines_of(hits("/bai-a.html", 1250, first=40)))
    (root / "logs" / "access.log.1").unlink()
    again = build(root, root / "content", settings(root), copy=False)
    assert again.ok, again.messages
    assert builds.last().page_stats["rendered"] == 0  # the figures are drawn, not rendered
    assert views(again, "bai-a.html") == "Lượt xem: 1,253"
    assert views(again, "bai-b.html") == "Lượt xem: 2"  # kept though its lines are gone
    # Nothing new in the logs: every page, figures and all, is moved back, not written.
    a_written = (again.output / "bai-a.html").stat().st_mtime_ns
    quiet = build(root, root / "content", settings(root), copy=False)
    assert quiet.ok and builds.last().page_stats["rendered"] == 0
    assert (quiet.output / "bai-a.html").stat().st_mtime_ns == a_written
    state = json.loads((root / "state" / "counter.json").read_text())
    assert state["view_totals"] == {"/bai-a.html": 1253, "/bai-b.html": 2}

    # The same figures as Pelican's own writer draws them, byte for byte.
    plugins = [name for name in read_settings(str(PROJECT / "pelicanconf.py"))["PLUGINS"]
               if name != "tintuc_plugins.page_writer"]
    reference_root = tmp_path / "reference"
    (reference_root / "state").mkdir(parents=True)
    (reference_root / "state" / "counter.json").write_text(
        (root / "state" / "counter.json").read_text())
    reference = build(reference_root, root / "content", {
        **settings(reference_root), "PLUGINS": plugins, "REQUIRED_PLUGINS": plugins})
    assert reference.ok, reference.messages
    assert views(reference, "bai-a.html") == "Lượt xem: 1,253"
    assert reference.written() == again.written()
