"""A Pelican Writer that renders each page only when what it shows has changed, and the
article generator's pages on every core.

Every page goes through `write_file`, paginated ones page by page: its key is worked out
(render_cache.py); a page whose key is in the cache is taken from there, any other is rendered
and stored. Then the live blocks (NEWS_LIVE_BLOCKS: the visitor counter, "Tin đọc nhiều") are
put in place and the file is written. The article generator's pages are held back until
`article_writer_finalized`, then the ones to render are shared between forked processes.
Output is byte-for-byte what a sequential build without a cache writes (tests/test_page_writer.py).
"""

import contextlib
import hashlib
import logging
import os
import pickle
import re
import sys
import tempfile
import time
from dataclasses import dataclass

from markupsafe import Markup
from pelican.contents import Content
from pelican.plugins import signals
from pelican.utils import sanitised_join
from pelican.writers import Writer

from tintuc import fresh_output as output
from tintuc.counter_report import views_html
from tintuc.problems import Explained
from tintuc.processes import news_workers, start_child, wait_child
from tintuc_plugins import build, pelican_compat, shared

from .render_cache import MAIN_DOCUMENTS, RenderCache

logger = logging.getLogger(__name__)

# Below this many pages to render a fork costs more than it saves.
MINIMUM_PAGES_PER_PROCESS = 40
LIVE_MARK = "<!--live-block:{}-->"
# An article's "Lượt xem", drawn after rendering like the live blocks, but per article.
VIEWS_MARK = "<!--live-views:{}-->"
_VIEWS_MARKS = re.compile(r"<!--live-views:([^>]*?)-->")
# How much lower than the build's other processes the rendering processes run (os.nice).
RENDER_NICENESS = 10


class RenderFailed(Explained):
    pass


