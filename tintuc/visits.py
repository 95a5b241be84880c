"""Counting visits from page requests, as CONTRACT §4 defines them.

The counting keeps two kinds of data:
- *settled*: everything up to `settled_until` is final: visits per Vietnamese calendar day,
  the visits after the baseline, and for each client whose last counted visit may still shadow
  a later request (less than 30 minutes before `settled_until`) the time of that visit;
- *pending*: the page requests newer than `settled_until` (the last 30 minutes before *as of*),
  kept raw so that a line that arrives late (Apache stamps a request when it starts, a second
  server's log is fetched a little later) is still counted exactly, in time order, by the
  next ingestion. The figures replay the pending requests on top of the settled data.

So memory and time grow with the new lines and the last half hour of traffic, never with the
site's history. Clients are known by a salted digest of (IP address, User-Agent): the state
file never holds an address or a User-Agent.
"""

import hashlib
import re
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from urllib.parse import unquote

from tintuc.accesslog import LINE, Timestamps
from tintuc.crawlers import is_crawler, judged_text
from tintuc.dates import VIETNAM

VISIT_WINDOW = 30 * 60
ONLINE_WINDOW = 5 * 60
# How long page requests stay raw (pending) after the newest one: lines later than this are
# counted by an approximate rule (see `Tally.absorb`).
SETTLE_DELAY = 30 * 60
# A line later than the build's clock by more than this is ignored (and told): a server cannot
# log a request from the future, so its clock or the log is wrong, and one such line would
# hold "Cập nhật" and "Hôm nay" on its day. Servers and CI keep time by NTP, within a second;
# an hour is far more than honest skew, and at worst lets the figures run an hour ahead.
CLOCK_SKEW = 60 * 60
EXCLUDED_PREFIXES = (b"/pagefind/", b"/theme/", b"/images/")

# A page request is packed as (time << 32 | client) into one integer.
_CLIENT_BITS = 32
_CLIENT_MASK = (1 << _CLIENT_BITS) - 1


# --- Page requests ---------------------------------------------------------------------------

def excluded_prefixes(site_prefix: str = "") -> tuple[bytes, ...]:
    """The contract's excluded folders, also under the site's own path when it has one."""
    prefix = site_prefix.rstrip("/").encode()
    if not prefix:
        return EXCLUDED_PREFIXES
    return EXCLUDED_PREFIXES + tuple(prefix + folder for folder in EXCLUDED_PREFIXES)


def page_path(target: bytes, excluded: tuple[bytes, ...] = EXCLUDED_PREFIXES) -> bytes | None:
    """The path of a request target when it is a page, else None (CONTRACT §4).

    A page ends in `/` or `.html` or has no file extension (no dot in its last segment),
    outside the excluded folders; the query string does not count. Proxies and scanners
    send absolute URLs: their path is judged.
    """
    path = target.partition(b"?")[0]
    if path[:1] != b"/":
        _, scheme_sep, rest = path.partition(b"://")
        if not scheme_sep:
            return None
        slash = rest.find(b"/")
        path = rest[slash:] if slash >= 0 else b"/"
    if path.startswith(excluded):
        return None
    name = path.rpartition(b"/")[2]
    if b"." not in name or name.endswith(b".html"):
        return path
    return None


def is_page_request(method: bytes, target: bytes, status: int,
                    excluded: tuple[bytes, ...] = EXCLUDED_PREFIXES) -> bool:
    return method == b"GET" and status in (200, 304) and page_path(target, excluded) is not None


class BotDetector:
    """Crawler verdicts (`tintuc.crawlers`), once per distinct judged text.

    A log has many lines and few distinct User-Agents, so each one is judged once; the memory
    of verdicts is emptied when it grows large, so a log of distinct User-Agents cannot fill it.
    """

    LIMIT = 100_000

    def __init__(self) -> None:
        self._verdicts: dict[str, bool] = {}

    def __call__(self, user_agent: bytes) -> bool:
        text = judged_text(user_agent)
        verdict = self._verdicts.get(text)
        if verdict is None:
            if len(self._verdicts) >= self.LIMIT:
                self._verdicts.clear()
            verdict = self._verdicts[text] = is_crawler(text)
        return verdict


def article_path_pattern(article_url: str) -> re.Pattern[bytes]:
    """A pattern for the paths shaped like Pelican's `ARTICLE_URL`, matched at their end.

    `{slug}.html` finds paths ending in `/<one segment>.html`, whatever the site's prefix
    (SITEURL), so the prefix never changes what is recorded.
    """
    parts = re.split(r"\{[^}]*\}", article_url.lstrip("/"))
    body = b"[^/]+".join(re.escape(part).encode() for part in parts)
    return re.compile(b"(?:^|/)" + body + b"$")


