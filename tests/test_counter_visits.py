"""Page requests, clients, bots, visits and the six figures (CONTRACT §4), without files."""

import random
from datetime import timedelta

import pytest
from counter_fixtures.logs import (
    BOTS,
    GUESTS,
    VIETNAM,
    Hit,
    expected,
    lines_of,
    views,
    visits,
    vn,
)

from tintuc.visits import (
    BaselineMoved,
    Batch,
    BotDetector,
    Tally,
    article_path_pattern,
    excluded_prefixes,
    is_page_request,
    page_path,
)

SALT = bytes(16)
GUEST, OTHER_GUEST = GUESTS[0], GUESTS[1]
BOT = BOTS[0]


def tally_of(*builds: list[Hit], baseline_at=None) -> Tally:
    """Feed each list of hits as one ingestion, in the given (possibly unsorted) order."""
    tally = Tally()
    tally.use_baseline(None if baseline_at is None else int(baseline_at.timestamp()))
    for hits in builds:
        batch = Batch(SALT, article_paths=article_path_pattern("{slug}.html"))
        batch.feed([line.encode() + b"\n" for line in lines_of(hits)], complete=True)
        tally.absorb(batch)
    return tally


def assert_figures(tally: Tally, hits: list[Hit], *, baseline_total=0, baseline_at=None,
                   count_bots=True):
    want = expected(hits, baseline_total=baseline_total, baseline_at=baseline_at,
                    count_bots=count_bots)
    got = tally.figures(baseline_total, count_bots)
    assert (got.as_of, got.online, got.online_bots, got.online_guests, got.today, got.month,
            got.total) == (int(want.as_of.timestamp()), want.online, want.bots, want.guests,
                           want.today, want.month, want.total)


@pytest.mark.parametrize(("target", "page"), [
    (b"/", b"/"),
    (b"/bai-viet.html", b"/bai-viet.html"),
    (b"/bai-viet.html?utm_source=zalo&x=1.png", b"/bai-viet.html"),
    (b"/lien-he", b"/lien-he"),
    (b"/chuyen-muc/hoat-dong-doan/trang/2/", b"/chuyen-muc/hoat-dong-doan/trang/2/"),
    (b"/tim-kiem/?q=doan+thanh+nien", b"/tim-kiem/"),
    (b"/v1.2/", b"/v1.2/"),
    (b"http://tinhdoan.example/bai.html", b"/bai.html"),
    (b"https://tinhdoan.example", b"/"),
    (b"/favicon.ico", None),
    (b"/feeds/all.atom.xml", None),
    (b"/sitemap.xml", None),
    (b"/theme/", None),
    (b"/theme/css/tin.css", None),
    (b"/images/", None),
    (b"/images/anh", None),
    (b"/pagefind/", None),
    (b"/pagefind/fragment/abc", None),
    (b"*", None),
    (b"", None),
])
def test_page_path(target, page):
    assert page_path(target) == page


def test_excluded_folders_under_the_site_prefix():
    excluded = excluded_prefixes("/tin-tuc/")
    assert page_path(b"/tin-tuc/images/anh", excluded) is None
    assert page_path(b"/images/anh", excluded) is None
    assert page_path(b"/tin-tuc/bai.html", excluded) == b"/tin-tuc/bai.html"


@pytest.mark.parametrize(("method", "status", "page"), [
    (b"GET", 200, True), (b"GET", 304, True), (b"HEAD", 200, False), (b"POST", 200, False),
    (b"GET", 206, False), (b"GET", 301, False), (b"GET", 404, False), (b"GET", 500, False),
])
def test_only_successful_gets_are_page_requests(method, status, page):
    assert is_page_request(method, b"/bai.html", status) is page


def test_known_crawlers_are_bots_and_browsers_are_not():
    detector = BotDetector()
    assert [detector(agent.encode()) for agent in BOTS] == [True] * len(BOTS)
    assert [detector(agent.encode()) for agent in GUESTS] == [False] * len(GUESTS)
    assert detector(b"-") is False


def test_a_visit_is_a_fixed_30_minute_window_from_the_counted_request():
    times = ["10:00:00", "10:10:00", "10:29:59", "10:30:00", "10:59:59", "11:00:00"]
    hits = [Hit("203.0.113.5", GUEST, vn(f"13/11/2022 {t}"), "/") for t in times]
    # 10:00 counts; 10:30:00 is 30 minutes after it; 11:00:00 is 30 minutes after 10:30.
    assert visits(hits) == [hits[0], hits[3], hits[5]]
    assert tally_of(hits).figures().today == 3


