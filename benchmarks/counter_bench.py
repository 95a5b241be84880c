"""Ingestion speed and memory of the visitor counter on a generated million-line log.

Not a test: `python benchmarks/counter_bench.py [--lines N] [--gzip]` prints lines per second
and peak memory. The log imitates a news site: a day of traffic, most lines assets, about 40%
pages, a few hundred distinct User-Agents (crawlers among them), thousands of clients, some
404s and a few damaged lines.

`--hostile N` measures instead what N hostile lines add to a 100,000-line log: page requests
with distinct 8 KB User-Agents shaped to make crawler detection slow (issue 18: ten of them
cost 64 s). Target: 1,000 of them add under a second. It also prints the cost of one line per
User-Agent size, which must stay flat per byte (linear), and, with `--crawlerdetect`, what
crawlerdetect alone takes on one of them.
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
# Units repeated into hostile User-Agents: letter runs (the quadratic `[a-z0-9\-_]*(bot|…)`),
# `Java.*outbrain`, starts of the patterns judged one by one, browser tokens, Apache escapes,
# the non-ASCII letters that match ASCII ones.
HOSTILE_UNITS = ["x", "A", "ab-_09", "Java ", "Go 1.2.3 ",
                 "aprc/ caam/ daum fetch/ ptst/ sitemap haa project y!j- ",
                 "Safari/1.2 Mozilla/5.0 rv:1.2 ", 'a\\"b\\\\', "\u212a\u0130\u017fé"]
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


def hostile_agent(number: int, size: int) -> str:
    unit = HOSTILE_UNITS[number % len(HOSTILE_UNITS)]
    agent = (unit * (size // len(unit) + 1))[:size - 8] + f" {number:07d}"
    if number % 10 == 0:  # a crawler naming itself at the end, as crawlers do
        agent = agent[:-len(CRAWLERS[0]) - 1] + " " + CRAWLERS[0]
    return agent


def hostile_lines(count: int, size: int, start: datetime) -> list[str]:
    return [f'198.51.100.{n % 250} - - [{start + timedelta(seconds=n):%d/%b/%Y:%H:%M:%S} '
            f'+0000] "GET /bai-{n}.html HTTP/1.1" 200 5120 "-" "{hostile_agent(n, size)}"\n'
            for n in range(count)]


def best_ingest(path: Path, repeats: int = 3) -> float:
    return min(ingest(path)[0] for _ in range(repeats))


def hostile_main(count: int) -> None:
    start = datetime(2024, 11, 12, 17, 0, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as folder:
        plain, mixed = Path(folder) / "plain.log", Path(folder) / "mixed.log"
        generate(plain, 100_000, compress=False)
        lines = plain.read_text(encoding="utf-8").splitlines(keepends=True)
        hostile = hostile_lines(count, 8 * 1024, start + timedelta(hours=1))
        step = len(lines) // count
        mixed_lines = []
        for number, line in enumerate(lines):
            mixed_lines.append(line)
            if number % step == 0 and number // step < count:
                mixed_lines.append(hostile[number // step])
        mixed.write_text("".join(mixed_lines), encoding="utf-8")
        base, with_hostile = best_ingest(plain), best_ingest(mixed)
        added = with_hostile - base
        state = ingest(mixed)[1]
        print(f"100,000 ordinary lines: {base:.2f} s; with {count:,} hostile lines "
              f"(distinct 8 KB User-Agents): {with_hostile:.2f} s")
        verdict = "under" if added < count / 1000 else "OVER"
        print(f"added by {count:,} hostile lines: {added:.2f} s "
              f"({added / count * 1000:.2f} ms a line; target: {verdict} 1 s a thousand)")
        print(f"figures: today {state.tally.figures().today:,}")
        for size in (8 * 1024, 64 * 1024, 1024 * 1024):
            number = 20 if size <= 64 * 1024 else 5
            log = Path(folder) / f"size-{size}.log"
            log.write_text("".join(hostile_lines(number, size, start)), encoding="utf-8")
            each = best_ingest(log) / number
            print(f"one line with a {size // 1024:,} KB User-Agent: {each * 1000:.2f} ms "
                  f"({each / size * 1e9:.0f} ns a byte)")


def crawlerdetect_alone(size: int) -> None:
    from crawlerdetect import CrawlerDetect

    agent = hostile_agent(1, size)
    started = time.perf_counter()
    CrawlerDetect().is_crawler(agent)
    print(f"crawlerdetect alone on one {size // 1024} KB User-Agent: "
          f"{time.perf_counter() - started:.2f} s")


def ingest(path: Path) -> tuple[float, CounterState]:
    state = CounterState()
    started = time.perf_counter()
    state.ingest([str(path)], article_paths=article_path_pattern("{slug}.html"))
    return time.perf_counter() - started, state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--gzip", action="store_true", help="a gzipped log")
    parser.add_argument("--hostile", type=int, metavar="N",
                        help="what N hostile lines add to 100,000 ordinary ones")
    parser.add_argument("--crawlerdetect", action="store_true",
                        help="with --hostile: crawlerdetect alone on one 8 KB User-Agent")
    args = parser.parse_args()
    if args.hostile:
        hostile_main(args.hostile)
        if args.crawlerdetect:
            crawlerdetect_alone(8 * 1024)
        return
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
