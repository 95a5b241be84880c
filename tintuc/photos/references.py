"""Finding photos: where an `<img src>` or a featured image points, and the photos a build
needs (each with the roles it is needed for)."""

from __future__ import annotations

import html
import os
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from tintuc.images import PROCESSED_EXTENSIONS, Entry, Failure

DIRECTIVE = re.compile(r"^(?:\{(?:static|attach)\}|\|(?:static|attach)\|)(?P<path>.*)$")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


@dataclass
class Photo:
    """One static file that some page shows."""

    relpath: str  # relative to the content folder: `images/2022/11/x.jpg`
    source: str  # absolute path of the file
    static: Any  # Pelican's static file (None: not one)
    roles: set[str] = field(default_factory=set)
    entries: dict[str, Entry] = field(default_factory=dict)
    failure: Failure | None = None
    referenced: bool = False


@dataclass
class Reference:
    document: Any  # Pelican's article or page
    written: str  # the path as the editor wrote it (for the line number)
    relpath: str  # where the file should be, relative to the content folder
    photo: Photo | None  # None: the file does not exist
    featured: bool
    index: int = -1  # the n-th `<img>` of the body


def is_photo_path(path: str) -> bool:
    return os.path.splitext(path)[1].lower() in PROCESSED_EXTENSIONS


def written_path(written: str) -> str:
    """What the editor typed for a reference, as it stands in the file: the path after
    `{static}`, unquoted, without a leading `/` (reference_line looks for it)."""
    return unquote(DIRECTIVE.sub(r"\g<path>", html.unescape(written).strip())).lstrip("/")


def src_target(written: str, *, document_folder: str, document_url: str, siteurl: str,
               site_path: str) -> tuple[str, str] | None:
    """Where a `src` as the HTML has it points: ("source", path relative to the content
    folder) for `{static}`/`{attach}`, ("url", path from the site's root) for an address of
    this site; None for what is not ours (other sites, data: URLs).

    `document_folder`: the document's folder in the content folder (`/`-separated);
    `document_url`: its URL; `site_path`: SITEURL's path without slashes (`repo` for a
    project site)."""
    value = html.unescape(written).strip()
    directive = DIRECTIVE.match(value)
    if directive:
        path = unquote(urlsplit(directive.group("path")).path)
        if path.startswith("/"):
            return "source", posixpath.normpath(path.lstrip("/"))
        return "source", posixpath.normpath(posixpath.join(document_folder, path))
    if siteurl and value.startswith(siteurl + "/"):
        value = value[len(siteurl):]
    elif _SCHEME.match(value) or value.startswith("//"):
        return None
    path = unquote(urlsplit(value).path)
    if path.startswith("/"):
        path = path.lstrip("/")
        if site_path and path.startswith(site_path + "/"):
            path = path[len(site_path) + 1:]
    else:
        path = posixpath.join(posixpath.dirname(document_url), path)
    # As a browser resolves it: `..` above the site's root stays at the root (editors
    # write `../images/…` from `tin-tuc/bai.md`, and the page is at `/bai.html`).
    path = posixpath.normpath(path)
    while path.startswith("../"):
        path = path[3:]
    return "url", path
