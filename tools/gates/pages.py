"""The built pages, each parsed once for every gate that reads them (links, csp): the URLs a
browser fetches or follows, the ids, the inline scripts and styles."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from tintuc.processes import cores

# Attributes that make the browser fetch or navigate to a URL, per element.
URL_ATTRIBUTES = {
    "a": ("href",), "area": ("href",), "link": ("href",), "img": ("src", "srcset"),
    "script": ("src",), "source": ("src", "srcset"), "iframe": ("src",),
    "video": ("src", "poster"), "audio": ("src",), "track": ("src",), "embed": ("src",),
    "object": ("data",), "input": ("src",), "form": ("action",),
    "image": ("href", "xlink:href"), "use": ("href", "xlink:href"),
}
META_URL_PROPERTIES = {"og:image", "og:url", "og:image:url", "twitter:image"}
NOT_FETCHED_SCRIPT_TYPES = {"application/ld+json", "application/json", "text/template"}


@dataclass
class Reference:
    tag: str
    attribute: str
    url: str
    line: int
    rel: str = ""


@dataclass
class ParsedPage:
    ids: set[str] = field(default_factory=set)
    references: list[Reference] = field(default_factory=list)
    # (kind, text or attribute value, line): kind is script, style, style-attr, event-attr
    inline: list[tuple[str, str, int]] = field(default_factory=list)


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self._raw: tuple[str, int] | None = None  # an inline <script>/<style> being read
        self._raw_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        values = dict(attrs)
        for name in ("id",) + (("name",) if tag == "a" else ()):
            if values.get(name):
                self.page.ids.add(values[name])
        for attribute in URL_ATTRIBUTES.get(tag, ()):
            value = values.get(attribute)
            if value is None:
                continue
            if attribute == "srcset":
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    if url:
                        self.page.references.append(Reference(tag, attribute, url, line))
            else:
                self.page.references.append(
                    Reference(tag, attribute, value.strip(), line, (values.get("rel") or "")))
        if (tag == "meta" and values.get("content")
                and values.get("property", values.get("name")) in META_URL_PROPERTIES):
            self.page.references.append(Reference(tag, "content", values["content"], line))
        if values.get("style") is not None:
            self.page.inline.append(("style-attr", values["style"], line))
        for name, value in attrs:
            if name.startswith("on") and value is not None:
                self.page.inline.append(("event-attr", value, line))
        if tag == "script" and "src" not in values:
            kind = (values.get("type") or "").strip().lower()
            if kind not in NOT_FETCHED_SCRIPT_TYPES:
                self._raw, self._raw_text = ("script", line), []
        elif tag == "style":
            self._raw, self._raw_text = ("style", line), []

    def handle_data(self, data):
        if self._raw is not None:
            self._raw_text.append(data)

    def handle_endtag(self, tag):
        if self._raw is not None and tag == self._raw[0]:
            self.page.inline.append((tag, "".join(self._raw_text), self._raw[1]))
            self._raw = None


def parse_page(text: str) -> ParsedPage:
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    return parser.page


def html_files(output: Path) -> list[Path]:
    return sorted(path for path in output.rglob("*.html") if path.is_file())


@dataclass
class BuiltSite:
    """A built output folder, each page parsed once for every gate that reads pages."""

    root: Path
    siteurl: str
    pages: dict[str, ParsedPage]  # key: path relative to root, posix

    @classmethod
    def read(cls, root: Path, siteurl: str = "") -> "BuiltSite":
        paths = html_files(root)
        relpaths = [path.relative_to(root).as_posix() for path in paths]
        workers = cores()
        if workers > 1 and len(paths) > PARALLEL_FROM:
            # html.parser is pure Python: a big site parses in a fraction of the time on
            # every core (10,000 pages take about 30 s on one).
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                parsed = list(pool.map(_parse_file, paths, chunksize=64))
        else:
            parsed = [_parse_file(path) for path in paths]
        return cls(root, siteurl.rstrip("/"), dict(zip(relpaths, parsed, strict=True)))


PARALLEL_FROM = 300


def _parse_file(path: Path) -> ParsedPage:
    return parse_page(path.read_text(encoding="utf-8", errors="replace"))
