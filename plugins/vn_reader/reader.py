"""Pelican's side of the reader: files in, metadata objects out, problems logged.

Before Pelican reads anything, every article and page is read by `tintuc.reading` — on all
cores, and only when its bytes changed since the last build (a cache in CACHE_PATH). Pelican's
reader calls then just turn those results into Pelican's objects and report the problems.
"""

import logging
import os
from datetime import datetime
from pathlib import Path

from pelican.readers import BaseReader
from pelican.urlwrappers import Author, Category, Tag

from tintuc.dates import build_clock
from tintuc.files import MARKDOWN_EXTENSIONS, PAGE, display_path, kind_of
from tintuc.frontmatter import ARTICLE_REQUIRED, PAGE_REQUIRED
from tintuc.problems import ContentError
from tintuc.processes import news_workers
from tintuc.publication import EXPIRED, SCHEDULED, status_at
from tintuc.reading import ReadCache, ReadOptions, ReadResult, digest_of, read_article, read_many
from tintuc.text import slugify
from tintuc_plugins import build, pelican_compat

logger = logging.getLogger(__name__)

CACHE_FILE = "tintuc-reader.pickle"


def report(problems) -> None:
    for problem in problems:
        if not problem.is_error:
            logger.warning("%s", problem)
    errors = [str(problem) for problem in problems if problem.is_error]
    if errors:
        # One record, one line per problem: under `--fatal errors` Pelican stops at the
        # first record, and the editor should still see every problem of the file.
        logger.error("%s", "\n".join(errors))


def required_keys(source_path: str, settings) -> tuple[str, ...]:
    relative = os.path.relpath(source_path, settings["PATH"]).replace(os.sep, "/")
    return PAGE_REQUIRED if kind_of(relative, settings) == PAGE else ARTICLE_REQUIRED


def read_options(settings) -> ReadOptions:
    return ReadOptions(
        markdown=settings["MARKDOWN"],
        typogrify=settings.get("NEWS_TYPOGRIFY", True),
        typogrify_omit=tuple(settings.get("TYPOGRIFY_OMIT_FILTERS", ())),
        typogrify_ignore_tags=tuple(settings.get("TYPOGRIFY_IGNORE_TAGS", ())),
    )


def content_folder(relative: str) -> str:
    """The folder of a file given relative to the content folder, `/`-separated."""
    return os.path.dirname(relative).replace(os.sep, "/")


class ReadingSession:
    """The results of one build's reading, and the cache they come from and go to."""

    def __init__(self, settings):
        self.settings = settings
        self.options = read_options(settings)
        cache_file = Path(settings["CACHE_PATH"]) / CACHE_FILE
        self.cache = ReadCache(cache_file if settings.get("NEWS_READER_CACHE") else None,
                               self.options)
        self.workers = news_workers(settings)
        self.results: dict[str, ReadResult] = {}
        self.sources: set[str] = set()
        self.read_count = 0  # files actually read this build (the rest came from the cache)
        self.clock = build_clock(settings.get("NEWS_BUILD_TIME"))

    def prepare(self, generator, paths_setting: str, excludes_setting: str) -> None:
        settings = generator.settings
        extensions = NewsMarkdownReader.file_extensions
        jobs, digests = [], {}
        for relative in generator.get_files(settings[paths_setting],
                                            exclude=settings[excludes_setting],
                                            extensions=extensions):
            source = os.path.abspath(os.path.join(generator.path, relative))
            self.sources.add(source)
            shown, required = display_path(source), required_keys(source, settings)
            folder = content_folder(relative)
            digest = f"{digest_of(source)} {shown} {' '.join(required)} {folder}"
            cached = self.cache.get(source, digest)
            if cached is not None:
                self.results[source] = cached
            else:
                digests[source] = digest
                jobs.append((source, shown, required, folder))
        self.read_count += len(jobs)
        for (source, *_), result in zip(jobs, read_many(jobs, self.options, self.workers),
                                        strict=True):
            self.results[source] = result
            self.cache.put(source, digests[source], result)

    def result_for(self, source_path: str) -> ReadResult:
        source = os.path.abspath(source_path)
        found = self.results.pop(source, None)
        if found is None:  # a file no generator listed (a plugin's own reading)
            relative = os.path.relpath(source, self.settings["PATH"])
            found = read_article(Path(source).read_bytes(), display_path(source),
                                 required_keys(source, self.settings), self.options,
                                 content_folder(relative))
        return found

    def finish(self) -> None:
        self.cache.forget_all_but(self.sources)
        self.cache.save()


