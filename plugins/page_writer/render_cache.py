"""Rendered pages kept in CACHE_PATH, found again by the fingerprint of what they show.

A page's key is the digest of: the theme's files, the code that renders (plugins/, tintuc/),
Pelican's and Jinja's versions, the settings, the template's name, and every value the template
can read (tintuc/fingerprint.py finds those names). An article's value covers its text, its
metadata, its URLs and the articles it lists (newer/older), so an edit re-renders exactly the
pages that show something of it; an hourly rebuild with only a new visitor count re-renders
none, because the counter and "Tin đọc nhiều" are *live blocks*: drawn once per build and put
into every page after rendering (NEWS_LIVE_BLOCKS).
"""

import functools
import logging
import sys
from importlib.metadata import version
from pathlib import Path

from pelican.contents import Content
from pelican.paginator import Page, Paginator
from pelican.urlwrappers import URLWrapper

import tintuc
import tintuc_plugins
from tintuc.fingerprint import (
    Fingerprinter,
    TemplateReads,
    Unfingerprintable,
    digest,
    files_digest,
    template_reads,
)
from tintuc_plugins import pelican_compat

from .page_store import PageStore

logger = logging.getLogger(__name__)

FOLDER = "rendered-pages"
_PLAIN = frozenset({bool, int, float, type(None)})
# The document a page is about: it counts with the documents it lists (its newer and older
# articles, by their own digests). Anywhere else a document counts by its own digest, which
# names those it lists only by reference: a listing shows an article, not its neighbours.
MAIN_DOCUMENTS = frozenset({"article", "page"})


def _reference(content: Content) -> bytes:
    # A source file is one document: its path names it.
    return str(content.source_path).encode()


def _linked(value) -> list[Content]:
    if isinstance(value, Content):
        return [value]
    if type(value) in (list, tuple) and value and isinstance(value[0], Content) and all(
            isinstance(item, Content) for item in value):
        return list(value)
    return []


class ContentDigests:
    """Each document's own digest (its attributes; documents it points to by reference only),
    worked out once, then its full digest: its own and those of the documents it lists."""

    def __init__(self):
        self._own: dict[int, tuple[Content, bytes, list[Content]]] = {}

    def own(self, fingerprinter: Fingerprinter, content: Content) -> tuple[bytes, list]:
        """The document's own digest, and the documents it points to."""
        known = self._own.get(id(content))
        if known is not None and known[0] is content:
            return known[1], known[2]
        parts = [type(content).__qualname__.encode()]
        of = fingerprinter.of
        pointed: list[Content] = []
        for name, value in sorted(vars(content).items()):
            if name in pelican_compat.SITE_ATTRIBUTES:
                continue
            parts.append(name.encode())
            kind = type(value)
            if kind is str:
                parts.append(value.encode("utf-8", "surrogatepass"))
                continue
            if kind in _PLAIN:
                parts.append(repr(value).encode())
                continue
            if isinstance(value, URLWrapper):
                # One name is one tag (category, author), with one URL, in a build.
                parts.append(b"w" + value.name.encode("utf-8", "surrogatepass"))
                continue
            if kind is list and all(isinstance(item, URLWrapper) for item in value):
                parts.append(b"ws" + "\0".join(item.name for item in value).encode(
                    "utf-8", "surrogatepass"))
                continue
            linked = _linked(value)
            if linked:
                pointed += linked
                parts.append(digest(*map(_reference, linked)))
            else:
                parts.append(of(value))
        # What templates read through properties: the text with its links resolved.
        for name in ("content", "summary", "url", "save_as"):
            parts.append(name.encode())
            parts.append(of(getattr(content, name, None)))
        found = digest(*parts)
        self._own[id(content)] = (content, found, pointed)
        return found, pointed

    def full(self, fingerprinter: Fingerprinter, content: Content) -> bytes:
        found, pointed = self.own(fingerprinter, content)
        return digest(found, *(self.own(fingerprinter, other)[0] for other in pointed))


class WrapperDigests(dict):
    """Every article has Tag objects of its own; in one build one name is one tag, one URL."""

    def __call__(self, fingerprinter, wrapper: URLWrapper) -> bytes:
        key = (type(wrapper), wrapper.name)
        found = self.get(key)
        if found is None:
            found = self[key] = digest(*(str(part).encode() for part in (
                wrapper.name, wrapper.slug, wrapper.url, wrapper.save_as)))
        return found


def _membership(fingerprinter, documents) -> bytes:
    if documents and all(isinstance(item, Content) for item in documents):
        return digest(b"members", *map(_reference, documents))
    return fingerprinter.of(documents)


