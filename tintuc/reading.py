"""One article file → everything the site needs from it, as plain picklable data.

This is the whole per-file pipeline (decode, front-matter, Markdown, typography), kept free of
Pelican so it can run in worker processes and be cached by the file's content: a build reads
only the files that changed, and reads them on every core.
"""

import hashlib
import html
import pickle
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from tintuc.files import replacing
from tintuc.frontmatter import read_source
from tintuc.markdown_ext import convert
from tintuc.problems import Problem
from tintuc.typography import typographer

# Bump when the output of `read_article` changes for the same input.
PIPELINE_VERSION = 2
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class ReadOptions:
    markdown: dict
    typogrify: bool = True
    typogrify_omit: tuple[str, ...] = ("caps",)
    typogrify_ignore_tags: tuple[str, ...] = ()

    def key(self) -> str:
        return hashlib.sha256(repr((PIPELINE_VERSION, self)).encode()).hexdigest()


@dataclass
class ReadResult:
    """What one file gives: its problems, or its fields and the HTML made from it."""

    problems: list[Problem]
    fields: dict = field(default_factory=dict)
    lines: dict = field(default_factory=dict)  # the line of each field, for later messages
    title_html: str = ""
    summary_html: str = ""
    summary_text: str = ""
    body_html: str = ""

    @property
    def has_errors(self) -> bool:
        return any(problem.is_error for problem in self.problems)


def plain_text(fragment: str) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", fragment)).split())


def _typographer(options: ReadOptions):
    if not options.typogrify:
        return lambda text: text
    return typographer(options.typogrify_omit, options.typogrify_ignore_tags)


def read_article(data: bytes, path: str, required: tuple[str, ...],
                 options: ReadOptions, folder: str | None = None) -> ReadResult:
    """`folder`: the file's folder relative to the content folder (its relative links)."""
    document = read_source(data, path, required=required, folder=folder)
    if document.has_errors:
        return ReadResult(document.problems)
    typography = _typographer(options)
    fields = {name: found.value for name, found in document.fields.items()}
    summary = fields.get("summary")
    body, lead = convert(document.body, options.markdown, extract_lead=summary is None)
    if summary is not None:
        summary_text, summary_html = summary, html.escape(summary, quote=False)
    elif lead:
        summary_text, summary_html = plain_text(lead), lead
    else:
        summary_text, summary_html = "", ""
    title = fields.get("title", "")
    return ReadResult(
        problems=document.problems,
        fields=fields,
        lines={name: found.line for name, found in document.fields.items()},
        # Escaped before typography: a title holding `<chuyển đổi số>` is text, not a tag.
        title_html=typography(html.escape(title, quote=False)),
        summary_html=typography(summary_html) if summary_html else "",
        summary_text=summary_text,
        body_html=typography(body) if body else "",
    )


class ReadCache:
    """Results by source path, valid while the file's bytes and the options are the same.

    The digest given by callers covers whatever else a result depends on (the path shown in
    its messages, the keys it requires)."""

    def __init__(self, path: Path | None, options: ReadOptions):
        self.path = path
        self.options_key = options.key()
        self.entries: dict[str, tuple[str, ReadResult]] = {}
        self.changed = False
        if path and path.exists():
            try:
                with path.open("rb") as stream:
                    saved_key, entries = pickle.load(stream)
                if saved_key == self.options_key:
                    self.entries = entries
            except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError,
                    AttributeError):
                # A cache is only a shortcut: a damaged one is rebuilt, nothing is lost.
                self.entries = {}

    def get(self, source: str, digest: str) -> ReadResult | None:
        found = self.entries.get(source)
        return found[1] if found and found[0] == digest else None

    def put(self, source: str, digest: str, result: ReadResult) -> None:
        self.entries[source] = (digest, result)
        self.changed = True

    def forget_all_but(self, sources: set[str]) -> None:
        stale = self.entries.keys() - sources
        for source in stale:
            del self.entries[source]
        self.changed = self.changed or bool(stale)

    def save(self) -> None:
        if not (self.path and self.changed):
            return
        with replacing(self.path) as stream:
            pickle.dump((self.options_key, self.entries), stream, pickle.HIGHEST_PROTOCOL)
        self.changed = False


# Worker processes get the options once, through the pool initializer.
_worker_options: ReadOptions | None = None


def _init_worker(options: ReadOptions) -> None:
    global _worker_options
    _worker_options = options


def _read_in_worker(job: tuple[str, str, tuple[str, ...], str]) -> ReadResult:
    source, shown, required, folder = job
    return read_article(Path(source).read_bytes(), shown, required, _worker_options, folder)


def read_many(jobs: list[tuple[str, str, tuple[str, ...], str]], options: ReadOptions,
              workers: int) -> list[ReadResult]:
    """(source path, path shown in messages, required keys, folder in the content folder)
    → results, in order."""
    if workers <= 1 or len(jobs) < 2 * workers:
        _init_worker(options)
        return [_read_in_worker(job) for job in jobs]
    # fork: the workers inherit the imported modules and start in milliseconds.
    with ProcessPoolExecutor(workers, mp_context=get_context("fork"),
                             initializer=_init_worker, initargs=(options,)) as pool:
        return list(pool.map(_read_in_worker, jobs, chunksize=max(1, len(jobs) // (workers * 8))))


def digest_of(path: str) -> str:
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()
