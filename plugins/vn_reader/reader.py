"""Pelican's side of the reader: files in, metadata objects out, problems logged."""

import html
import logging
import os
import re
from pathlib import Path

from pelican.readers import BaseReader
from pelican.urlwrappers import Author, Category, Tag

from tintuc.frontmatter import ARTICLE_REQUIRED, PAGE_REQUIRED, read_source
from tintuc.markdown_ext import convert
from tintuc.problems import ContentError
from tintuc.text import slugify

logger = logging.getLogger(__name__)

_STATIC_PREFIX = re.compile(r"^(?:\{static\}|\{attach\}|\|static\||\.\./)*/*")
_TAGS = re.compile(r"<[^>]+>")


def display_path(source_path: str) -> str:
    """The path editors recognise: relative to where the build runs, when it is inside."""
    relative = os.path.relpath(source_path)
    return source_path if relative.startswith("..") else relative


def report(problems) -> None:
    for problem in problems:
        if not problem.is_error:
            logger.warning("%s", problem)
    errors = [str(problem) for problem in problems if problem.is_error]
    if errors:
        # One record, one line per problem: under `--fatal errors` Pelican stops at the
        # first record, and the editor should still see every problem of the file.
        logger.error("%s", "\n".join(errors))


def plain_text(fragment: str) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", fragment)).split())


class NewsMarkdownReader(BaseReader):
    """Markdown with the contract's front-matter; every text NFC."""

    enabled = True
    file_extensions = ("md", "markdown", "mkd", "mdown")

    def read(self, source_path):
        path = display_path(source_path)
        document = read_source(Path(source_path).read_bytes(), path,
                               required=self._required_keys(source_path))
        report(document.problems)
        if document.has_errors:
            raise ContentError([problem for problem in document.problems if problem.is_error])

        summary = document.get("summary")
        body, lead = convert(document.body, self.settings["MARKDOWN"],
                             extract_lead=summary is None)
        return body, self._metadata(document, lead)

    def _required_keys(self, source_path: str) -> tuple[str, ...]:
        relative = os.path.relpath(source_path, self.settings["PATH"])
        for page_path in self.settings["PAGE_PATHS"]:
            if relative == page_path or relative.startswith(page_path.rstrip("/") + os.sep):
                return PAGE_REQUIRED
        return ARTICLE_REQUIRED

    def _metadata(self, document, lead: str | None) -> dict:
        settings = self.settings
        metadata = {}
        for name, found in document.fields.items():
            metadata[name] = found.value
        title = document.get("title")
        # Pelican typogrifies `title` into HTML; the plain title is kept for <title>,
        # feeds and structured data, which want the text exactly as typed.
        metadata["title_text"] = title
        metadata["title"] = html.escape(title, quote=False)
        # Pelican would slugify the typogrified HTML title (entities and all); ours is made
        # from the text. `slug_pinned` tells the URL de-duplication the editor chose it.
        metadata["slug_pinned"] = "slug" in metadata
        if not metadata["slug_pinned"]:
            metadata["slug"] = slugify(title) or slugify(Path(document.path).stem) or "bai-viet"
        if "category" in metadata:
            metadata["category"] = Category(metadata["category"], settings)
        if "tags" in metadata:
            metadata["tags"] = [Tag(name, settings) for name in metadata["tags"]]
        if metadata.get("authors"):
            metadata["authors"] = [Author(name, settings) for name in metadata["authors"]]
            metadata["author"] = metadata["authors"][0]
        else:
            metadata.pop("authors", None)
        summary = document.get("summary")
        if summary is not None:
            metadata["summary_text"] = summary
            metadata["summary"] = html.escape(summary, quote=False)
        elif lead:
            metadata["summary_text"] = plain_text(lead)
            metadata["summary"] = lead
        else:
            metadata["summary_text"] = ""
            metadata["summary"] = ""
        if "image" in metadata:
            metadata["image"] = _STATIC_PREFIX.sub("", metadata["image"])
        metadata.setdefault("featured", False)
        metadata.setdefault("legacy_urls", [])
        metadata.setdefault("status", "published")
        return metadata


def add_reader(readers) -> None:
    for extension in NewsMarkdownReader.file_extensions:
        readers.reader_classes[extension] = NewsMarkdownReader