def _paginator(fingerprinter, paginator: Paginator) -> bytes:
    # The whole list by which documents it holds: a page shows the others' through links.
    return digest(str(paginator.name).encode(), str(paginator.url).encode(),
                  f"{paginator.per_page} {paginator.orphans} {paginator.num_pages}".encode(),
                  _membership(fingerprinter, paginator.object_list))


def _page(fingerprinter, page: Page) -> bytes:
    # Any page of a list by membership (the previous and next pages are links); the page's
    # own slice, `articles_page`, also counts in full (RenderCache.key).
    return digest(f"{page.number} {page.url} {page.save_as}".encode(),
                  fingerprinter.of(page.paginator), _membership(fingerprinter, page.object_list))


# Where Pelican's context keeps every document of the site.
_DOCUMENT_LISTS = ("articles", "hidden_articles", "drafts", "pages", "hidden_pages",
                   "draft_pages")


def _documents(context: dict):
    for name in _DOCUMENT_LISTS:
        for document in context.get(name) or ():
            yield document
            yield from getattr(document, "translations", None) or ()


def _lenient(fingerprinter: Fingerprinter, value) -> bytes:
    """Settings hold a few objects of no known kind (loaded plugins, Markdown extensions):
    those count by their type, their behaviour being in the code digest."""
    try:
        return fingerprinter.of(value)
    except Unfingerprintable:
        return digest(b"object", type(value).__qualname__.encode())


def _code_files(settings) -> list[Path]:
    roots = [Path(settings["THEME"])]
    roots += [Path(path) for path in settings.get("THEME_TEMPLATES_OVERRIDES") or []]
    roots += [Path(path) for path in settings.get("PLUGIN_PATHS") or []]
    roots += [Path(tintuc_plugins.__file__).parent, Path(tintuc.__file__).parent]
    files = []
    for root in roots:
        if root.is_dir():
            files += [(root, path) for path in root.rglob("*")
                      if path.is_file() and "__pycache__" not in path.parts]
    return files