class _ErrorFlag(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.seen = False

    def emit(self, record):
        self.seen = True


@dataclass
class PageJob:
    """One output file: the template, the site's context and this page's own values."""

    path: str  # absolute, or os.devnull when an earlier write keeps the file
    template: object
    context: dict
    values: dict
    key: str | None = None
    views: tuple[str, ...] = ()  # the articles whose "Lượt xem" the page shows, by URL


class PageWriter(Writer):
    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.live_blocks = frozenset(self.settings.get("NEWS_LIVE_BLOCKS") or ())
        self.cache = RenderCache(self.settings, self.live_blocks,
                                 enabled=bool(self.settings.get("NEWS_RENDER_CACHE", True)))
        self.pending: list[PageJob] = []
        self.deferring = news_workers(self.settings) > 1
        self.keys: set[str] = set()
        self._live_html: dict[str, str] | None = None
        self._live_mark = ""  # the digest of the live blocks' HTML
        self.ledger: dict[str, tuple[str, int, int]] = {}  # this build's, for the next one
        self._live_function = self.live_block  # one object for every page's fingerprint
        self._views_function = self.views_of
        # The signals that are not given the writer find it in the build's state.
        current = build.current()
        current.writer, current.page_stats = self, self.cache.stats

    # --- Pelican's entry point ---------------------------------------------------------------

    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        if not name:
            return
        jobs = [self._job(save_as, template, context, values, override_output, relative_urls,
                          sliced)
                for save_as, values, sliced in pelican_compat.pages_of(
                    self.settings, name, url, template_name, paginated, kwargs, relative_urls)]
        if self.deferring:
            self.pending.extend(jobs)
        else:
            self._write(jobs, workers=1)

    def _job(self, save_as, template, context, values, override, relative_urls,
             sliced: frozenset[str]) -> PageJob:
        path = pelican_compat.claim_output(self, sanitised_join(self.output_path, save_as),
                                           override) or os.devnull
        job = PageJob(path, template, context, values)
        if relative_urls:
            # Links then depend on the page's depth, read through the shared context by
            # each document: such a page is rendered in full every time, its live blocks
            # included (the theme includes them itself when `live_block` is not there).
            return job
        values["live_block"] = self._live_function
        values[shared.VIEWS_OF] = self._views_function
        if path == os.devnull:
            return job
        started = time.perf_counter()
        job.key = self.cache.key(template, values, context, sliced)
        self.cache.stats["key_seconds"] += time.perf_counter() - started
        if job.key:
            self.keys.add(job.key)
        return job

    # --- The live blocks -----------------------------------------------------------------------

    def live_block(self, name: str) -> Markup:
        if name not in self.live_blocks:
            raise RenderFailed(f"live_block(\"{name}\"): khối này không có trong "
                               "NEWS_LIVE_BLOCKS (pelicanconf.py).")
        return Markup(LIVE_MARK.format(name))

    def views_of(self, document) -> Markup:
        return Markup(VIEWS_MARK.format(getattr(document, "url", None) or ""))

    def _views_mark(self, context: dict, urls: tuple[str, ...]) -> str:
        """The figures of these articles' views, as a page shows them: part of what makes the
        page the same as last time."""
        if not urls:
            return ""
        figures = context.get(shared.ARTICLE_VIEWS) or {}
        return "v" + hashlib.sha256("\0".join(
            f"{url}\1{figures.get(url, '')}" for url in urls).encode()).hexdigest()[:16]

    def _live(self, job: PageJob) -> dict[str, str]:
        # Drawn from the site's context, never a page's: the same block goes into every page.
        if self._live_html is None:
            environment = job.template.environment
            self._live_html = {
                LIVE_MARK.format(name): environment.get_template(name).render(job.context)
                for name in sorted(self.live_blocks)}
            self._live_mark = hashlib.sha256("\0".join(
                part for item in self._live_html.items() for part in item).encode()
            ).hexdigest()[:16]
        return self._live_html

    # --- Rendering and writing -----------------------------------------------------------------

    def _render(self, job: PageJob) -> str:
        text = job.template.render(pelican_compat.page_context(job.context, job.values))
        if job.key:
            self.cache.store(job.key, text)
        return text

    def _finish(self, job: PageJob, text: str, live: dict[str, str]) -> None:
        for mark, html in live.items():
            text = text.replace(mark, html)
        if "<!--live-views:" in text:
            figures = job.context.get(shared.ARTICLE_VIEWS) or {}
            job.views = tuple(sorted(set(_VIEWS_MARKS.findall(text))))
            text = _VIEWS_MARKS.sub(lambda found: views_html(figures.get(found[1])), text)
        data = text.encode("utf-8")
        if job.path != os.devnull:
            os.makedirs(os.path.dirname(job.path), exist_ok=True)
            if output.reuse(build.current().previous_output, self.output_path, job.path, data):
                return
        with open(job.path, "wb") as stream:
            stream.write(data)
        logger.info('Writing "%s"', job.path)
        if signals.content_written.receivers:
            signals.content_written.send(job.path, context={**job.context, **job.values})

    def _produce(self, job: PageJob, live: dict[str, str]) -> None:
        text = self.cache.load(job.key) if job.key else None
        self._finish(job, self._render(job) if text is None else text, live)

    @staticmethod
    def _resolve_links(jobs: list[PageJob]) -> None:
        """Pelican resolves a document's `{static}`, `{attach}` and `{filename}` links when its
        text is first read, and an `{attach}` link then moves the file beside the document.
        That must happen in this process, in the order the pages are written, before any page
        is rendered in another process, where the move would be lost."""
        for job in jobs:
            for name in MAIN_DOCUMENTS:
                document = job.values.get(name)
                if isinstance(document, Content):
                    pelican_compat.page_context(job.context, job.values)
                    document.content  # noqa: B018  (read for what reading does)
                    document.summary  # noqa: B018

    def _write(self, jobs: list[PageJob], workers: int) -> None:
        if not jobs:
            return
        self._resolve_links(jobs)
        live = self._live(jobs[0])
        moved = len(jobs)
        jobs = self._move_back_unchanged(jobs)
        moved -= len(jobs)
        self.cache.stats["reused"] += moved
        to_render, to_reuse = [], []
        for job in jobs:
            (to_reuse if job.key and self.cache.has(job.key) else to_render).append(job)
        self.cache.stats["rendered"] += len(to_render)
        for job in to_render:
            logger.debug("Dựng trang %s", job.path)
        self.cache.stats["reused"] += len(to_reuse)
        # A page taken from the cache costs about a tenth of one rendered.
        work = len(to_render) + len(to_reuse) // 10
        workers = max(1, min(workers, work // MINIMUM_PAGES_PER_PROCESS))
        if workers == 1:
            for job in jobs:
                self._produce(job, live)
            self._note(jobs)
            return
        shares = [to_render[share::workers] + to_reuse[share::workers]
                  for share in range(workers)]
        children, reports = [], []
        try:
            for share in shares:
                # What the child learns of its pages (their "Lượt xem") comes back in a file.
                handle, report = tempfile.mkstemp(prefix="tintuc-pages-")
                os.close(handle)
                reports.append(report)
                children.append(start_child(
                    lambda share=share, report=report: self._render_in_child(share, live,
                                                                             report)))
        finally:
            failed = [pid for pid in children if wait_child(pid)]
            by_id = {id(job): job for job in jobs}
            for report in reports:
                with contextlib.suppress(OSError, EOFError, pickle.UnpicklingError), \
                        open(report, "rb") as stream:
                    for job_id, views in pickle.load(stream).items():
                        by_id[job_id].views = views
                with contextlib.suppress(OSError):
                    os.unlink(report)
        if failed:
            raise RenderFailed(
                f"{len(failed)} tiến trình dựng trang gặp lỗi (xem thông báo ở trên); "
                "bản dựng không thành công, đừng xuất bản thư mục kết quả này."
            )
        self._note(jobs)

    def _relative(self, path: str) -> str:
        # Pages' paths are joined under output_path (sanitised_join): no relpath() needed.
        root = self.output_path.rstrip(os.sep) + os.sep
        return path[len(root):] if path.startswith(root) else os.path.relpath(path, root)

    def _move_back_unchanged(self, jobs: list[PageJob]) -> list[PageJob]:
        """Moves back the previous build's file of each page made from the same inputs and
        live blocks as then, untouched since (fresh_output.move_back); returns the others."""
        current = build.current()
        if not (current.previous_output and current.ledger):
            return jobs
        eligible: dict[str, tuple[PageJob, tuple]] = {}
        left = []
        for job in jobs:
            if job.key:
                relative = self._relative(job.path)
                entry = current.ledger.get(relative)
                if entry and entry[0] == job.key + self._live_mark + self._views_mark(
                        job.context, entry[3] if len(entry) > 3 else ()):
                    eligible[relative] = (job, entry)
                    continue
            left.append(job)
        moved = self._move_back_folders(eligible)
        made = set()
        for relative, (job, entry) in eligible.items():
            if relative not in moved:
                parent = os.path.dirname(job.path)
                if parent not in made:
                    os.makedirs(parent, exist_ok=True)
                    made.add(parent)
                if not output.move_back(current.previous_output, relative, job.path, entry[1],
                                        entry[2]):
                    left.append(job)
                    continue
            self.ledger[relative] = entry
        return left

    def _move_back_folders(self, eligible: dict[str, tuple]) -> set[str]:
        """Whole folders of unchanged pages (a tag's pages, a month's archive) moved back in
        one rename each: creating thousands of folders and deleting the emptied ones cost
        more than moving the files. Returns the pages so moved."""
        below: dict[str, set[str]] = {}  # folder → its subfolders holding eligible pages
        for relative in eligible:
            parts = relative.split(os.sep)[:-1]
            for depth in range(1, len(parts) + 1):
                below.setdefault(os.sep.join(parts[:depth - 1]), set()).add(
                    os.sep.join(parts[:depth]))
        moved: set[str] = set()
        pending = sorted(below.get("", ()))
        while pending:
            folder = pending.pop()
            pages: list[str] = []
            target = os.path.join(self.output_path, folder)
            if not os.path.lexists(target) and self._whole(folder, eligible, pages):
                os.makedirs(os.path.dirname(target), exist_ok=True)
                try:
                    os.rename(os.path.join(build.current().previous_output, folder), target)
                    moved.update(pages)
                    continue
                except OSError:
                    pass
            pending.extend(below.get(folder, ()))
        return moved

    def _whole(self, folder: str, eligible: dict[str, tuple], pages: list[str]) -> bool:
        """Whether the previous build's `folder` holds nothing but unchanged pages of this
        build, untouched since (size and time as noted), in folders like it; `pages` gets
        them."""
        try:
            entries = list(os.scandir(os.path.join(build.current().previous_output, folder)))
        except OSError:
            return False
        for entry in entries:
            relative = os.path.join(folder, entry.name)
            if entry.is_dir(follow_symlinks=False):
                if not self._whole(relative, eligible, pages):
                    return False
                continue
            found = eligible.get(relative)
            if found is None or not entry.is_file(follow_symlinks=False):
                return False
            stat = entry.stat(follow_symlinks=False)
            if (stat.st_size, stat.st_mtime_ns) != (found[1][1], found[1][2]):
                return False
            pages.append(relative)
        return True

    def _note(self, jobs: list[PageJob]) -> None:
        """The ledger entries of pages just written or moved back by bytes."""
        for job in jobs:
            if job.key:
                try:
                    found = os.stat(job.path)
                except OSError:
                    continue
                self.ledger[self._relative(job.path)] = (
                    job.key + self._live_mark + self._views_mark(job.context, job.views),
                    found.st_size, found.st_mtime_ns, job.views)

    def _render_in_child(self, jobs: list[PageJob], live: dict[str, str], report: str) -> int:
        # The parent's console handler may be mid-write in another thread (Pelican's status
        # spinner) at the fork; a plain handler of our own cannot be left locked.
        root = logging.getLogger()
        flag = _ErrorFlag()
        root.handlers = [logging.StreamHandler(sys.stderr), flag]
        # Below the build's background work (the search index): that runs one process after
        # another and so decides when the build ends, while the rendering, shared between
        # every core, fills whatever processor time it leaves.
        os.nice(RENDER_NICENESS)
        for job in jobs:
            self._produce(job, live)
        self.cache.close()  # the child leaves with os._exit, which flushes nothing
        with open(report, "wb") as stream:
            pickle.dump({id(job): job.views for job in jobs if job.views}, stream)
        return 1 if flag.seen else 0

    def flush(self) -> None:
        started = time.perf_counter()
        jobs, self.pending, self.deferring = self.pending, [], False
        self._write(jobs, news_workers(self.settings))
        self.cache.stats["flush_seconds"] += time.perf_counter() - started

    def finish(self) -> None:
        started = time.perf_counter()
        dropped = self.cache.sweep(self.keys) if self.cache.enabled else 0
        stats = self.cache.stats
        logger.info("Trang: %d dựng mới, %d lấy lại từ bộ nhớ đệm, %d luôn dựng lại; "
                    "tính khóa %.2f s, ghi %.2f s; bỏ %d trang cũ khỏi bộ nhớ đệm (%.2f s).",
                    stats["rendered"], stats["reused"], stats["uncacheable"],
                    stats["key_seconds"], stats["flush_seconds"], dropped,
                    time.perf_counter() - started, extra={"page_stats": dict(stats)})


def page_writer(pelican):
    return PageWriter


def flush_pages(generator, writer) -> None:
    if isinstance(writer, PageWriter):
        writer.flush()


def set_output_aside(pelican) -> None:
    current = build.current()
    if current.unfinished is not None:  # a build in this process that never finished
        wait_child(current.unfinished.trash)
    current.trash = output.empty_trash(pelican.settings["CACHE_PATH"])
    if pelican.settings.get("NEWS_FRESH_OUTPUT"):
        ledger = output.take_ledger(pelican.settings["CACHE_PATH"])
        current.previous_output = output.set_aside(
            pelican.output_path, pelican.path, pelican.settings.get("OUTPUT_RETENTION"),
            pelican.settings["CACHE_PATH"])
        if current.previous_output:
            current.ledger = ledger


def finish_build(pelican) -> None:
    current = build.current()
    # The writer holds every page's context: only its figures outlive the build.
    writer, current.writer = current.writer, None
    if writer is not None:
        writer.finish()
    previous, current.previous_output, current.ledger = current.previous_output, None, {}
    started = time.perf_counter()
    output.drop(previous, pelican.settings["CACHE_PATH"])
    wait_child(current.trash)
    current.trash = None
    if writer is not None and writer.ledger and pelican.settings.get("NEWS_FRESH_OUTPUT"):
        output.save_ledger(pelican.settings["CACHE_PATH"], writer.ledger)
    logger.debug("Xóa bản dựng trước: %.2f s", time.perf_counter() - started)
