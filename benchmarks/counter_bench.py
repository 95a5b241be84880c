"""Ingestion speed and memory of the visitor counter on a generated million-line log.

Not a test: `python benchmarks/counter_bench.py [--lines N] [--gzip]` prints lines per second
and peak memory. The log imitates a news site: a day of traffic, most lines assets, about 40%
pages, a few hundred distinct User-Agents (crawlers among them), thousands of clients, some
404s and a few damaged lines.
"""

import argparse
import gzip
import random
import resource
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tintuc.counter_state import CounterState
from tintuc.visits import article_path_pattern

BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-A{v}F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{v} like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1 Zalo iOS/{v}",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "coc_coc_browser/{v}.0 Chrome/118.0 Safari/537.36",
]
CRAWLERS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Mozilla/5.0 (compatible; coccocbot-web/1.0; +http://help.coccoc.com/searchengine)",
]
ASSETS = ["/theme/css/tin.css", "/theme/js/tim-kiem.js", "/images/anh-{n}.jpg",
          "/images/anh-{n}-480.webp", "/favicon.ico", "/pagefind/pagefind.js"]


def generate(path: Path, lines: int, compress: bool, seed: int = 4) -> None:
    rng = random.Random(seed)
    agents = [b.format(v=v) for b in BROWSERS for v in range(60, 160)] + CRAWLERS
    clients = [(f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}."
                f"{rng.randint(1, 254)}", rng.choice(agents)) for _ in range(20_000)]
    clients += [(f"2001:db8:{n:x}::{n % 97:x}", rng.choice(agents)) for n in range(2_000)]
    start = datetime(2024, 11, 12, 17, 0, tzinfo=UTC)
    step = 86000 / lines  # one Vietnamese day, 00:00 to 23:53
    opener = gzip.open if compress else open
    with opener(path, "wt", encoding="utf-8", newline="\n") as out:
        for n in range(lines):
            moment = start + timedelta(seconds=n * step + rng.random() * 2)
            ip, agent = rng.choice(clients)
            roll = rng.random()
            if roll < 0.40:
                target, status = rng.choice(["/", f"/bai-{rng.randint(1, 3000)}.html",
                                             f"/chuyen-muc/muc-{rng.randint(1, 12)}/",
                                             "/tim-kiem/?q=doan+thanh+nien"]), 200
            elif roll < 0.95:
                target = rng.choice(ASSETS).format(n=rng.randint(1, 5000))
                status = 200 if rng.random() < 0.8 else 304
            elif roll < 0.999:
                target, status = f"/wp-login.php?{n}", 404
            else:
                out.write(f"{ip} - - [{moment:%d/%b/%Y:%H:%M}\n")  # cut short by a crash
                continue
            out.write(f'{ip} - - [{moment:%d/%b/%Y:%H:%M:%S} +0000] "GET {target} HTTP/1.1" '
                      f'{status} {rng.randint(200, 90000)} "-" "{agent}"\n')


def ingest(path: Path) -> tuple[float, CounterState]:
    state = CounterState()
    started = time.perf_counter()
    state.ingest([str(path)], article_paths=article_path_pattern("{slug}.html"))
    return time.perf_counter() - started, state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--gzip", action="store_true", help="a gzipped log")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("access.log.1.gz" if args.gzip else "access.log")
        generate(path, args.lines, args.gzip)
        size = path.stat().st_size
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        seconds, state = ingest(path)
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()
        ingest(path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        again_started = time.perf_counter()
        report = state.ingest([str(path)])
        again = time.perf_counter() - again_started

    figures = state.tally.figures()
    print(f"log: {args.lines:,} lines, {size / 2**20:.1f} MiB{' gzipped' if args.gzip else ''}")
    print(f"ingestion: {seconds:.2f} s, {args.lines / seconds:,.0f} lines/s")
    print(f"peak memory of ingestion (tracemalloc): {peak / 2**20:.1f} MiB")
    print(f"process max RSS: {rss_before / 1024:.0f} MiB before, {rss_after / 1024:.0f} MiB "
          "after the first ingestion")
    print(f"second ingestion of the same file: {again * 1000:.1f} ms, "
          f"{report.bytes_read} new bytes")
    print(f"figures: today {figures.today:,}, online {figures.online:,}, "
          f"total {figures.total:,}")


if __name__ == "__main__":
    main()