def _session() -> ReadingSession | None:
    return build.current().reading


def start_session(pelican) -> None:
    build.current().reading = ReadingSession(pelican.settings)


def prepare_articles(generator) -> None:
    _session().prepare(generator, "ARTICLE_PATHS", "ARTICLE_EXCLUDES")


def prepare_pages(generator) -> None:
    _session().prepare(generator, "PAGE_PATHS", "PAGE_EXCLUDES")


def finish_session(generators) -> None:
    session = _session()
    if session is not None:
        session.finish()
        logger.info("Đọc %d tệp; %d tệp không đổi lấy từ bộ nhớ đệm",
                    session.read_count, len(session.sources) - session.read_count)


class NewsMarkdownReader(BaseReader):
    """Markdown with the contract's front-matter; every text NFC."""

    enabled = True
    file_extensions = tuple(extension.lstrip(".") for extension in MARKDOWN_EXTENSIONS)

    def read(self, source_path):
        result = (_session() or ReadingSession(self.settings)).result_for(source_path)
        report(result.problems)
        if result.has_errors:
            raise ContentError([problem for problem in result.problems if problem.is_error])
        return result.body_html, self._metadata(result, source_path)

    def _metadata(self, result: ReadResult, source_path: str) -> dict:
        settings = self.settings
        metadata = dict(result.fields)
        title = metadata["title"]
        # `title` is HTML (escaped, then typography); the plain title is kept for <title>,
        # feeds and structured data, which want the text exactly as typed.
        metadata["title_text"] = title
        metadata["title"] = result.title_html
        # Pelican would slugify the HTML title (entities and all); ours is made from the
        # text. `slug_pinned` tells the URL de-duplication that the editor chose it.
        metadata["slug_pinned"] = "slug" in metadata
        # Where each key was written: later stages name the line of a value they refuse.
        metadata["source_lines"] = dict(result.lines)
        if not metadata["slug_pinned"]:
            metadata["slug"] = slugify(title) or slugify(Path(source_path).stem) or "bai-viet"
        if "category" in metadata:
            metadata["category"] = Category(metadata["category"], settings)
        if "tags" in metadata:
            metadata["tags"] = [Tag(name, settings) for name in metadata["tags"]]
        if metadata.get("authors"):
            metadata["authors"] = [Author(name, settings) for name in metadata["authors"]]
            metadata["author"] = metadata["authors"][0]
        else:
            metadata.pop("authors", None)
        metadata["summary"] = result.summary_html
        metadata["summary_text"] = result.summary_text
        for name in ("image", "document_file"):
            if name in metadata:
                metadata[name] = _site_path(metadata[name])
        metadata.setdefault("featured", False)
        metadata.setdefault("legacy_urls", [])
        # Scheduled and expired articles: by the build's clock, read once per build.
        metadata["status"], why = status_at(metadata.get("status", "published"),
                                            metadata.get("date"), metadata.get("expires"),
                                            _clock(settings))
        metadata["scheduled"] = why == SCHEDULED
        metadata["expired"] = why == EXPIRED
        return metadata


def _site_path(reference: str) -> str:
    """`{static}/images/a.jpg`, `/images/a.jpg`, `../images/a.jpg` → `images/a.jpg`."""
    for prefix in ("{static}", "{attach}", "|static|"):
        reference = reference.removeprefix(prefix)
    while reference.startswith("../"):
        reference = reference[3:]
    return reference.lstrip("/")


def _clock(settings) -> datetime:
    session = _session()
    return session.clock if session else build_clock(settings.get("NEWS_BUILD_TIME"))


def publish_lead_links(generator) -> None:
    """Files linked from a lead (`{static}`, `{attach}`) are published like those of a body.
    Pelican collects the links of the body only, and the reader takes the lead out of it."""
    lists = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts",
             "drafts_translations", "pages", "hidden_pages", "draft_pages")
    for name in lists:
        for document in getattr(generator, name, None) or ():
            lead = document.metadata.get("summary")
            if lead and ("static" in lead or "attach" in lead):
                pelican_compat.publish_linked_files(
                    generator.context, pelican_compat.static_links_in(document, lead))


def add_reader(readers) -> None:
    for extension in NewsMarkdownReader.file_extensions:
        readers.reader_classes[extension] = NewsMarkdownReader
