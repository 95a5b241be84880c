"""The visitor counter in real Pelican builds: the sidebar block, "Tin đọc nhiều", failures.

The sites are those of `counter_fixtures.site` (the partials of this project's theme).
"""

import gzip
import json
import os
from datetime import timedelta

from conftest import SETTINGS_FILE, run_pelican_cli
from counter_fixtures import site
from counter_fixtures.logs import (
    BOTS,
    GUESTS,
    HOSTILE_AGENT,
    HOSTILE_PATH,
    Hit,
    expected,
    lines_of,
    views,
    vn,
    write_log,
)
from counter_fixtures.site import ARTICLES, PAGES, SIMPLE_THEME, counter_block
from pelican.settings import read_settings

from tintuc.counter_state import CounterStateError

theme, counter_site = site.theme, site.counter_site  # pytest fixtures


def readers(start, minutes=90) -> list[Hit]:
    """Guests and crawlers reading the three articles and the home page."""
    hits = []
    clients = [(f"203.0.113.{n}", GUESTS[n % len(GUESTS)]) for n in range(1, 7)]
    clients += [("2001:db8::5", GUESTS[2]), ("66.249.66.1", BOTS[0]), ("157.55.39.1", BOTS[1])]
    paths = ["/bai-a.html", "/bai-b.html", "/bai-a.html?fbclid=x", "/", "/bai-c.html",
             "/bai-a.html", "/theme/css/style.css"]
    for minute in range(0, minutes, 3):
        for number, client in enumerate(clients):
            if (minute + number) % 4 == 0:
                path = paths[(minute + number) % len(paths)]
                hits.append(Hit(*client, start + timedelta(minutes=minute, seconds=number),
                                path))
    return hits


def test_the_block_shows_the_six_figures_of_the_definitions(counter_site, tmp_path):
    hits = readers(vn("13/11/2022 21:00"))
    write_log(tmp_path / "logs" / "access.log", lines_of(hits))
    site = counter_site(VISITOR_COUNTER_BASELINE={"total": 7_558_632, "as_of": "13/11/2022 21:30"})
    assert site.ok, site.messages
    want = expected(hits, baseline_total=7_558_632, baseline_at=vn("13/11/2022 21:30"))
    for page in PAGES:
        heading, figures, updated = counter_block(site, page)
        assert heading == "Thống kê truy cập"
        assert figures == want.labelled()
        assert updated == f"Cập nhật: {want.as_of:%d/%m/%Y %H:%M}"
    assert want.total > 7_558_632 and "7,558," in dict(want.labelled())["Tổng lượt truy cập"]


def test_builds_after_rotation_never_count_twice(counter_site, tmp_path):
    logs = tmp_path / "logs"
    hits = readers(vn("30/11/2022 22:30"), minutes=180)
    cut = sum(1 for hit in hits if hit.time < vn("30/11/2022 23:45"))
    write_log(logs / "access.log", lines_of(hits[:cut]))
    assert counter_block(counter_site(), "bai-a.html")[1] == expected(hits[:cut]).labelled()
    assert counter_block(counter_site(), "bai-a.html")[1] == expected(hits[:cut]).labelled()

    # Rotation across the month's end in Vietnam time (17:00 UTC), in the middle of visits.
    (logs / "access.log.1.gz").write_bytes(gzip.compress((logs / "access.log").read_bytes()))
    os.remove(logs / "access.log")
    write_log(logs / "access.log", lines_of(hits[cut:]))
    site = counter_site()
    want = expected(hits)
    assert want.as_of.astimezone(vn("01/12/2022 00:00").tzinfo).month == 12
    assert counter_block(site, "bai-a.html")[1] == want.labelled()


def test_the_thousands_separator_and_count_bots_settings(counter_site, tmp_path):
    hits = readers(vn("13/11/2022 21:00"))
    write_log(tmp_path / "logs" / "access.log", lines_of(hits))
    site = counter_site(VISITOR_COUNTER_COUNT_BOTS=False, VISITOR_COUNTER_THOUSANDS_SEP=".",
                        VISITOR_COUNTER_BASELINE={"total": 1_234_567, "as_of": "01/01/2022"})
    want = expected(hits, count_bots=False, baseline_total=1_234_567,
                    baseline_at=vn("01/01/2022 00:00"))
    assert counter_block(site)[1] == want.labelled(".")


def test_most_read_lists_the_most_viewed_articles_of_the_last_days(counter_site, tmp_path):
    start = vn("13/11/2022 21:00")
    hits = readers(start)
    old = [Hit("203.0.113.99", GUESTS[0], start - timedelta(days=9, minutes=m), "/bai-c.html")
           for m in range(0, 600, 31)]  # many views, but before the 7-day window
    hits += old + [Hit("66.249.66.9", BOTS[2], start + timedelta(minutes=m), "/bai-b.html")
                   for m in range(0, 90, 2)]  # a crawler's requests are not views
    write_log(tmp_path / "logs" / "access.log", lines_of(hits))
    site = counter_site(VISITOR_COUNTER_MOST_READ_DAYS=7, VISITOR_COUNTER_MOST_READ_COUNT=2)
    assert site.ok, site.messages
    last_day = expected(hits).as_of.astimezone(start.tzinfo).date()
    counts = views(hits, last_day - timedelta(days=6), last_day)
    ranked = sorted((slug for slug in ("bai-a", "bai-b", "bai-c") if counts.get(f"/{slug}.html")),
                    key=lambda slug: -counts[f"/{slug}.html"])
    section = site.html("bai-b.html").select_one("section.most-read")
    assert section.h2.get_text(strip=True) == "Tin đọc nhiều"
    assert [a["href"] for a in section.select("li a")] == [f"/{slug}.html" for slug in ranked[:2]]


