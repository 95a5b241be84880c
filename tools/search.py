"""The search's numbers (docs/search.md): index size, bytes a reader downloads for a search,
and how long a search takes, on a generated site of N articles (tools/bench.py's corpus).

`invoke search-bench --articles 10000` builds that site with the search plugin (one bundle per
shard, a group of years, and the bundle of their words; `--shard-articles 1` gives one bundle
per year, the layout before years were grouped), times making that index from an empty cache,
from a full one and after an edit of the oldest article (for the grouped layout and for one
bundle per year), indexes the same pages again as one bundle (the layout before the index was
split) and as one bundle the way Pagefind alone would (`đ` kept as it is), then runs searches
in headless Chromium, each from an empty cache: through the search page on the split index,
and straight on each single bundle.
The helpers here (settings, a local HTTP server, Chromium) are what tests/test_search.py uses.
"""

import contextlib
import gzip
import json
import os
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from tintuc.files import load_settings
from tintuc_tools.serve import serving

PROJECT = Path(__file__).resolve().parents[1]
SETTINGS_FILE = PROJECT / "pelicanconf.py"
SEARCH_PAGE = {"search.html": "tim-kiem/index.html"}
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# What Chromium needs to run headless as root in a container (shared/PELICAN-NOTES.md).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
BENCH_QUERIES = ["doan thanh nien", "dang", "hoi nghi tong ket cong tac", "Đại hội Đoàn",
                 '"chuyen doi so"']


def search_settings(base: dict | None = None) -> dict:
    """The settings search needs on top of pelicanconf.py: the plugin and the page.

    Harmless once pelicanconf.py has them: plugins are added, never replaced."""
    if base is None:
        base = load_settings(SETTINGS_FILE)
    plugins = list(dict.fromkeys([*base.get("PLUGINS", []), "tintuc_plugins.search_index"]))
    required = list(dict.fromkeys([*base.get("REQUIRED_PLUGINS", []),
                                   "tintuc_plugins.search_index"]))
    pages = {**base.get("TEMPLATE_PAGES", {}), **SEARCH_PAGE}
    return {"PLUGINS": plugins, "REQUIRED_PLUGINS": required, "TEMPLATE_PAGES": pages}


def serve(folder: Path):
    """The built site over HTTP on 127.0.0.1 and a free port (Pagefind needs http: to fetch)."""
    return serving(folder)