def test_a_client_is_the_pair_of_address_and_user_agent():
    at = vn("13/11/2022 10:00")
    hits = [Hit("203.0.113.5", GUEST, at), Hit("203.0.113.5", OTHER_GUEST, at),
            Hit("2001:db8::1", GUEST, at), Hit("2001:db8::1", GUEST, at + timedelta(minutes=1))]
    figures = tally_of(hits).figures()
    assert (figures.online_guests, figures.today) == (3, 3)


def test_only_page_requests_count():
    at = vn("13/11/2022 10:00")
    hits = [
        Hit("203.0.113.5", GUEST, at, "/theme/css/tin.css"),
        Hit("203.0.113.6", GUEST, at, "/images/anh.jpg"),
        Hit("203.0.113.7", GUEST, at, "/bai.html", status=404),
        Hit("203.0.113.8", GUEST, at, "/bai.html", method="HEAD"),
        Hit("203.0.113.9", GUEST, at, "/bai.html", method="POST"),
        Hit("203.0.113.10", GUEST, at - timedelta(minutes=3), "/bai.html"),
    ]
    figures = tally_of(hits).figures()
    # The newest page request, not the newest line, is *as of*.
    assert figures.as_of == int((at - timedelta(minutes=3)).timestamp())
    assert (figures.online, figures.today) == (1, 1)


def test_online_is_the_five_minutes_up_to_as_of_with_bots_apart():
    as_of = vn("13/11/2022 10:00")
    hits = [
        Hit("203.0.113.1", GUEST, as_of),
        Hit("203.0.113.2", GUEST, as_of - timedelta(seconds=299)),
        Hit("203.0.113.3", GUEST, as_of - timedelta(seconds=300)),  # just outside
        Hit("66.249.66.1", BOT, as_of - timedelta(seconds=10)),
        Hit("66.249.66.2", BOTS[3], as_of - timedelta(seconds=200)),
        Hit("66.249.66.3", BOTS[1], as_of - timedelta(minutes=20)),
    ]
    figures = tally_of(hits).figures()
    assert (figures.online, figures.online_bots, figures.online_guests) == (4, 2, 2)
    assert_figures(tally_of(hits), hits)


def test_bots_visits_count_unless_told_otherwise():
    at = vn("13/11/2022 10:00")
    hits = [Hit("66.249.66.1", BOT, at + timedelta(minutes=m)) for m in (0, 30, 60)]
    hits.append(Hit("203.0.113.5", GUEST, at))
    tally = tally_of(hits)
    assert tally.figures(count_bots=True).today == 4
    assert tally.figures(count_bots=False).today == 1
    assert tally.figures(count_bots=False).online_bots == 1  # online counts them regardless
    assert_figures(tally, hits, count_bots=False)


def test_day_and_month_are_vietnamese_calendar_ones_while_logs_are_utc():
    # 16:59:59 UTC on 31/10 is 23:59:59 in Vietnam; 17:00 UTC is already 1 November there.
    before = vn("31/10/2022 23:59:59")
    hits = [
        Hit("203.0.113.1", GUEST, before - timedelta(days=1)),
        Hit("203.0.113.1", GUEST, before),
        Hit("203.0.113.2", GUEST, before + timedelta(seconds=1)),
        Hit("203.0.113.3", GUEST, before + timedelta(seconds=2)),
    ]
    assert "+0000" in hits[1].line() and "16:59:59" in hits[1].line()
    figures = tally_of(hits).figures()
    assert (figures.today, figures.month) == (2, 2)
    assert_figures(tally_of(hits), hits)

    earlier = tally_of(hits[:2]).figures()  # as of 31/10 23:59:59
    assert (earlier.today, earlier.month) == (1, 2)


def test_total_adds_the_visits_strictly_after_the_baseline():
    baseline_at = vn("13/11/2022 10:00")
    hits = [Hit("203.0.113.1", GUEST, baseline_at - timedelta(minutes=40)),
            Hit("203.0.113.2", GUEST, baseline_at),
            Hit("203.0.113.3", GUEST, baseline_at + timedelta(seconds=1)),
            Hit("203.0.113.4", GUEST, baseline_at + timedelta(minutes=50))]
    tally = tally_of(hits, baseline_at=baseline_at)
    assert tally.figures(7_558_632).total == 7_558_634
    assert_figures(tally, hits, baseline_total=7_558_632, baseline_at=baseline_at)


def test_lines_out_of_order_in_one_ingestion_are_counted_in_time_order():
    start = vn("13/11/2022 08:00")
    rng = random.Random(7)
    hits = [Hit(f"203.0.113.{rng.randint(1, 6)}", rng.choice(GUESTS + BOTS),
                start + timedelta(seconds=rng.randint(0, 4 * 3600))) for _ in range(400)]
    rng.shuffle(hits)
    assert_figures(tally_of(hits), hits)


