"""Building the Pagefind index during every Pelican build (docs/search.md): Pelican's side.
The index itself (records, shards, Pagefind, the cache) is made in `tintuc.search`.

1. `article_generator_finalized`: the published articles are noted, and the search page is
   told its bundles: `search_bundles`, one per shard (the newest year alone, older years in
   groups of at least `shard_articles` articles: tintuc.search.shards.group_years), newest
   first, and `search_words`, the bundle of the shards' words (None for a site of one shard).
2. Right then, the index is made in a forked process (tintuc.processes.ForkedJob) while
   Pelican goes on (pages, photos, rendering): records from the cache or made, and Pagefind
   run for each shard whose records changed, and for the words bundle when a shard's words
   changed (tintuc.search.shards). The records are made from the texts as read (`entry_of`):
   only their words count, so neither resolved links nor the photos plugin's markup, which
   come later, are needed.
3. `finalized`: the job is joined (its failure fails the build) and the bundles are linked
   into `OUTPUT_PATH/<folder>/<shard>/` (`2024/`, `2016-2019/`). The old index there is
   replaced as a whole: an article deleted or hidden since the last build is findable no more.

With `NEWS_WORKERS = 1` (everything in one process) the index is made at `finalized` instead.

Only `generator.articles` are indexed, the published ones: hidden articles (`ẩn`) and drafts
are kept in other lists by Pelican, so they never reach the index, whatever their pages say.
Pagefind's Python API is not used for the records: its client waits 0.1 s for every answer,
which is 17 minutes for 10,000 articles; the command reads a folder in seconds.
"""

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from tintuc.processes import ForkedJob, JobFailed, die_with_parent, news_workers
from tintuc.search.records import SearchPage
from tintuc.search.settings import cache_of, settings_of
from tintuc.search.shards import (
    WORDS,
    Entry,
    Outcome,
    SearchIndexFailed,
    bundle_paths,
    make_index,
    publish,
)
from tintuc_plugins import build, pelican_compat, shared

logger = logging.getLogger(__name__)


@dataclass
class SearchState:
    """The search index's part of a build (tintuc_plugins.build)."""

    articles: list = field(default_factory=list)
    job: ForkedJob | None = None
    started: float = 0.0
    outcome: Outcome | None = None  # for tests and measurements


def _state() -> SearchState:
    current = build.current()
    if current.search is None:
        current.search = SearchState()
    return current.search


def _stop_job(state: SearchState | None) -> None:
    if state is not None and state.job is not None:
        state.job.kill()
        state.job = None


def start(pelican) -> None:
    # Settings are checked before any work; a build in this process that never finished
    # leaves no job running.
    settings_of(pelican.settings)
    unfinished = build.current().unfinished
    _stop_job(unfinished.search if unfinished else None)
    _state()


def collect_articles(generator) -> None:
    state = _state()
    state.articles = list(generator.articles)
    config = settings_of(generator.settings)
    if config["enabled"]:
        # Written into the search page: it loads the first bundle and merges the others.
        bundles, words = bundle_paths(config["folder"],
                                      (f"{article.date:%Y}" for article in state.articles),
                                      config["shard_articles"])
        generator.context[shared.SEARCH_BUNDLES] = bundles
        generator.context[shared.SEARCH_WORDS] = words
        begin_index(generator.settings)


def entry_of(article) -> Entry:
    category = getattr(article, "category", None)
    return Entry(
        save_as=article.save_as,
        title=getattr(article, shared.TITLE_TEXT, None) or article.title,
        # The texts as read: the index takes their words, never their links or images, so
        # it needs neither the links resolved (Pelican can only do that once every static
        # file is known) nor the photos plugin's <picture> markup, and can start early.
        lead_html=article.metadata.get("summary") or "",
        body_html=pelican_compat.raw_text(article),
        tags=tuple(tag.name for tag in getattr(article, "tags", None) or []),
        category=category.name if category else None,
        date=article.date,
    )


def page_of(article) -> SearchPage:
    return entry_of(article).page()


def _make(settings: dict, articles: list, in_child: bool) -> dict:
    entries = [entry_of(article) for article in articles]
    outcome = make_index(entries, cache_of(settings), news_workers(settings),
                         preexec=die_with_parent if in_child else None,
                         shard_articles=settings_of(settings)["shard_articles"])
    return outcome.as_dict()


def begin_index(settings) -> None:
    """Once the articles are read and settled: start making the index beside the rest."""
    if not settings_of(settings)["enabled"] or news_workers(settings) <= 1:
        return
    state = _state()
    _stop_job(state)
    articles = state.articles
    state.started = time.perf_counter()
    state.job = ForkedJob(lambda: _make(settings, articles, in_child=True))
    state.job.start()


def _join(state: SearchState) -> Outcome:
    job, state.job = state.job, None
    try:
        return Outcome.from_dict(job.join())
    except JobFailed as error:
        if error.explained:
            raise SearchIndexFailed(str(error)) from None
        raise SearchIndexFailed(
            f"Không tạo được chỉ mục tìm kiếm: tiến trình nền gặp lỗi.\n{str(error)[-2000:]}"
        ) from None


def write_index(pelican) -> None:
    settings = pelican.settings
    config = settings_of(settings)
    state = _state()
    if not config["enabled"]:
        _stop_job(state)
        return
    finishing = time.perf_counter()
    if state.job is not None:
        background = finishing - state.started
        outcome = _join(state)
    else:
        background = 0.0
        outcome = Outcome.from_dict(_make(settings, state.articles, in_child=False))
    waited = time.perf_counter() - finishing
    started = time.perf_counter()
    bundle = Path(settings["OUTPUT_PATH"]).resolve() / config["folder"]
    copied = publish(outcome, cache_of(settings), bundle)
    state.outcome = outcome
    indexed = [f"{shard['name']} ({shard.get('seconds', 0):.1f} giây)"
               for shard in outcome.shards if shard["indexed"]]
    shards = [shard for shard in outcome.shards if shard["name"] != WORDS]
    logger.info(
        "Chỉ mục tìm kiếm: %d bài, %d phần (%s; lập lại: %s; %d bản ghi mới, %d từ bộ đệm); "
        "bản ghi %.1f giây, cả thảy %.1f giây (CPU %.1f giây)%s; chờ ở cuối %.1f giây; "
        "đưa vào %s %.1f giây%s",
        outcome.records_made + outcome.records_cached, len(shards),
        ", ".join(shard["name"] for shard in shards), ", ".join(indexed) or "không phần nào",
        outcome.records_made, outcome.records_cached,
        outcome.seconds.get("records", 0), outcome.seconds.get("total", 0),
        outcome.seconds.get("cpu", 0),
        f" (chạy nền từ {background:.1f} giây trước)" if background else "", waited, bundle,
        time.perf_counter() - started,
        f" ({copied} tệp phải chép, không liên kết được)" if copied else "")