# --- Calendar --------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _day_of_hour(hour: int) -> str:
    # Vietnam's offset has been a whole number of hours since 1975: one lookup per hour.
    return datetime.fromtimestamp(hour * 3600, VIETNAM).date().isoformat()


def vietnam_day(epoch: int) -> str:
    """`YYYY-MM-DD`, the calendar day in Asia/Ho_Chi_Minh of an epoch time."""
    return _day_of_hour(epoch // 3600)


def vietnam_time(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, VIETNAM)


def days_back(last_day: str, count: int) -> list[str]:
    """`count` calendar days ending on `last_day`, newest first."""
    last = date.fromisoformat(last_day)
    return [(last - timedelta(days=n)).isoformat() for n in range(count)]


# --- Reading new lines -----------------------------------------------------------------------

@dataclass
class Scan:
    """What one run of lines gave, for the file that holds them."""

    consumed: int = 0  # bytes fully dealt with; the next run starts there
    unreadable: int = 0
    newest: int | None = None  # newest time of any readable line not from the future
    future: int = 0  # lines later than `latest`, ignored
    first_future: tuple[int, int] | None = None  # (byte offset in the run, time) of the first


# A client is known by its address and User-Agent; past this length the User-Agent is known by
# a digest, so a log of megabyte User-Agents does not keep megabytes per client in memory.
LONG_AGENT = 1024


def _long_agent_key(ip: bytes, user_agent: bytes) -> tuple:
    # Three items: never equal to the (address, User-Agent) pair of a short one.
    return ip, hashlib.blake2b(user_agent, digest_size=16).digest(), None


class Batch:
    """The page requests of one ingestion, kept compact: one 64-bit integer each.

    A million lines hold few distinct clients, so a client is a small integer here and its
    digest and crawler verdict are worked out once.
    """

    def __init__(self, salt: bytes, *, article_paths: re.Pattern[bytes] | None = None,
                 excluded: tuple[bytes, ...] = EXCLUDED_PREFIXES) -> None:
        self._salt = salt
        self._article_paths = article_paths
        self._excluded = excluded
        self._is_bot = BotDetector()
        self._timestamps = Timestamps()
        self._clients: dict[tuple, int] = {}
        self._by_digest: dict[str, int] = {}
        self.digests: list[str] = []
        self.bots: list[bool] = []
        # (time << 32 | client): sorting these sorts requests by time.
        self.requests = array("Q")
        # (hour, path) → non-bot page requests; only article-shaped paths are kept at the end
        # (testing the shape once per distinct path is cheaper than once per line).
        self.views: dict[tuple[int, bytes], int] = {}

    def __len__(self) -> int:
        return len(self.requests)

    def client(self, digest: str, bot: bool) -> int:
        index = self._by_digest.get(digest)
        if index is None:
            index = self._by_digest[digest] = len(self.digests)
            self.digests.append(digest)
            self.bots.append(bot)
        return index

    def _new_client(self, key: tuple, ip: bytes, user_agent: bytes) -> int:
        digest = hashlib.blake2b(ip + b"\x00" + user_agent, digest_size=8,
                                 key=self._salt).hexdigest()
        index = self.client(digest, self._is_bot(user_agent))
        self._clients[key] = index
        return index

    def feed(self, lines: Iterable[bytes], *, complete: bool,
             ignore_until: int | None = None, latest: int | None = None) -> Scan:
        """Read lines; a last line without newline is kept for later unless `complete`.

        A plain file may be read while a line is half written (or half copied by rsync):
        such a tail is counted as unreadable this time but not consumed, so the whole line is
        read next time. A gzip file never grows, so everything in it is consumed.
        `ignore_until`: lines at or before this time are read but not counted (they may have
        been counted from a file the state no longer remembers).
        `latest`: lines after this time (the build's clock and `CLOCK_SKEW`) are read, not
        counted, and reported in `Scan.future`.
        """
        # The loop body runs once per log line: everything it touches is a local name.
        match = LINE.match
        known_second = self._timestamps.seconds.get
        epoch = self._timestamps.epoch
        client_of = self._clients.get
        new_client = self._new_client
        bots = self.bots
        add = self.requests.append
        views = self.views
        view_count = views.get
        excluded = self._excluded
        consumed = unreadable = future = 0
        first_future = None
        newest = -1
        floor = -1 if ignore_until is None else ignore_until
        ceiling = 1 << 62 if latest is None else latest
        for line in lines:
            found = match(line)
            if found is None:
                if line and not line.isspace():
                    unreadable += 1
                if complete or line.endswith(b"\n"):
                    consumed += len(line)
                continue
            consumed += len(line)
            ip, stamp, request, status, agent = found.groups()
            time = known_second(stamp)
            if time is None:
                time = epoch(stamp)
                if time is None:
                    unreadable += 1
                    continue
            if time > ceiling:
                future += 1
                if first_future is None:
                    first_future = (consumed - len(line), time)
                continue
            if time > newest:
                newest = time
            if time <= floor or (status != b"200" and status != b"304"):
                continue
            if request[:4] != b"GET ":
                continue
            path = page_path(request[4:].split(b" ", 1)[0], excluded)
            if path is None:
                continue
            key = (ip, agent) if len(agent) <= LONG_AGENT else _long_agent_key(ip, agent)
            index = client_of(key)
            if index is None:
                index = new_client(key, ip, agent)
            add(time << 32 | index)
            if not bots[index]:
                hour_path = (time // 3600, path)
                views[hour_path] = view_count(hour_path, 0) + 1
        return Scan(consumed, unreadable, newest if newest >= 0 else None, future, first_future)

    def article_views(self) -> dict[str, Counter[str]]:
        """Vietnamese day → article path → views, from the non-bot page requests."""
        days: dict[str, Counter[str]] = {}
        shaped = self._article_paths
        for (hour, raw_path), number in self.views.items():
            if shaped is None or not shaped.search(raw_path):
                continue
            path = unquote(raw_path.decode("utf-8", "replace"))
            days.setdefault(_day_of_hour(hour), Counter())[path] += number
        return days


# --- The running tally -----------------------------------------------------------------------

class BaselineMoved(ValueError):
    """The baseline moment changed and the visits of its day cannot be split again."""

    def __init__(self, day: str) -> None:
        super().__init__(day)
        self.day = day


@dataclass
class Figures:
    """The six figures, before formatting (CONTRACT §4)."""

    as_of: int | None
    online_bots: int
    online_guests: int
    today: int
    month: int
    total: int

    @property
    def online(self) -> int:
        return self.online_bots + self.online_guests


@dataclass
class Tally:
    settled_until: int | None = None
    as_of: int | None = None
    last_visits: dict[str, int] = field(default_factory=dict)
    pending: list[tuple[int, str, bool]] = field(default_factory=list)
    # Vietnamese day → [guest visits, bot visits], settled visits only.
    daily: dict[str, list[int]] = field(default_factory=dict)
    # The baseline moment that `after_baseline` refers to (None: no baseline, all visits).
    baseline_at: int | None = None
    after_baseline: list[int] = field(default_factory=lambda: [0, 0])
    # Vietnamese day → path → views (non-bot page requests of article-shaped paths).
    views: dict[str, dict[str, int]] = field(default_factory=dict)
    # Path → every view since counting began: "Lượt xem" on each article. Days of `views`
    # are forgotten after a while; these totals never are.
    view_totals: dict[str, int] = field(default_factory=dict)

    # -- the baseline --

    def use_baseline(self, at: int | None) -> None:
        """Refer the settled visits to the baseline moment `at` (None: no baseline).

        Changing it later is exact when the day of the new moment holds no settled visit (or
        when everything settled is before it); otherwise the visits of that day cannot be
        split again and `BaselineMoved` is raised.
        """
        if at == self.baseline_at:
            return
        if at is None:
            after = [sum(day[0] for day in self.daily.values()),
                     sum(day[1] for day in self.daily.values())]
        elif self.settled_until is None or at >= self.settled_until:
            after = [0, 0]
        else:
            first_day = vietnam_day(at)
            if any(self.daily.get(first_day, ())):
                raise BaselineMoved(first_day)
            after = [0, 0]
            for day, (guests, bots) in self.daily.items():
                if day > first_day:
                    after[0] += guests
                    after[1] += bots
        self.baseline_at = at
        self.after_baseline = after

    # -- ingestion --

    def absorb(self, batch: Batch) -> None:
        """Count the batch's page requests together with the pending ones, in time order.

        Requests at or before `settled_until` arrive later than the raw window allows: each
        counts when it is 30 minutes or more from its client's known counted visits, which
        is exact unless older visits of that client were already forgotten.
        """
        totals = self.view_totals
        for day, counts in batch.article_views().items():
            into = self.views.setdefault(day, {})
            for path, number in counts.items():
                into[path] = into.get(path, 0) + number
                totals[path] = totals.get(path, 0) + number
        if not batch.requests:
            return  # replaying the pending requests alone would change nothing

        for time, digest, bot in self.pending:
            batch.requests.append(time << _CLIENT_BITS | batch.client(digest, bot))
        self.pending = []
        ordered = sorted(batch.requests)
        del batch.requests[:]  # the sorted copy replaces it; keep the peak to one copy
        newest = ordered[-1] >> _CLIENT_BITS
        if self.as_of is None or newest > self.as_of:
            self.as_of = newest
        previous = self.settled_until
        settle = self.as_of - SETTLE_DELAY
        if previous is not None and settle < previous:
            settle = previous

        digests, bots = batch.digests, batch.bots
        last_visits = self.last_visits
        late_visits: dict[str, int] = {}
        pending = self.pending
        for key in ordered:
            time = key >> _CLIENT_BITS
            index = key & _CLIENT_MASK
            digest = digests[index]
            if time > settle:
                pending.append((time, digest, bots[index]))
                continue
            last = last_visits.get(digest)
            if previous is not None and time <= previous:
                late = late_visits.get(digest)
                if (last is not None and abs(time - last) < VISIT_WINDOW) or (
                    late is not None and time - late < VISIT_WINDOW
                ):
                    continue
                late_visits[digest] = time
                if last is None or time > last:
                    last_visits[digest] = time
            elif last is not None and time - last < VISIT_WINDOW:
                continue
            else:
                last_visits[digest] = time
            self._settle_visit(time, bots[index])

        self.settled_until = settle
        horizon = settle - VISIT_WINDOW
        self.last_visits = {d: t for d, t in last_visits.items() if t > horizon}

    def _settle_visit(self, time: int, bot: bool) -> None:
        day = self.daily.get(vietnam_day(time))
        if day is None:
            day = self.daily[vietnam_day(time)] = [0, 0]
        day[bot] += 1
        if self.baseline_at is None or time > self.baseline_at:
            self.after_baseline[bot] += 1

    def forget_views_before(self, first_day: str) -> None:
        for day in [day for day in self.views if day < first_day]:
            del self.views[day]

    # -- figures --

    def provisional_visits(self) -> list[tuple[int, bool]]:
        """The visits among the pending requests, replayed on top of the settled ones."""
        overlay: dict[str, int] = {}
        visits = []
        for time, digest, bot in sorted(self.pending):
            last = overlay.get(digest)
            if last is None:
                last = self.last_visits.get(digest)
            if last is None or time - last >= VISIT_WINDOW:
                overlay[digest] = time
                visits.append((time, bot))
        return visits

    def days(self) -> dict[str, list[int]]:
        """Vietnamese day → [guest visits, bot visits], settled and provisional."""
        merged = {day: list(counts) for day, counts in self.daily.items()}
        for time, bot in self.provisional_visits():
            merged.setdefault(vietnam_day(time), [0, 0])[bot] += 1
        return merged

    def figures(self, baseline_total: int = 0, count_bots: bool = True) -> Figures:
        provisional = self.provisional_visits()
        counted = (lambda guests, bots: guests + bots) if count_bots else (lambda g, _b: g)

        online: dict[str, bool] = {}
        if self.as_of is not None:
            for time, digest, bot in self.pending:
                if self.as_of - ONLINE_WINDOW < time <= self.as_of:
                    online[digest] = bot
        online_bots = sum(online.values())

        total = baseline_total + counted(*self.after_baseline)
        today = month = 0
        if self.as_of is not None:
            this_day = vietnam_day(self.as_of)
            this_month = this_day[:7]
            for day, (guests, bots) in self.daily.items():
                if day.startswith(this_month):
                    month += counted(guests, bots)
                    if day == this_day:
                        today += counted(guests, bots)
            for time, bot in provisional:
                if bot and not count_bots:
                    continue
                day = vietnam_day(time)
                if day.startswith(this_month):
                    month += 1
                    today += day == this_day
                if self.baseline_at is None or time > self.baseline_at:
                    total += 1
        return Figures(self.as_of, online_bots, len(online) - online_bots, today, month, total)

    def views_since(self, first_day: str) -> Counter[str]:
        """Path → views on the days from `first_day` on (Vietnamese days, inclusive)."""
        totals: Counter[str] = Counter()
        for day, counts in self.views.items():
            if day >= first_day:
                totals.update(counts)
        return totals