def test_a_visit_window_spans_ingestions():
    start = vn("13/11/2022 10:00")
    client = ("203.0.113.5", GUEST)
    builds = [[Hit(*client, start)], [Hit(*client, start + timedelta(minutes=20))],
              [Hit(*client, start + timedelta(minutes=31))],
              [Hit(*client, start + timedelta(minutes=45))],
              [Hit(*client, start + timedelta(hours=3))]]
    tally = Tally()
    seen: list[Hit] = []
    for hits in builds:
        seen += hits
        batch = Batch(SALT)
        batch.feed([line.encode() + b"\n" for line in lines_of(hits)], complete=True)
        tally.absorb(batch)
        assert_figures(tally, seen)
    assert tally.figures().today == 3


def test_late_lines_within_half_an_hour_are_exact_across_ingestions():
    # A second server's log arrives one ingestion later, up to 25 minutes behind.
    rng = random.Random(11)
    start = vn("13/11/2022 06:00")
    clients = [(f"198.51.100.{n}", rng.choice(GUESTS + BOTS)) for n in range(8)]
    seen: list[Hit] = []
    tally = Tally()
    late: list[Hit] = []
    for step in range(24):
        now = start + timedelta(minutes=10 * step)
        fresh = [Hit(*rng.choice(clients), now + timedelta(seconds=rng.randint(0, 599)))
                 for _ in range(12)]
        batch_hits = fresh + late
        late = [Hit(*rng.choice(clients), now + timedelta(seconds=rng.randint(0, 599)))
                for _ in range(6)]  # held back until the next ingestion
        seen += batch_hits
        batch = Batch(SALT)
        batch.feed([line.encode() + b"\n" for line in lines_of(batch_hits)], complete=True)
        tally.absorb(batch)
        assert_figures(tally, seen)


def test_memory_of_clients_stays_within_the_windows():
    start = vn("13/11/2022 00:00")
    tally = Tally()
    for hour in range(24):
        hits = [Hit(f"203.0.{hour}.{n}", GUEST, start + timedelta(hours=hour, seconds=n))
                for n in range(50)]
        batch = Batch(SALT)
        batch.feed([line.encode() + b"\n" for line in lines_of(hits)], complete=True)
        tally.absorb(batch)
    # Only the last hour's clients can still shadow a request or be pending.
    assert len(tally.last_visits) + len({digest for _, digest, _ in tally.pending}) <= 100
    assert tally.figures().today == 24 * 50


def test_views_are_non_bot_page_requests_of_article_shaped_paths_by_vietnamese_day():
    day = vn("13/11/2022 23:50")
    hits = [Hit("203.0.113.1", GUEST, day, "/bai-a.html"),
            Hit("203.0.113.1", GUEST, day + timedelta(minutes=1), "/bai-a.html?fbclid=1"),
            Hit("203.0.113.2", GUEST, day + timedelta(minutes=20), "/bai-a.html"),  # 14/11
            Hit("203.0.113.3", GUEST, day, "/bai-b.html"),
            Hit("203.0.113.3", GUEST, day, "/chuyen-muc/x/"),
            Hit("66.249.66.1", BOT, day, "/bai-b.html")]
    tally = tally_of(hits)
    first = vn("13/11/2022 00:00").date()
    every_page = views(hits, first, first)
    assert every_page == {"/bai-a.html": 2, "/bai-b.html": 1, "/chuyen-muc/x/": 1}
    # The category page is not shaped like `{slug}.html`, so it is not kept.
    assert tally.views["2022-11-13"] == {"/bai-a.html": 2, "/bai-b.html": 1}
    assert tally.views_since("2022-11-14") == {"/bai-a.html": 1}


def test_moving_the_baseline_is_exact_or_refused():
    hits = [Hit("203.0.113.1", GUEST, vn("12/11/2022 10:00")),
            Hit("203.0.113.1", GUEST, vn("13/11/2022 10:00")),
            Hit("203.0.113.1", GUEST, vn("15/11/2022 10:00"))]
    tally = tally_of(hits)
    assert tally.after_baseline == [2, 0]  # the last visit is still pending
    tally.use_baseline(int(vn("14/11/2022 08:00").timestamp()))  # a day without visits
    assert tally.figures(100).total == 100 + 1
    with pytest.raises(BaselineMoved) as raised:
        tally.use_baseline(int(vn("13/11/2022 08:00").timestamp()))
    assert raised.value.day == "2022-11-13"
    tally.use_baseline(None)
    assert tally.figures().total == 3


def test_vietnam_zone_is_the_one_the_reference_uses():
    assert vn("01/11/2022 00:00").utcoffset() == timedelta(hours=7)
    assert VIETNAM.key == "Asia/Ho_Chi_Minh"