class RenderCache:
    """The store of rendered pages of one build: keys, lookups, writes and the final sweep."""

    def __init__(self, settings, live_blocks: frozenset[str], enabled: bool):
        self.enabled = enabled
        self.folder = Path(settings["CACHE_PATH"]) / FOLDER
        self.live_blocks = live_blocks
        self.contents = ContentDigests()
        self.fingerprinter = Fingerprinter({
            Content: lambda fingerprinter, value: self.contents.own(fingerprinter, value)[0],
            URLWrapper: WrapperDigests(),
            Paginator: _paginator,
            Page: _page,
        })
        self._reads: dict[str, tuple[TemplateReads, tuple[str, ...]] | None] = {}
        self._analysed: dict = {}
        self._links: dict[str, bool] = {}  # attribute name → whether it holds documents
        self._shared: dict[tuple, bytes] = {}
        self._lists: dict[int, tuple[list, bytes]] = {}
        self.stats = {"rendered": 0, "reused": 0, "uncacheable": 0,
                      "key_seconds": 0.0, "flush_seconds": 0.0}
        self.base = self._base(settings) if enabled else b""

    def _base(self, settings) -> bytes:
        files = _code_files(settings)
        by_root: dict[Path, list[Path]] = {}
        for root, path in files:
            by_root.setdefault(root, []).append(path)
        parts = [sys.version.encode(), version("pelican").encode(), version("jinja2").encode(),
                 version("markupsafe").encode()]
        parts += [files_digest(root, paths) for root, paths in sorted(by_root.items())]
        for name in sorted(settings):
            parts.append(name.encode())
            parts.append(_lenient(self.fingerprinter, settings[name]))
        return digest(*parts)

    def reads(self, template) -> tuple[TemplateReads, tuple[str, ...]] | None:
        """What the template reads (tintuc.fingerprint.template_reads), with its names in
        order; None when nobody can say."""
        name = template.name
        if name not in self._reads:
            found = template_reads(template.environment, name, self.live_blocks,
                                   self._analysed, MAIN_DOCUMENTS)
            self._reads[name] = None if found is None else (found, tuple(sorted(found.names)))
        return self._reads[name]

    def _holds_documents(self, attribute: str, context: dict) -> bool:
        """Whether any document of the site has `attribute` pointing at other documents."""
        found = self._links.get(attribute)
        if found is None:
            found = self._links[attribute] = any(
                _linked(vars(document).get(attribute)) for document in _documents(context))
        return found

    def _keyable(self, reads: TemplateReads, context: dict) -> bool:
        """A page counts a listed document by its own digest, which names the documents it
        points to only by reference: a template that reads such a pointer anywhere but on the
        page's own document (`item.newer_articles`), or reads attributes by computed names,
        can show what no key covers. Such a page is rendered every time."""
        if reads.any_attribute:
            return False
        return not any(self._holds_documents(name, context) for name in sorted(reads.foreign))

    def key(self, template, page_values: dict, context: dict,
            paginated: frozenset[str] = frozenset()) -> str | None:
        """The page's key, or None when it must be rendered anyway.

        `paginated` names the lists a paginated page shows a slice of (`articles`, `dates`):
        the slice (`articles_page`) counts in full; the whole list only by which documents it
        holds, in what order, unless the template reads its items (then in full: decided from
        the template, tintuc.fingerprint.template_reads). So an edit to an article re-renders
        the pages it is on, not every page of its tags, whatever the theme does."""
        if not self.enabled:
            return None
        found = self.reads(template)
        if found is None or not self._keyable(found[0], context):
            self.stats["uncacheable"] += 1
            return None
        reads, names = found
        # A template that reads the items of a paginated list (or of another page of it)
        # counts the whole list in full: every item's own digest.
        whole = sorted(reads.whole_lists & paginated)
        of = self.fingerprinter.of
        try:
            own = tuple(name in page_values for name in names)
            # What comes from the site's context is the same for every page of a template.
            shared_id = (template.name, own, id(context), paginated)
            shared = self._shared.get(shared_id)
            if shared is None:
                shared = self._shared[shared_id] = self._site_part(
                    template, names, own, context, paginated, reads.only_tested)
            parts = [self.base, template.name.encode(), shared]
            for listed in whole:
                parts += [b"whole " + listed.encode(),
                          of(page_values[listed] if listed in page_values else context[listed])]
            for name, in_page in zip(names, own, strict=True):
                if in_page:
                    value = page_values[name]
                    parts.append(name.encode())
                    if name in reads.only_tested:
                        parts.append(b"true" if value else b"false")
                    elif name in paginated:
                        parts.append(self._members(value))
                    elif name.endswith("_page") and name[:-5] in paginated \
                            and isinstance(value, Page):
                        # The slice this page shows: its documents in full.
                        parts.append(of(value))
                        parts.append(of(list(value.object_list)))
                    elif name in MAIN_DOCUMENTS and isinstance(value, Content):
                        parts.append(self.contents.full(self.fingerprinter, value))
                    else:
                        parts.append(of(value))
        except Unfingerprintable as error:
            logger.debug("Trang %s dựng lại mỗi lần: không lấy được dấu vân của %s",
                         page_values.get("output_file"), error)
            self.stats["uncacheable"] += 1
            return None
        return digest(*parts).hex()

    def _members(self, documents) -> bytes:
        """A list by which documents it holds, in order (see `key`)."""
        known = self._lists.get(id(documents))
        if known is None or known[0] is not documents:
            known = self._lists[id(documents)] = (
                documents, _membership(self.fingerprinter, documents))
        return known[1]

    def _site_part(self, template, names, own, context, paginated,
                   only_tested: frozenset[str]) -> bytes:
        parts = []
        for name, in_page in zip(names, own, strict=True):
            if in_page:
                continue
            parts.append(name.encode())
            if name in only_tested:
                # Only whether it is true shows: a menu item shown when there are documents
                # does not change with each document.
                value = context.get(name, template.globals.get(name))
                parts.append(b"true" if value else b"false")
            elif name in context and name in paginated:
                parts.append(self._members(context[name]))
            elif name in context:
                parts.append(self.fingerprinter.of(context[name]))
            elif name in template.globals:
                parts.append(self.fingerprinter.of(template.globals[name]))
            else:
                parts.append(b"\0absent")
        return digest(*parts)

    @functools.cached_property
    def store_(self) -> PageStore:
        # Opened when first needed: a build with the cache off never reads the folder.
        return PageStore(self.folder)

    def has(self, key: str) -> bool:
        return self.store_.has(key)

    def load(self, key: str) -> str | None:
        return self.store_.load(key)

    def store(self, key: str, text: str) -> None:
        self.store_.store(key, text)

    def close(self) -> None:
        if "store_" in self.__dict__:
            self.store_.close()

    def sweep(self, keys: set[str]) -> int:
        """Drop the pages no page of this build has used: the cache holds one site, not all
        the sites ever built."""
        return self.store_.sweep(keys)
