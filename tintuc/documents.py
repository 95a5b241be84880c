"""Attached files and the register of documents ("Văn bản"), the parts that need no Pelican.

An article's attachments are the files of a document kind (PDF, Word, Excel, …) its text
links with `{static}` or `{attach}`, in the order they appear, each with what it is and how big:
readers on a slow connection decide before they tap. A *document* is an article with a
`Số hiệu` (its number); the register lists them by year of issue, as the rules for
organisations' sites ask (Nghị định 42/2022).
"""

import html
import re
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

# Suffix → what readers call the file.
KINDS = {
    ".pdf": "PDF", ".doc": "Word", ".docx": "Word", ".odt": "OpenDocument",
    ".xls": "Excel", ".xlsx": "Excel", ".ods": "OpenDocument", ".csv": "CSV",
    ".ppt": "PowerPoint", ".pptx": "PowerPoint", ".odp": "OpenDocument",
    ".zip": "ZIP", ".rar": "RAR", ".7z": "7z", ".txt": "văn bản",
}
# `<a href="{static}/images/ke-hoach.pdf">Kế hoạch</a>` as Markdown writes a link.
_LINK = re.compile(
    r"<a\s[^>]*?href\s*=\s*(?P<quote>[\"'])(?P<target>(?:\{(?:static|attach)\}|\|static\|)"
    r"[^\"']*)(?P=quote)[^>]*>(?P<text>.*?)</a>", re.I | re.S)
_TAGS = re.compile(r"<[^>]+>")


def kind_of(path: str) -> str | None:
    """What kind of document a file is, or None when it is not one (a photo, a page)."""
    dot = path.rfind(".")
    return KINDS.get(path[dot:].lower()) if dot >= 0 else None


def linked_files(text: str) -> list[tuple[str, str]]:
    """(target as written, link text) of each `{static}`/`{attach}` link of an HTML text."""
    found = []
    for match in _LINK.finditer(text or ""):
        label = " ".join(html.unescape(_TAGS.sub(" ", match["text"])).split())
        found.append((match["target"], label))
    return found


def size_text(size: int) -> str:
    """A file's size as Vietnamese readers write it: `850 KB`, `1,2 MB`."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


def by_year(documents: Iterable[T], issued: Callable[[T], object]) -> list[tuple[int, list[T]]]:
    """The documents by year of issue, newest year first, newest document first."""
    years: dict[int, list[T]] = {}
    for document in sorted(documents, key=issued, reverse=True):
        years.setdefault(issued(document).year, []).append(document)
    return sorted(years.items(), reverse=True)