@contextlib.contextmanager
def chromium(width: int = 1280, height: int = 900):
    """Debian's Chromium through Playwright, with a fresh profile (never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
            viewport={"width": width, "height": height})
        try:
            yield context
        finally:
            context.close()


def search_url(base: str, query: str, **filters: str) -> str:
    params = [("q", query)] + [(key.replace("_", "-"), value) for key, value in filters.items()]
    return base + "tim-kiem/?" + "&".join(f"{key}={quote(value)}" for key, value in params)


# The status line settles on one of these once a search has finished.
SETTLED = """() => {
  const text = document.querySelector('[data-search-status]').textContent;
  return text && !text.startsWith('Đang tìm');
}"""


def wait_for_results(page, timeout: float = 30_000) -> str:
    page.wait_for_function(SETTLED, timeout=timeout)
    return page.text_content("[data-search-status]")


# --- sizes ------------------------------------------------------------------------------------

def _wire_size(data: bytes, path: str) -> int:
    """Bytes over the wire from a server that compresses text (nginx gzip); Pagefind's own
    files are compressed already."""
    if data[:2] == b"\x1f\x8b" or not path.endswith((".js", ".css", ".html", ".json", "/")):
        return len(data)
    return len(gzip.compress(data, 6))


_PAGEFIND_FOLDERS = {"fragment", "index", "filter"}


def bundle_stats(folder: Path) -> dict:
    """Sizes of one bundle, or of every bundle under `folder` (OUTPUT_PATH/pagefind)."""
    groups: dict[str, list[int]] = {}
    bundles = {path.parent for path in folder.rglob("pagefind-entry.json")}
    for path in folder.rglob("*"):
        if path.is_file():
            kind = path.parent.name if path.parent.name in _PAGEFIND_FOLDERS \
                else path.suffix.lstrip(".")
            groups.setdefault(kind, []).append(path.stat().st_size)
    return {
        "bundles": len(bundles),
        "total_bytes": sum(sum(sizes) for sizes in groups.values()),
        "files": sum(len(sizes) for sizes in groups.values()),
        "groups": {kind: {"files": len(sizes), "bytes": sum(sizes),
                          "mean_bytes": round(statistics.mean(sizes))}
                   for kind, sizes in sorted(groups.items())},
    }


# --- building -----------------------------------------------------------------------------------

def build_site(content: Path, output: Path, shard_articles: int | None = None) -> dict:
    """Build `content` in this process with search on (SEARCH_INDEX["shard_articles"] as
    given, else the project's); returns timings."""
    from pelican import Pelican
    from pelican.settings import read_settings

    override = {"PATH": str(content), "OUTPUT_PATH": str(output), **search_settings()}
    if shard_articles is not None:
        index = load_settings(SETTINGS_FILE).get("SEARCH_INDEX") or {}
        override["SEARCH_INDEX"] = {**index, "shard_articles": shard_articles}
    settings = read_settings(str(SETTINGS_FILE), override=override)
    started = time.perf_counter()
    Pelican(settings).run()
    total = time.perf_counter() - started
    return {"build_seconds": round(total, 1), "articles": len(built_articles())}


def built_articles() -> list:
    """The articles the last in-process build indexed."""
    from tintuc_plugins import build

    return list(build.last().search.articles)


def index_alone(articles, bundle: Path) -> float:
    """What Pagefind alone would index: the same pages with the original text (marks and `đ`
    kept), to compare sizes and downloads with the folded index."""
    import html

    from tintuc.search.records import SearchPage, restore
    from tintuc.search.shards import run_pagefind, write_pages
    from tintuc_plugins.search_index.indexer import page_of

    def unfolded(page: SearchPage) -> SearchPage:
        marks = html.unescape(re.search(r'data-marks="([^"]*)"', page.html).group(1))
        title_marks = html.unescape(re.search(r'data-title-marks="([^"]*)"', page.html).group(1))
        text = re.search(r"<p>(.*)</p>", page.html, re.S).group(1)
        title = re.search(r'data-title="([^"]*)"', page.html).group(1)
        new = page.html.replace(f"<p>{text}</p>", "<p>" + html.escape(
            restore(html.unescape(text), marks), quote=False) + "</p>")
        new = new.replace(f'data-title="{title}"', 'data-title="' + html.escape(
            restore(html.unescape(title), title_marks), quote=True) + '"')
        return SearchPage(page.save_as, new)

    pages = [unfolded(page_of(article)) for article in articles]
    shutil.rmtree(bundle, ignore_errors=True)  # Pagefind never clears its output folder
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        write_pages(pages, Path(folder))
        run_pagefind(Path(folder), bundle)
    return time.perf_counter() - started


def time_indexing(articles, bundle: Path) -> float:
    """The index as it was before it was split by year: one bundle of every record."""
    from tintuc.search.shards import run_pagefind, write_pages
    from tintuc_plugins.search_index.indexer import page_of

    shutil.rmtree(bundle, ignore_errors=True)  # Pagefind never clears its output folder
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        write_pages([page_of(article) for article in articles], Path(folder))
        run_pagefind(Path(folder), bundle)
    return time.perf_counter() - started


# Appended to the oldest article: words every shard has (its own title), then a word no
# article has, which makes the words bundle again too.
NEW_WORD = "Khuổi Nậm Pắc"


def time_split_indexing(articles, cache: Path, workers: int, shard_articles: int) -> dict:
    """The split index as the plugin makes it in its background process: from an empty cache
    (records made, every bundle made), again from the filled cache, then after an edit of the
    oldest article, with words its shard has, then with a new word. Seconds and the bundles
    made for each."""
    import dataclasses

    from tintuc.search.shards import make_index
    from tintuc_plugins.search_index.indexer import entry_of

    shutil.rmtree(cache, ignore_errors=True)
    entries = [entry_of(article) for article in articles]
    oldest = min(range(len(entries)), key=lambda number: entries[number].date)
    entry = entries[oldest]
    edits = {"cold": entries, "cached": entries}
    for run, added in (("edited", entry.title), ("new_word", NEW_WORD)):
        edits[run] = [*entries[:oldest], dataclasses.replace(
            entry, body_html=f"{entry.body_html}<p>{added}</p>"), *entries[oldest + 1:]]
    timings = {"shard_articles": shard_articles, "oldest": f"{entry.date:%d/%m/%Y}"}
    for run, edited in edits.items():
        started = time.perf_counter()
        outcome = make_index(edited, cache, workers, shard_articles=shard_articles)
        timings[run] = round(time.perf_counter() - started, 1)
        timings[f"{run}_made"] = [shard["name"] for shard in outcome.shards if shard["indexed"]]
    timings["shards"] = {shard["name"]: shard["articles"] for shard in outcome.shards}
    return timings


# --- searching ----------------------------------------------------------------------------------

def measure_search(context, base: str, query: str) -> dict:
    """One reader's first search from an empty cache, then a second query on the same page
    (typed into its form), each timed until its results are on screen."""
    page = context.new_page()
    responses: list[tuple[str, bytes]] = []
    page.on("response", lambda response: responses.append(
        (response.url, response.body() if response.ok else b"")))
    started = time.perf_counter()
    page.goto(search_url(base, query))
    status = wait_for_results(page)
    first_seconds = time.perf_counter() - started
    page.wait_for_load_state("networkidle")
    first = list(responses)
    responses.clear()
    started = time.perf_counter()
    page.fill("#tu-khoa", query + " nam")
    page.press("#tu-khoa", "Enter")
    next_status = wait_for_results(page)
    next_seconds = time.perf_counter() - started
    page.wait_for_load_state("networkidle")
    second = list(responses)
    page.close()

    def split(items):
        found = {"page": [0, 0], "pagefind": [0, 0]}
        for url, body in items:
            kind = "pagefind" if "/pagefind/" in url else "page"
            found[kind][0] += len(body)
            found[kind][1] += _wire_size(body, url.split("?")[0])
        return {kind: {"raw": raw, "wire": wire, "files": sum(
            1 for url, _ in items if ("/pagefind/" in url) == (kind == "pagefind"))}
            for kind, (raw, wire) in found.items()}

    return {"query": query, "status": status, "first_result_seconds": round(first_seconds, 2),
            "next_status": next_status, "next_result_seconds": round(next_seconds, 2),
            "first_search": split(first), "next_search": split(second)}


ENGINE_SEARCH = """async ([bundle, query]) => {
  const pagefind = await import(bundle + 'pagefind.js');
  await pagefind.options({bundlePath: bundle});
  const t0 = performance.now();
  const search = await pagefind.search(query);
  await Promise.all(search.results.slice(0, 10).map(r => r.data()));
  return {results: search.results.length, ms: performance.now() - t0};
}"""


def measure_engine(context, base: str, bundle: str, query: str) -> dict:
    """A first search straight on a bundle, from an empty cache: its bytes and time."""
    page = context.new_page()
    sizes: list[int] = []
    page.on("response", lambda response: sizes.append(
        len(response.body()) if response.ok and f"/{bundle}/" in response.url else 0))
    page.goto(base + "404.html")
    found = page.evaluate(ENGINE_SEARCH, [f"{base}{bundle}/", query])
    page.wait_for_load_state("networkidle")
    page.close()
    return {"query": query, "results": found["results"], "ms": round(found["ms"]),
            "bytes": sum(sizes)}


def run(count: int, workdir: Path, queries=BENCH_QUERIES,
        shard_articles: int | None = None) -> dict:
    from tintuc.processes import news_workers
    from tintuc.search.records import fold_text
    from tintuc.search.settings import settings_of
    from tintuc_tools.bench import make_articles, write_corpus, write_ours

    content, output = workdir / "content", workdir / "output"
    write_corpus(make_articles(count), content, write_ours)
    built = build_site(content, output, shard_articles)
    articles = built_articles()
    ours = bundle_stats(output / "pagefind")
    alone_seconds = index_alone(articles, output / "pagefind-alone")
    single_seconds = time_indexing(articles, output / "pagefind-single")
    workers = news_workers({"NEWS_WORKERS": 0})
    if shard_articles is None:
        shard_articles = settings_of(load_settings(SETTINGS_FILE))["shard_articles"]
    # The layout built, and one bundle per year to compare its edits with (when it differs).
    split_seconds = [time_split_indexing(articles, workdir / "cache-again", workers,
                                         shard_articles)]
    if shard_articles != 1:
        split_seconds.append(time_split_indexing(articles, workdir / "cache-again", workers, 1))
    shutil.rmtree(workdir / "cache-again", ignore_errors=True)
    searches, engines = [], []
    with serve(output) as base, chromium() as context:
        for query in queries:
            searches.append(measure_search(context, base, query))
        for query in queries:
            # Each bundle gets the query as it expects it: folded for ours.
            for bundle, asked in (("pagefind-single", fold_text(query)),
                                  ("pagefind-alone", query)):
                engines.append({"bundle": bundle,
                                **measure_engine(context, base, bundle, asked)})
    return {"articles": count, **built,
            "index_seconds": {"split": split_seconds, "single": round(single_seconds, 1),
                              "alone": round(alone_seconds, 1)},
            "index": ours, "index_single": bundle_stats(output / "pagefind-single"),
            "index_alone": bundle_stats(output / "pagefind-alone"),
            "searches": searches, "engines": engines}


def table(result: dict) -> str:
    seconds = result["index_seconds"]
    lines = [f"{result['articles']} bài; dựng {result['build_seconds']} s; một gói: "
             f"{seconds['single']} s; Pagefind một mình: {seconds['alone']} s"]
    for split in seconds["split"]:
        lines.append(
            f"chia phần (shard_articles={split['shard_articles']}: "
            + ", ".join(f"{name} {articles}" for name, articles in split["shards"].items())
            + f"): bộ đệm trống {split['cold']} s, đủ bộ đệm {split['cached']} s; "
            f"sửa bài cũ nhất ({split['oldest']}) {split['edited']} s "
            f"(lập lại {', '.join(split['edited_made']) or 'không'}), thêm từ mới "
            f"{split['new_word']} s (lập lại {', '.join(split['new_word_made']) or 'không'})")
    lines.append(f"chỉ mục: {result['index']['total_bytes'] / 1e6:.1f} MB, "
                 f"{result['index']['files']} tệp, {result['index']['bundles']} gói "
                 f"(một gói: {result['index_single']['total_bytes'] / 1e6:.1f} MB; "
                 f"Pagefind một mình: {result['index_alone']['total_bytes'] / 1e6:.1f} MB)")
    for kind, group in result["index"]["groups"].items():
        lines.append(f"  {kind:10} {group['files']:6d} tệp {group['bytes'] / 1e3:10.0f} kB "
                     f"(tb {group['mean_bytes']} B)")
    lines.append(f"{'truy vấn':28} {'kết quả':>22} {'lần đầu kB':>11} {'lần sau kB':>11} "
                 f"{'lần đầu s':>10} {'lần sau s':>10}")
    for search in result["searches"]:
        first = search["first_search"]["pagefind"]["wire"] + search["first_search"]["page"]["wire"]
        following = search["next_search"]["pagefind"]["wire"]
        lines.append(f"{search['query']:28} {search['status'][:22]:>22} {first / 1e3:11.0f} "
                     f"{following / 1e3:11.0f} {search['first_result_seconds']:10.2f} "
                     f"{search['next_result_seconds']:10.2f}")
    lines.append("một lần tìm, chỉ tính tệp của Pagefind (không nén thêm): "
                 "chia phần (trang tìm kiếm) / một gói / giữ dấu")
    singles = [engine for engine in result["engines"] if engine["bundle"] == "pagefind-single"]
    alones = [engine for engine in result["engines"] if engine["bundle"] == "pagefind-alone"]
    for search, single, alone in zip(result["searches"], singles, alones, strict=True):
        lines.append(f"{search['query']:28} {search['first_search']['pagefind']['raw'] / 1e3:7.0f}"
                     f" kB / {single['bytes'] / 1e3:7.0f} kB {single['ms']:6d} ms"
                     f" / {alone['bytes'] / 1e3:7.0f} kB {alone['ms']:6d} ms")
    return "\n".join(lines)


def search_bench_task():
    from invoke import task

    @task(help={"articles": "how many generated articles (10000)",
                "workdir": "where the corpus and the site go (/tmp/tintuc-search-bench)",
                "shard-articles": "SEARCH_INDEX['shard_articles'] for the site (the project's; "
                                  "1: one bundle per year)"})
    def search_bench(c, articles=10000, workdir="/tmp/tintuc-search-bench", shard_articles=0):
        """Measure search: index size, bytes per search, search time (docs/search.md)."""
        result = run(int(articles), Path(workdir), shard_articles=int(shard_articles) or None)
        print(table(result))
        suffix = f"-shards-{shard_articles}" if int(shard_articles) else ""
        out = PROJECT / "bench-results" / f"search-{articles}{suffix}.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
        print(f"JSON: {out.relative_to(PROJECT)}")

    return search_bench