def test_most_read_with_a_site_path_prefix(counter_site, tmp_path):
    start = vn("13/11/2022 21:00")
    hits = [Hit("203.0.113.1", GUESTS[0], start + timedelta(minutes=m), "/tin-tuc/bai-c.html")
            for m in range(3)]
    hits.append(Hit("203.0.113.2", GUESTS[0], start, "/bai-a.html"))  # outside the site
    write_log(tmp_path / "logs" / "access.log", lines_of(hits))
    site = counter_site(SITEURL="https://tinhdoan.example/tin-tuc")
    section = site.html("index.html").select_one("section.most-read")
    assert [a["href"] for a in section.select("li a")] == [
        "https://tinhdoan.example/tin-tuc/bai-c.html"]
    # The reader's escaped title is shown as text, never as markup.
    assert " ".join(section.a.get_text().split()) == "Tuổi trẻ <chuyển đổi số>"


def test_hostile_paths_and_user_agents_never_reach_a_page(counter_site, tmp_path):
    at = vn("13/11/2022 21:00")
    hits = [Hit("198.51.100.7", HOSTILE_AGENT, at + timedelta(minutes=m), HOSTILE_PATH)
            for m in range(3)]
    hits += [Hit("198.51.100.8", HOSTILE_AGENT, at, "/bai-a.html"),
             Hit("198.51.100.9", GUESTS[0], at, "/bai-a.html?<script>alert(2)</script>")]
    write_log(tmp_path / "logs" / "access.log", lines_of(hits))
    site = counter_site()
    assert counter_block(site)[1] == expected(hits).labelled()
    for path in site.output.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "alert(" not in html and "onerror" not in html


def test_unreadable_lines_make_one_warning(counter_site, tmp_path):
    hits = readers(vn("13/11/2022 21:00"))
    lines = lines_of(hits)
    lines[3:3] = ["garbage", b"\xff\xfe\x00 not a log line", lines[0][:40]]
    write_log(tmp_path / "logs" / "access.log", lines)
    site = counter_site()
    assert site.ok
    warnings = [text for text in site.warnings if "nhật ký" in text]
    assert len(warnings) == 1 and "bỏ qua 3 dòng nhật ký không đọc được" in warnings[0]
    assert counter_block(site)[1] == expected(hits).labelled()


def test_without_logs_the_baseline_is_shown_or_the_block_hidden(counter_site):
    baseline = {"total": 7_558_632, "as_of": "13/11/2022 21:12"}
    site = counter_site(VISITOR_COUNTER_LOGS=[], VISITOR_COUNTER_STATE=None,
                        VISITOR_COUNTER_BASELINE=baseline)
    _, figures, updated = counter_block(site)
    assert figures == [("Đang truy cập", "0"), ("Máy chủ tìm kiếm", "0"),
                       ("Khách viếng thăm", "0"), ("Hôm nay", "0"), ("Tháng hiện tại", "0"),
                       ("Tổng lượt truy cập", "7,558,632")]
    assert updated == "Cập nhật: 13/11/2022 21:12"
    assert site.html("index.html").select("section.most-read") == []

    hidden = counter_site(VISITOR_COUNTER_ENABLED=False, VISITOR_COUNTER_BASELINE=baseline)
    assert hidden.ok and counter_block(hidden) is None
    assert "Thống kê truy cập" not in hidden.read("index.html")


def test_a_damaged_state_file_stops_the_build(counter_site, tmp_path):
    write_log(tmp_path / "logs" / "access.log", lines_of(readers(vn("13/11/2022 21:00"))))
    state = tmp_path / "state" / "counter.json"
    state.parent.mkdir()
    state.write_text('{"format": "tintuc-visitor-counter", "version": 1, "as_of": ', "utf-8")
    site = counter_site()
    assert isinstance(site.exception, CounterStateError)
    assert "bị hỏng" in str(site.exception) and "sao lưu" in str(site.exception)
    assert not (site.output / "index.html").exists()


def test_a_damaged_state_file_fails_the_command_line(tmp_path, theme):
    content = tmp_path / "content"
    for relpath, text in ARTICLES.items():
        (content / relpath).parent.mkdir(parents=True, exist_ok=True)
        (content / relpath).write_text(text, encoding="utf-8")
    state = tmp_path / "counter.json"
    state.write_bytes(b"\x00\x01 not json")
    plugins = read_settings(str(SETTINGS_FILE))["PLUGINS"]
    # One `-e` with every pair: Pelican keeps only the last `-e` given.
    result = run_pelican_cli(
        content, tmp_path / "out", "-e",
        "PLUGINS=" + json.dumps(plugins),
        "THEME=" + json.dumps(str(SIMPLE_THEME)),
        "THEME_TEMPLATES_OVERRIDES=" + json.dumps([str(theme)]),
        "VISITOR_COUNTER_STATE=" + json.dumps(str(state)),
        "VISITOR_COUNTER_LOGS=" + json.dumps([f"{tmp_path}/access.log*"]),
    )
    assert result.returncode != 0
    assert "bị hỏng" in result.stdout + result.stderr
    assert state.read_bytes() == b"\x00\x01 not json"
