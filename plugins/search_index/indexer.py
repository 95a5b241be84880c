"""Building the Pagefind index at the end of every Pelican build.

The published articles are noted once they are final (`article_generator_finalized`); once the
site is written (`finalized`) each becomes a small page of its searchable text in a temporary
folder (records.py), and the Pagefind command indexes that folder into `OUTPUT_PATH/pagefind/`.
That folder is deleted first: Pagefind never clears it, and an article deleted or hidden since
the last build must not stay findable.

Only `generator.articles` are indexed, the published ones: hidden articles (`ẩn`) and drafts
are kept in other lists by Pelican, so they never reach the index, whatever their pages say.
Pagefind's Python API is not used for the records: its client waits 0.1 s for every answer,
which is 17 minutes for 10,000 articles; the command reads a folder in seconds.
"""

import hashlib
import logging
import shutil
import subprocess
import sys
import tempfile
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from tintuc.problems import Explained

from .records import SearchPage, search_page

logger = logging.getLogger(__name__)

SETTING = "SEARCH_INDEX"
DEFAULTS = {
    # False builds no index (the search page then says it cannot search).
    "enabled": True,
    # The bundle's folder inside OUTPUT_PATH; the search page loads it from SITEURL.
    "folder": "pagefind",
}


class SearchIndexFailed(Explained):
    """Pagefind could not index the site: the build must not pass as good."""


try:
    _PAGEFIND_VERSION = version("pagefind")
except PackageNotFoundError:  # run_pagefind explains what to install
    _PAGEFIND_VERSION = "?"


class _State:
    def __init__(self):
        self.articles: list = []


_state = _State()


def settings_of(settings: dict) -> dict:
    config = {**DEFAULTS, **(settings.get(SETTING) or {})}
    unknown = sorted(set(config) - set(DEFAULTS))
    if unknown:
        raise SearchIndexFailed(f"{SETTING}: khóa không có: {', '.join(unknown)}.")
    folder = Path(str(config["folder"]))
    if folder.is_absolute() or ".." in folder.parts or not folder.parts:
        raise SearchIndexFailed(f"{SETTING}[\"folder\"] phải là một thư mục con của OUTPUT_PATH.")
    return config


def start(pelican) -> None:
    # Settings are checked before any work; nothing is carried over from an earlier build in
    # the same process (the tests build many sites).
    settings_of(pelican.settings)
    _state.articles = []


def collect_articles(generator) -> None:
    _state.articles = list(generator.articles)


def page_of(article) -> SearchPage:
    category = getattr(article, "category", None)
    return search_page(
        save_as=article.save_as,
        title=getattr(article, "title_text", None) or article.title,
        lead_html=getattr(article, "summary", "") or "",
        body_html=article.content or "",
        tags=[tag.name for tag in getattr(article, "tags", None) or []],
        category=category.name if category else None,
        date=article.date,
    )


def write_pages(pages: list[SearchPage], folder: Path) -> None:
    root = folder.resolve()
    for page in pages:
        path = (root / page.save_as).resolve()
        if root not in path.parents:
            raise SearchIndexFailed(f"Đường dẫn bài nằm ngoài thư mục: {page.save_as}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page.html, encoding="utf-8")


def run_pagefind(site: Path, bundle: Path) -> None:
    # `python -m pagefind` runs the binary that the pinned `pagefind[bin]` installed.
    command = [sys.executable, "-m", "pagefind", "--site", str(site),
               "--output-path", str(bundle)]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    except OSError as error:
        raise SearchIndexFailed(f"Không chạy được Pagefind: {error}") from error
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0 or not (bundle / "pagefind.js").exists():
        raise SearchIndexFailed(
            "Không tạo được chỉ mục tìm kiếm (Pagefind). Nếu thiếu gói, cài lại các gói Python "
            f"theo README (pagefind[bin]).\n{output[-2000:]}"
        )
    logger.debug("Pagefind:\n%s", output)


def digest_of(pages: list[SearchPage]) -> str:
    """What Pagefind is given, as one digest: the same pages give the same index."""
    digest = hashlib.sha256(f"pagefind {_PAGEFIND_VERSION}".encode())
    for page in sorted(pages, key=lambda page: page.save_as):
        digest.update(page.save_as.encode() + b"\0" + page.html.encode() + b"\0")
    return digest.hexdigest()[:32]


def write_index(pelican) -> None:
    config = settings_of(pelican.settings)
    if not config["enabled"]:
        return
    bundle = Path(pelican.settings["OUTPUT_PATH"]).resolve() / config["folder"]
    shutil.rmtree(bundle, ignore_errors=True)
    started = time.perf_counter()
    pages = [page_of(article) for article in _state.articles]
    # Hourly rebuilds mostly change only the visitor counter: an index made from the very same
    # pages is copied from the cache instead of being made again (half the build at 5,000).
    cache = Path(pelican.settings["CACHE_PATH"]).resolve() / "search-index"
    cached = cache / digest_of(pages)
    if not (cached / "pagefind.js").exists():
        shutil.rmtree(cache, ignore_errors=True)
        with tempfile.TemporaryDirectory(prefix="tintuc-search-") as folder:
            write_pages(pages, Path(folder))
            run_pagefind(Path(folder), cached)
    shutil.copytree(cached, bundle)
    logger.info("Chỉ mục tìm kiếm: %d bài trong %.1f giây (%s)", len(pages),
                time.perf_counter() - started, bundle)
