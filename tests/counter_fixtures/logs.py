"""Log lines made from known requests, and a reference count straight from the definitions.

The reference is deliberately naive: it keeps every request, sorts everything and applies the
contract's sentences one by one, so it shares no code or shortcut with `tintuc.visits`.
Crawlers are known by construction (the agent lists below), not by asking the library.
"""

import gzip
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

GUESTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 13; SM-A525F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0 Mobile Safari/537.36 coc_coc_browser/118.0",
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
)
BOTS = (
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
)
# A User-Agent and a path that must never reach a page as markup.
HOSTILE_AGENT = '<script>alert("ua")</script><img src=x onerror=alert(1)>'
HOSTILE_PATH = "/<script>alert('path')</script>.html"


def vn(text: str) -> datetime:
    """`dd/mm/YYYY HH:MM[:SS]` in Vietnam time."""
    form = "%d/%m/%Y %H:%M:%S" if text.count(":") == 2 else "%d/%m/%Y %H:%M"
    return datetime.strptime(text, form).replace(tzinfo=VIETNAM)


@dataclass(frozen=True)
class Hit:
    ip: str
    agent: str
    time: datetime
    path: str = "/"
    method: str = "GET"
    status: int = 200
    offset: str = "+0000"  # the server's zone as the log writes it

    def line(self) -> str:
        sign = 1 if self.offset[0] == "+" else -1
        zone = timedelta(hours=int(self.offset[1:3]), minutes=int(self.offset[3:])) * sign
        local = self.time.astimezone(UTC) + zone
        agent = self.agent.replace("\\", "\\\\").replace('"', '\\"')
        return (f'{self.ip} - - [{local:%d/%b/%Y:%H:%M:%S} {self.offset}] '
                f'"{self.method} {self.path} HTTP/1.1" {self.status} 512 "-" "{agent}"')

    @property
    def bot(self) -> bool:
        return self.agent in BOTS


def write_log(path: Path, lines: list[str | bytes], *, gz: bool = False,
              final_newline: bool = True) -> Path:
    data = b"\n".join(line if isinstance(line, bytes) else line.encode() for line in lines)
    if final_newline and lines:
        data += b"\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def lines_of(hits: list[Hit]) -> list[str]:
    return [hit.line() for hit in hits]


# --- The reference ---------------------------------------------------------------------------

def is_page(hit: Hit) -> bool:
    if hit.method != "GET" or hit.status not in (200, 304):
        return False
    path = hit.path.split("?")[0]
    if any(path.startswith(folder) for folder in ("/pagefind/", "/theme/", "/images/")):
        return False
    last = path.split("/")[-1]
    return path.endswith("/") or path.endswith(".html") or "." not in last


@dataclass(frozen=True)
class Expected:
    as_of: datetime | None
    online: int
    bots: int
    guests: int
    today: int
    month: int
    total: int

    def labelled(self, separator: str = ",") -> list[tuple[str, str]]:
        labels = ("Đang truy cập", "Máy chủ tìm kiếm", "Khách viếng thăm", "Hôm nay",
                  "Tháng hiện tại", "Tổng lượt truy cập")
        values = (self.online, self.bots, self.guests, self.today, self.month, self.total)
        return [(label, f"{value:,}".replace(",", separator))
                for label, value in zip(labels, values, strict=True)]


def visits(hits: list[Hit], count_bots: bool = True) -> list[Hit]:
    """The page requests that count as visits: a fixed 30-minute window per client."""
    pages = sorted((hit for hit in hits if is_page(hit)), key=lambda hit: hit.time)
    last: dict[tuple[str, str], datetime] = {}
    counted = []
    for hit in pages:
        client = (hit.ip, hit.agent)
        if client not in last or hit.time - last[client] >= timedelta(minutes=30):
            last[client] = hit.time
            if count_bots or not hit.bot:
                counted.append(hit)
    return counted


def expected(hits: list[Hit], *, baseline_total: int = 0, baseline_at: datetime | None = None,
             count_bots: bool = True) -> Expected:
    pages = [hit for hit in hits if is_page(hit)]
    if not pages:
        return Expected(baseline_at, 0, 0, 0, 0, 0, baseline_total)
    as_of = max(hit.time for hit in pages)
    online = {(hit.ip, hit.agent): hit.bot for hit in pages
              if as_of - timedelta(minutes=5) < hit.time <= as_of}
    bots = sum(online.values())
    local = as_of.astimezone(VIETNAM)
    counted = visits(hits, count_bots)
    days = [hit.time.astimezone(VIETNAM) for hit in counted]
    today = sum(1 for day in days if day.date() == local.date())
    month = sum(1 for day in days if (day.year, day.month) == (local.year, local.month))
    after = sum(1 for hit in counted if baseline_at is None or hit.time > baseline_at)
    return Expected(as_of, len(online), bots, len(online) - bots, today, month,
                    baseline_total + after)


def views(hits: list[Hit], first_day, last_day) -> dict[str, int]:
    """Non-bot page requests per path over Vietnamese days [first_day, last_day]."""
    counts: dict[str, int] = {}
    for hit in hits:
        day = hit.time.astimezone(VIETNAM).date()
        if is_page(hit) and not hit.bot and first_day <= day <= last_day:
            path = hit.path.split("?")[0]
            counts[path] = counts.get(path, 0) + 1
    return counts
