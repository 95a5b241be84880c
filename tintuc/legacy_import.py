"""One saved page of the legacy NukeViet news module → an article record → our Markdown file.

Pure logic: no Pelican, no file system. `tools/importer.py` walks a mirror, copies photos and
writes files; the `legacy_redirects` plugin uses the URL helpers here.

What a NukeViet 4.x article page holds (its `news/detail.tpl` and layout), and what we take:
- the breadcrumb (`BreadcrumbList`): Home › module › category chain → the main category;
- `h1[itemprop=headline]` → title; the date line `Chủ nhật - 13/11/2022 21:12` → date;
- the microdata `datePublished`/`dateModified`: both carry the *edit* time (the template assigns
  the same variable twice), so they only stand in when the date line is missing, and give
  `Cập nhật` when the article was edited after publication;
- `.hometext` → the lead; its `figure` (and the full-size copy in `#imgpreview`) → featured photo;
- `#news-bodyhtml` → the body, converted to Markdown; `Tác giả:` / `Nguồn tin:` lines; tags.
Everything else on the page — icons, rating, share buttons, comments, "Theo dòng sự kiện",
"Những tin mới hơn/cũ hơn", sidebar blocks, counters, trackers — is furniture and is left behind.
"""

import json
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote, unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString, Tag, XMLParsedAsHTMLWarning
from markdownify import MarkdownConverter

from tintuc.dates import DateError, format_dateline, parse_date
from tintuc.frontmatter import KEYS_BY_NAME, name_problem
from tintuc.text import nfc, slugify

# --- Legacy URLs ---------------------------------------------------------------------------

# Prefixes NukeViet put before the module: a language folder, and `index.php/` when URL
# rewriting was off. They are stripped to find what a path means.
_PREFIX = re.compile(r"^/(?:index\.php/)?(?:(?:vi|en)/)?")
_ARTICLE_PATH = re.compile(
    r"(?P<module>[A-Za-z0-9_-]+)/(?P<cat>[A-Za-z0-9_-]+)/(?P<alias>[^/]+)-(?P<id>\d+)\.html?"
)
_FUNCTIONS = {"tag": "tag", "print": "print", "savefile": "print", "sendmail": "print",
              "rss": "rss", "topic": "topic", "groups": "groups", "author": "author",
              "search": "search", "sources": "sources"}
KIND_NAMES = {
    "article": "bài viết",
    "category": "trang chuyên mục",
    "tag": "trang thẻ",
    "print": "trang in/lưu/gửi bài",
    "rss": "nguồn tin RSS",
    "topic": "trang dòng sự kiện",
    "groups": "trang nhóm tin",
    "author": "trang tác giả",
    "search": "trang tìm kiếm",
    "sources": "trang nguồn tin",
    "module": "trang chủ chuyên mục tin",
    "home": "trang chủ",
    "other": "trang không phải bài viết",
}


@dataclass(frozen=True)
class LegacyPath:
    """What a legacy URL path is: its kind and, for an article, its parts."""

    kind: str
    path: str  # the path without prefix, starting with "/"
    module: str = ""
    category_alias: str = ""
    alias: str = ""
    legacy_id: int | None = None


def url_path(url: str) -> str:
    """The decoded path of a URL or path: `http://x/news/tag/%C4%91o%C3%A0n` → `/news/tag/đoàn`."""
    path = unquote(urlsplit(url.strip()).path) or "/"
    return nfc(path if path.startswith("/") else "/" + path)


def strip_prefix(path: str) -> str:
    return "/" + _PREFIX.sub("", path, count=1)


def classify_path(url: str) -> LegacyPath:
    """Read a legacy URL: `/vi/news/hoat-dong-doan/abc-1234.html` is article 1234 of the
    category `hoat-dong-doan`."""
    path = strip_prefix(url_path(url))
    parts = [part for part in path.split("/") if part]
    if not parts or parts in (["index.php"], ["index.html"]):
        return LegacyPath("home", path)
    if parts[-1] in ("index.html", "index.htm"):
        parts = parts[:-1]
    article = _ARTICLE_PATH.fullmatch("/".join(parts))
    if article and article["cat"] not in _FUNCTIONS:
        return LegacyPath("article", path, article["module"], article["cat"], article["alias"],
                          int(article["id"]))
    if len(parts) == 1:
        return LegacyPath("module", path, parts[0])
    function = _FUNCTIONS.get(parts[1])
    if function:
        return LegacyPath(function, path, parts[0])
    if len(parts) == 2 or (len(parts) == 3 and re.fullmatch(r"page-\d+", parts[2])):
        return LegacyPath("category", path, parts[0], parts[1])
    return LegacyPath("other", path, parts[0])


def legacy_tag_aliases(name: str) -> list[str]:
    """The aliases NukeViet may have given a tag: its `change_alias_tags` (Vietnamese letters
    kept, punctuation to spaces, spaces to `-`, lower case) and the ASCII form sites got with
    the `tags_alias` option."""
    spaced = re.sub(r"[!*'();:@&=+$,/?#\[\]\"%\-_<>\\^`{|}~]", " ", nfc(name))
    kept = "-".join(spaced.split()).lower()
    return list(dict.fromkeys(alias for alias in (kept, slugify(name)) if alias))


# --- Text ---------------------------------------------------------------------------------
#
# Every piece of text read from a legacy page goes through `clean_text`, and every piece the
# importer writes into Markdown (body text, link text, alt text, captions) through
# `markdown_text`: a page may hold anything, and whatever it holds must reach readers as that
# text, never as markup (issue 18). Front-matter values are plain text to our reader (it
# escapes them), so they only need `clean_text`: one line, nothing invisible.

# Control characters have no place in an article: NUL stops Pelican ("embedded null byte"),
# STX/ETX are Python-Markdown's placeholders for stashed HTML, the rest is invalid in HTML.
# Soft hyphens, zero-width characters and BOMs are invisible leftovers of the legacy editor.
_DROPPED = str.maketrans({
    **dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0),
                     0xAD, 0x200B, 0x200C, 0x200D, 0xFEFF, 0xFFFE, 0xFFFF,
                     *range(0xFDD0, 0xFDF0)]),
    0xA0: " ", 0x202F: " ",
})
_WHITE_SPACE = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Text as a reader sees it: NFC, no control or invisible character, white space as one
    space (as HTML reads it), nothing at either end."""
    return " ".join(nfc(str(text).translate(_DROPPED)).split())


def _clean_run(text: str) -> str:
    """`clean_text` for a piece of a longer text: a space at either end is kept (one)."""
    return _WHITE_SPACE.sub(" ", nfc(text.translate(_DROPPED)))


# Characters that mean something to Python-Markdown (with `extra`) wherever they stand; `{`,
# `}` and `|` become numeric references, which also keeps `{static}`/`|static|` out of the
# attributes where Pelican would resolve them (an alt "x src='{static}/a.png'").
_ANYWHERE = str.maketrans({"\\": "\\\\", "`": "\\`", "*": "\\*", "_": "\\_", "[": "\\[", "]": "\\]",
                           "#": "\\#", "<": "&lt;", "{": "&#123;", "}": "&#125;", "|": "&#124;"})
# `&` that would read as a character reference (`&lt;` typed as text), or that could become
# one with the next piece of text.
_AMPERSAND = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z0-9]+;|$)")
# What makes a line block syntax at its start: a list item, a quote, a setext underline, a
# definition, a fence (`#`, `*`, `_`, `` ` ``, `<`, `|` are escaped anywhere). A line that is
# only a number may be followed by another piece of text holding ". ": its last digit becomes
# a reference, so that no "1. " can form.
_LINE_START = re.compile(r"^( ?)(?:([-+>])|([=:~])|(\d{0,8})(\d)(?:([.)])(?= |$)|(?= ?$)))")
_ENTITIES = {"=": "&#61;", ":": "&#58;", "~": "&#126;"}


def _escape_line_start(match: re.Match) -> str:
    space, escapable, entity, digits, digit, dot = match.groups()
    if escapable:
        return f"{space}\\{escapable}"
    if entity:
        return f"{space}{_ENTITIES[entity]}"
    if dot:
        return f"{space}{digits}{digit}\\{dot}"
    return f"{space}{digits}&#{ord(digit)};"


def markdown_text(text: str, line_start: bool = True) -> str:
    """Text → Markdown that Python-Markdown renders as exactly that text, wherever it lands.

    A piece of text never holds a line break (white space is one space, as in HTML). Where it
    may begin a line (`line_start`), what would read as block syntax there is escaped; its end
    is escaped against what the converter may write next (a link's `[` after a `!`).
    """
    text = _AMPERSAND.sub("&amp;", _clean_run(text)).translate(_ANYWHERE)
    if line_start:
        text = _LINE_START.sub(_escape_line_start, text, count=1)
    return text[:-1] + "\\!" if text.endswith("!") else text


# --- The record --------------------------------------------------------------------------


class LegacyPageError(ValueError):
    """A page that should be an article but cannot be read as one; the message is Vietnamese."""


class NotAnArticle(Exception):
    """A page of the mirror that is not an article (category list, tag page, print view …)."""

    def __init__(self, kind: str):
        self.kind = kind
        super().__init__(KIND_NAMES.get(kind, kind))


@dataclass
class LegacyImage:
    url: str  # as on the legacy site, resolved against the page: `/uploads/news/…` or absolute
    alt: str = ""
    caption: str = ""
    ref: str = ""  # what the Markdown file points to


@dataclass
class LegacyArticle:
    legacy_url: str  # the article's path on the legacy site, verbatim (prefix included)
    module: str
    category_alias: str
    alias: str
    legacy_id: int
    title: str = ""
    date: datetime | None = None
    modified: datetime | None = None
    category: str = ""
    lead: str = ""
    body: str = ""
    image: LegacyImage | None = None
    images: list[LegacyImage] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # files the body links to (PDF …)
    tags: list[str] = field(default_factory=list)
    tag_aliases: dict[str, str] = field(default_factory=dict)
    authors: list[str] = field(default_factory=list)
    topic: str = ""
    topic_alias: str = ""
    source: str = ""
    origin: str = ""  # scheme and host of the legacy site, when the page names them
    notes: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Identity across imports: the legacy module and id, whatever the URL's prefix."""
        return f"{self.module}:{self.legacy_id}"


# An asset is a photo or a linked file; the callback decides where it lives on the new site
# and returns the reference to write (`{static}/images/2022/11/a.jpg`).
AssetRef = Callable[[str, LegacyArticle], str]

# --- Parsing -------------------------------------------------------------------------------

_DATELINE = re.compile(
    r"(?P<line>[^\W\d][^\d\n]{0,12}?\s*-\s*\d{1,2}/\d{1,2}/\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?)"
)
_TRACKER_HOSTS = ("google-analytics.com", "googletagmanager.com", "facebook.com/tr",
                  "statcounter.com", "histats.com", "doubleclick.net", "analytics.")
_ASSET_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".zip",
                     ".rar", ".7z", ".odt", ".ods", ".txt")
_IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".svg")
# Tags a body from CKEditor holds in practice; anything else is reported.
_KNOWN_BODY_TAGS = frozenset({"a", "abbr", "article", "b", "big", "blockquote", "br", "caption",
    "center", "cite", "code", "col", "colgroup", "dd", "del", "div", "dl", "dt", "em",
    "figcaption", "figure", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "section", "small", "span", "strike",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul"})
_DROPPED_TAGS = ("script", "style", "noscript", "link", "meta", "form", "input", "button",
                 "select", "textarea", "template", "svg", "canvas")
_MEDIA_TAGS = ("iframe", "object", "embed", "video", "audio")


def decode_page(data: bytes | str) -> str:
    """A saved page's text, NFC. NukeViet pages are UTF-8; a page that is not is reported."""
    if isinstance(data, str):
        return nfc(data)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return nfc(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise LegacyPageError(
            f"trang không phải UTF-8 (byte 0x{data[error.start]:02X} ở vị trí {error.start}): "
            "tệp có thể bị tải hỏng; tải lại trang này"
        ) from None


def _text(element) -> str:
    if element is None:
        return ""
    if isinstance(element, NavigableString):
        return clean_text(str(element))
    return clean_text(element.get_text(" "))


def _attr(element, name: str) -> str:
    value = element.get(name) if element is not None else None
    if isinstance(value, list):
        value = " ".join(value)
    return clean_text(str(value or ""))


def page_links(soup: BeautifulSoup, page_url: str) -> tuple[str, str]:
    """The page's own URL as the page states it (canonical, og:url, microdata) and its host."""
    candidates = []
    canonical = soup.find("link", rel="canonical")
    if canonical is not None:
        candidates.append(_attr(canonical, "href"))
    og_url = soup.find("meta", property="og:url")
    if og_url is not None:
        candidates.append(_attr(og_url, "content"))
    entity = soup.find(attrs={"itemprop": "mainEntityOfPage"})
    if entity is not None:
        candidates.append(_attr(entity, "content") or _attr(entity, "href") or _text(entity))
    for candidate in candidates:
        if not candidate:
            continue
        absolute = urljoin(page_url, candidate)
        if classify_path(absolute).kind == "article":
            return absolute, urlsplit(absolute).netloc
    return page_url, urlsplit(page_url).netloc


def _article_container(soup: BeautifulSoup) -> Tag | None:
    for selector in ('[itemtype*="schema.org/NewsArticle"]', "#news-bodyhtml", "#news_detail",
                     ".news_column .bodytext"):
        found = soup.select_one(selector)
        if found is not None:
            if found.get("itemtype"):
                return found
            return found.find_parent(class_="news_column") or found.parent
    return None


# What these URLs show is never an article to import, whatever the page holds: the print and
# save views repeat an article that has its own page.
_NEVER_ARTICLES = frozenset({"tag", "print", "rss", "topic", "groups", "author", "search",
                             "sources"})


def page_kind(soup: BeautifulSoup, page_url: str) -> str:
    """`article` when the page holds an article, else what its URL says it is."""
    by_url = classify_path(page_url).kind
    if by_url in _NEVER_ARTICLES:
        return by_url
    if _article_container(soup) is not None or _json_ld_article(soup) is not None:
        return "article"
    # An article's URL without an article in the page: a damaged download, not an article.
    return "other" if by_url == "article" else by_url


def _json_ld_article(soup: BeautifulSoup) -> dict | None:
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except ValueError:
            continue
        if isinstance(data, dict):
            items = data.get("@graph", [data])
        else:
            items = data if isinstance(data, list) else []
        for item in items:
            if isinstance(item, dict) and item.get("@type") in ("NewsArticle", "Article",
                                                                "BlogPosting"):
                return item
    return None


def _breadcrumb_categories(soup: BeautifulSoup, page_url: str, module: str) -> list[tuple]:
    """(name, alias) of the categories the breadcrumb names, outermost first."""
    lists = soup.select("ul.temp-breadcrumbs, [itemtype*='schema.org/BreadcrumbList']")
    if not lists:
        lists = soup.select(".breadcrumbs, .breadcrumb")
    found = []
    for holder in lists:
        for link in holder.find_all("a", href=True):
            target = classify_path(urljoin(page_url, _attr(link, "href")))
            name = _text(link) or _attr(link, "title")
            if target.kind == "category" and target.module == module and name:
                item = (name, target.path.strip("/").split("/")[1])
                if item not in found:
                    found.append(item)
        if found:
            break
    return found


def _find_date(container: Tag, article: LegacyArticle, soup: BeautifulSoup) -> None:
    for string in container.find_all(string=True):
        if isinstance(string, Comment) or string.find_parent(["script", "style"]):
            continue
        match = _DATELINE.fullmatch(" ".join(string.split()))
        if match:
            try:
                article.date = parse_date(match["line"])
                break
            except DateError as error:
                raise LegacyPageError(f"dòng ngày đăng “{match['line']}”: {error}") from None
    structured = _structured_dates(soup)
    if article.date is None:
        if not structured:
            raise LegacyPageError("không tìm thấy dòng ngày đăng (dạng “Chủ nhật - 13/11/2022 "
                                  "21:12”) hay ngày trong dữ liệu cấu trúc")
        article.date = structured[0]
        article.notes.append(
            "không có dòng ngày đăng: dùng ngày trong dữ liệu cấu trúc "
            f"({format_dateline(article.date)}), có thể là ngày sửa bài; hãy kiểm tra lại"
        )
    later = [moment for moment in structured if moment > article.date]
    if later and (max(later) - article.date).total_seconds() >= 60:
        article.modified = max(later)


def _structured_dates(soup: BeautifulSoup) -> list[datetime]:
    texts = []
    json_ld = _json_ld_article(soup)
    if json_ld:
        texts += [str(json_ld.get(key) or "") for key in ("datePublished", "dateModified")]
    for prop in ("datePublished", "dateModified"):
        element = soup.find(attrs={"itemprop": prop})
        if element is not None:
            texts.append(_attr(element, "content") or _attr(element, "datetime") or _text(element))
    dates = []
    for text in texts:
        try:
            dates.append(parse_date(text.strip()))
        except DateError:
            continue
    return dates


def _labelled_value(container: Tag, labels: tuple[str, ...]) -> str:
    for strong in container.find_all(["strong", "b"]):
        if strong.find_parent(id="news-bodyhtml") or strong.find_parent(class_="bodytext"):
            continue  # "Nguồn tin:" inside the body is the author's prose, not the field
        label = _text(strong).rstrip(":").strip()
        if label in labels:
            holder = strong.parent
            value, shown = _text(holder), _text(strong)
            if not value.startswith(shown):
                return value
            # "Tác giả: X": the label's own colon only; X may start or end with one.
            value = value[len(shown):].strip()
            return value[1:].strip() if not shown.endswith(":") and value.startswith(":") \
                else value
    return ""


def _topic(container: Tag, article: LegacyArticle, page_url: str) -> None:
    """The "dòng sự kiện" the article belongs to: NukeViet links its topic page, titled with
    the topic's name, from the "Theo dòng sự kiện" box beside the article."""
    scope = container.parent or container
    for link in scope.find_all("a", href=True):
        target = classify_path(urljoin(page_url, _attr(link, "href")))
        if target.kind != "topic":
            continue
        name = _attr(link, "title") or _text(link)
        if name and name.casefold() not in ("xem thêm", "xem tiếp"):
            article.topic = name
            article.topic_alias = target.path.rstrip("/").split("/")[-1]
            if article.topic_alias != slugify(name):
                article.notes.append(
                    f"dòng sự kiện “{name}” có đường dẫn cũ /{article.module}/topic/"
                    f"{article.topic_alias}/ khác tên: thêm vào LEGACY_REDIRECTS"
                    f"['topic_aliases'] dòng \"{article.topic_alias}\": \"{name}\" để giữ "
                    "liên kết")
            return


def _tags(container: Tag, article: LegacyArticle, page_url: str) -> None:
    # The tags panel follows the article in the module's column; a tag cloud in the sidebar
    # (another column) must not give an untagged article its tags.
    scope = container.parent or container
    holder = None
    icon = scope.select_one("em.fa-tags, i.fa-tags")
    if icon is not None:
        holder = icon.parent
    else:
        for strong in scope.find_all(["strong", "b"]):
            if _text(strong).rstrip(": ") in ("Tags", "Từ khóa", "Từ khoá", "Thẻ"):
                holder = strong.parent
                break
    if holder is None:
        return
    for link in holder.find_all("a", href=True):
        name = _text(link) or _attr(link, "title")
        target = classify_path(urljoin(page_url, _attr(link, "href")))
        if not name or target.kind != "tag":
            continue
        if "," in name:
            article.notes.append(f"thẻ “{name}” có dấu phẩy: đổi thành dấu cách")
            name = " ".join(name.replace(",", " ").split())
        if name not in article.tags:
            article.tags.append(name)
            alias = target.path.rstrip("/").split("/")[-1]
            article.tag_aliases[name] = alias
            if alias not in legacy_tag_aliases(name):
                article.notes.append(
                    f"thẻ “{name}” có đường dẫn cũ /{article.module}/tag/{alias} khác cách "
                    "NukeViet thường đặt: thêm vào LEGACY_REDIRECTS['tag_aliases'] "
                    f"dòng \"{alias}\": \"{name}\" để giữ liên kết"
                )


def _featured_image(container: Tag, article: LegacyArticle, page_url: str) -> None:
    figure = None
    for candidate in container.find_all("figure"):
        if candidate.find_parent(id="news-bodyhtml") is None and candidate.find("img"):
            figure = candidate
            break
    preview = container.find(id="imgpreview")
    if figure is None and preview is None:
        return
    shown = (figure or preview).find("img")
    # The hidden preview holds the full-size file; the figure may show a thumbnail.
    full = preview.find("img") if preview is not None else None
    source = _attr(full, "src") or _attr(shown, "src")
    if not source:
        return
    caption_element = (figure or preview).find("figcaption")
    caption = _text(caption_element)
    alt = _attr(shown, "alt")
    if not caption and alt and alt != article.title:
        caption = alt  # NukeViet's alt is the photo's note when one was typed, else the title
    article.image = LegacyImage(urljoin(page_url, source), alt or caption, caption)


def _resolve(url: str, page_url: str, host: str) -> str:
    """A link as the new site should keep it: the legacy site's own URLs as root paths."""
    absolute = urljoin(page_url, url)
    parts = urlsplit(absolute)
    if parts.scheme in ("http", "https") and host and parts.netloc.lower() == host.lower():
        return parts._replace(scheme="", netloc="").geturl()
    return absolute


def parse_page(data: bytes | str, page_url: str, *, asset_ref: AssetRef | None = None,
               category_names: dict[str, str] | None = None) -> LegacyArticle:
    """Read one saved page. `page_url` is where it was saved from (`/news/cat/a-1.html`, or a
    full URL); the page's own canonical URL wins when it has one.

    Raises NotAnArticle for list, tag, print … pages and LegacyPageError for a page that
    should be an article but cannot be read as one.
    """
    if classify_path(page_url).kind in _NEVER_ARTICLES:
        raise NotAnArticle(classify_path(page_url).kind)
    with warnings.catch_warnings():
        # A saved feed is XML; it is recognised below as not an article, no need to warn.
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(decode_page(data), "html.parser")
    kind = page_kind(soup, page_url)
    if kind == "article" and _article_container(soup) is None:
        raise LegacyPageError("trang chỉ có dữ liệu cấu trúc, không có khung bài viết NukeViet")
    if kind != "article":
        if classify_path(page_url).kind == "article":
            raise LegacyPageError("đường dẫn là của một bài viết nhưng trang không có nội dung "
                                  "bài: có thể trang tải về bị hỏng hoặc chưa hết")
        raise NotAnArticle(kind)
    # Photos are found where this copy of the page points (its own folder for a page saved by
    # a browser); identity and links follow the URL the page states for itself.
    file_url = page_url
    page_url, host = page_links(soup, page_url)
    where = classify_path(page_url)
    if where.kind != "article":
        raise LegacyPageError(
            f"trang có nội dung bài viết nhưng không rõ địa chỉ cũ ({page_url}): đường dẫn bài "
            "NukeViet có dạng /news/<chuyên mục>/<tên bài>-<số>.html"
        )
    article = LegacyArticle(urlsplit(page_url).path, where.module, where.category_alias,
                            where.alias, where.legacy_id)
    parts = urlsplit(page_url)
    article.origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    container = _article_container(soup)

    headline = container.find(attrs={"itemprop": "headline"}) or container.find("h1")
    article.title = _text(headline)
    if not article.title:
        raise LegacyPageError("không tìm thấy tiêu đề bài (thẻ <h1>)")

    categories = _breadcrumb_categories(soup, page_url, where.module)
    renamed = (category_names or {}).get(where.category_alias)
    if renamed:
        article.category = renamed
    elif categories:
        article.category = categories[-1][0]
        if categories[-1][1] != where.category_alias:
            article.notes.append(
                f"chuyên mục trên đường dẫn ({where.category_alias}) khác chuyên mục cuối của "
                f"breadcrumb ({categories[-1][1]}): dùng “{article.category}”"
            )
    else:
        raise LegacyPageError(
            f"không tìm thấy chuyên mục trong breadcrumb; chuyên mục cũ “{where.category_alias}” "
            "chưa có trong bảng đổi tên chuyên mục"
        )

    _find_date(container, article, soup)
    lead = container.select_one(".hometext, #hometext, [itemprop=description]")
    if lead is not None:
        lead_copy = BeautifulSoup(str(lead), "html.parser")
        for figure in lead_copy.find_all(["figure", "img", "script", "style"]):
            figure.decompose()
        article.lead = _text(lead_copy)
    _featured_image(container, article, file_url)
    article.authors = [name.strip() for name in
                       _labelled_value(container, ("Tác giả",)).split(",") if name.strip()]
    article.source = _labelled_value(container, ("Nguồn tin", "Nguồn"))
    _tags(container, article, page_url)
    _topic(container, article, page_url)
    _keep_valid_names(article)
    if container.select(".news-download-file a[href]"):
        names = ", ".join(_text(link) for link in container.select(".news-download-file a[href]"))
        article.notes.append(f"bài có tệp đính kèm chưa được chuyển ({names}): tải về và thêm "
                             "liên kết bằng tay")
    if container.select_one(".alert-warning") and "chưa được xuất bản" in _text(
            container.select_one(".alert-warning")):
        article.notes.append("trang ghi bài chưa xuất bản: xem có nên đặt “Trạng thái: ẩn”")

    body = container.select_one("#news-bodyhtml") or container.select_one(".bodytext")
    if body is None:
        raise LegacyPageError("không tìm thấy nội dung bài (#news-bodyhtml)")

    ref = asset_ref or (lambda url, _article: url)
    if article.image is not None:
        article.image.ref = ref(article.image.url, article)
    article.body = _BodyConverter(article, page_url, file_url, host, ref).convert_body(body)
    if not article.body and not article.lead:
        raise LegacyPageError("bài không có nội dung lẫn phần tóm tắt: trang có thể tải không hết")
    return article


def _keep_valid_names(article: LegacyArticle) -> None:
    """Names the reader would refuse (no letter or digit, or a paragraph pasted into the
    field) are left out and noted, so the imported file builds; the category falls back to
    its old alias."""
    if article.topic and name_problem(KEYS_BY_NAME["topic"], article.topic):
        article.notes.append(f"bỏ dòng sự kiện “{article.topic[:60]}”: tên không dùng được")
        article.topic = ""
    for field_name in ("authors", "tags"):
        key = KEYS_BY_NAME[field_name]
        kept = []
        for name in getattr(article, field_name):
            problem = name_problem(key, name)
            if problem:
                article.notes.append(f"bỏ {key.label.lower()} “{name[:60]}”: {problem[0]}")
            else:
                kept.append(name)
        setattr(article, field_name, kept)
    problem = name_problem(KEYS_BY_NAME["category"], article.category)
    if problem:
        article.notes.append(f"chuyên mục “{article.category[:60]}” không dùng được "
                             f"({problem[0]}): dùng tên cũ “{article.category_alias}”")
        article.category = article.category_alias


# --- Body: HTML → Markdown -----------------------------------------------------------------

# Elements whose start or end is a line boundary in the Markdown written for them; the rest are
# inline (what the converter does not know is written as its text, inline too).
_LINE_BOUNDARIES = frozenset({"[document]", "address", "article", "aside", "blockquote", "body",
    "br", "caption", "center", "dd", "details", "div", "dl", "dt", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "li", "main", "nav",
    "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "ul"})


def _starts_line(text_node: NavigableString) -> bool:
    """Whether nothing visible stands between this text and the line boundary before it: the
    start of a block holding it, or the end of a block before it."""
    holders = {id(parent) for parent in text_node.parents}
    for before in text_node.previous_elements:
        if isinstance(before, Tag) and before.name in _LINE_BOUNDARIES:
            return True
        visible = (isinstance(before, Tag) and before.name == "img") or (
            isinstance(before, NavigableString) and not isinstance(before, Comment)
            and str(before).strip())
        if visible:
            # Text of a block that ended before ours is behind a line boundary, not beside us.
            return any(parent.name in _LINE_BOUNDARIES and id(parent) not in holders
                       for parent in before.parents)
    return True


# A fenced code block is only code at the left margin of the file: inside a list item, a
# quote, a table cell or an inline element its fence would be text and its lines Markdown.
_FENCE_PARENTS = frozenset({"[document]", "div", "section", "article", "center", "p", "body",
                            "html", "main"})


class _BodyConverter(MarkdownConverter):
    """markdownify with the article's rules: figures with captions, assets through `ref`,
    legacy links as root paths, and text escaped for Python-Markdown."""

    def __init__(self, article: LegacyArticle, page_url: str, file_url: str, host: str,
                 ref: AssetRef):
        super().__init__(heading_style="atx", bullets="-", strong_em_symbol="*",
                         escape_asterisks=True, escape_underscores=True, escape_misc=False,
                         table_infer_header=True)
        self.article = article
        self.page_url = page_url
        self.file_url = file_url
        self.host = host
        self.ref = ref
        self._line_start = True

    # Cleaning happens on the tree, before conversion, so every drop can be reported.
    def convert_body(self, body: Tag) -> str:
        body = BeautifulSoup(str(body), "html.parser")
        self._clean(body)
        markdown = self.convert_soup(body)
        markdown = re.sub(r"[ \t]+\n", "\n", markdown)
        markdown = re.sub(r"\n{3,}", "\n\n", markdown)
        return markdown.strip()

    def _clean(self, body: BeautifulSoup) -> None:
        notes = self.article.notes
        for comment in body.find_all(string=lambda text: isinstance(text, Comment)):
            comment.extract()
        dropped: dict[str, int] = {}
        for element in body.find_all(_DROPPED_TAGS):
            dropped[element.name] = dropped.get(element.name, 0) + 1
            element.decompose()
        for element in body.find_all(_MEDIA_TAGS):
            source = _attr(element, "src") or _attr(element.find("source"), "src") or \
                _attr(element, "data")
            if source:
                url = _resolve(source, self.page_url, self.host)
                link = body.new_tag("a", href=url)
                link.string = "Xem video" if element.name in ("iframe", "video") else "Xem tệp"
                paragraph = body.new_tag("p")
                paragraph.append(link)
                element.replace_with(paragraph)
                notes.append(f"thẻ <{element.name}> ({url}) được thay bằng một liên kết")
            else:
                element.decompose()
                notes.append(f"bỏ thẻ <{element.name}> không có địa chỉ")
        handlers = 0
        for element in body.find_all(True):
            for name in list(element.attrs):
                if name.lower().startswith("on"):
                    del element.attrs[name]
                    handlers += 1
            if element.name == "img" and self._is_tracker(element):
                element.decompose()
                dropped["ảnh theo dõi"] = dropped.get("ảnh theo dõi", 0) + 1
        for element in body.find_all("a", href=True):
            if _attr(element, "href").lower().startswith(("javascript:", "vbscript:", "data:")):
                element.unwrap()
        if dropped or handlers:
            parts = [f"{count} <{name}>" if name.isascii() else f"{count} {name}"
                     for name, count in sorted(dropped.items())]
            if handlers:
                parts.append(f"{handlers} thuộc tính sự kiện (onclick …)")
            notes.append("đã bỏ khỏi nội dung: " + ", ".join(parts))
        unknown = sorted({element.name for element in body.find_all(True)
                          if element.name not in _KNOWN_BODY_TAGS})
        if unknown:
            notes.append("thẻ HTML lạ trong nội dung, chỉ giữ chữ: "
                         + ", ".join(f"<{name}>" for name in unknown))
        self._caption_paragraphs(body)

    def _is_tracker(self, image: Tag) -> bool:
        source = _attr(image, "src").lower()
        tiny = _attr(image, "width") in ("0", "1") or _attr(image, "height") in ("0", "1")
        return tiny or any(host in source for host in _TRACKER_HOSTS)

    def _caption_paragraphs(self, body: BeautifulSoup) -> None:
        """Older CKEditor bodies caption a photo with the next, italic-only paragraph, or with
        a one-column table (photo row, caption row): both become a `<figure>`."""
        for table in body.find_all("table"):
            images = table.find_all("img")
            cells = table.find_all(["td", "th"])
            if len(images) == 1 and len(cells) == 2 and cells[0].find("img") and \
                    not cells[1].find("img") and _text(cells[1]):
                figure = body.new_tag("figure")
                figure.append(images[0].extract())
                caption = body.new_tag("figcaption")
                caption.string = _text(cells[1])
                figure.append(caption)
                table.replace_with(figure)
        for paragraph in body.find_all("p"):
            images = paragraph.find_all("img")
            if len(images) != 1 or _text(paragraph) or paragraph.find_parent("figure"):
                continue
            following = paragraph.find_next_sibling()
            if following is None or following.name != "p" or following.find("img"):
                continue
            emphasis = following.find(["em", "i"])
            if emphasis is not None and _text(emphasis) == _text(following) and _text(following):
                figure = body.new_tag("figure")
                figure.append(images[0].extract())
                caption = body.new_tag("figcaption")
                caption.string = _text(following)
                figure.append(caption)
                paragraph.replace_with(figure)
                following.decompose()

    # --- conversions ---

    def escape(self, text, parent_tags):
        # Every piece of text, whatever its place: see `markdown_text`.
        if "_noformat" in parent_tags:
            return text
        return markdown_text(text, line_start=self._line_start and "_inline" not in parent_tags)

    def process_text(self, el, parent_tags=None):
        self._line_start = _starts_line(el)  # read by `escape`, which markdownify calls next
        text = super().process_text(el, parent_tags=parent_tags)
        if "_noformat" not in (parent_tags or ()):
            return text
        # Code is written as typed, less what no text may hold; outside <pre> a line break is a
        # space (in HTML it is), and inside a code span it would end the paragraph.
        text = text.translate(_DROPPED)
        return text if "pre" in (parent_tags or ()) else _WHITE_SPACE.sub(" ", text)

    def convert_pre(self, el, text, parent_tags):
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
        if not text.strip():
            return ""
        if all(parent.name in _FENCE_PARENTS for parent in el.parents):
            # A fence longer than any run of backticks inside: no line of the text closes it.
            longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
            fence = "`" * max(3, longest + 1)
            return f"\n\n{fence}\n{text}\n{fence}\n\n"
        lines = [markdown_text(line).strip() for line in text.split("\n")]
        if "_inline" in parent_tags:
            return " ".join(line for line in lines if line)
        return "\n\n" + "  \n".join(lines) + "\n\n"

    def convert_hN(self, n, el, text, parent_tags):
        # The page's only <h1> is the title; the body's headings start at level 2.
        return super().convert_hN(max(2, n), el, text, parent_tags)

    def _image(self, image: Tag, caption: str = "") -> str:
        source = _attr(image, "src") or _attr(image, "data-src")
        if not source:
            return ""
        holder = image.find_parent("a", href=True)
        if holder is not None and urlsplit(_attr(holder, "href")).path.lower().endswith(
                _IMAGE_EXTENSIONS):
            source = _attr(holder, "href")  # a thumbnail linked to its full-size photo
        alt = _attr(image, "alt")
        url = urljoin(self.file_url, source)
        found = LegacyImage(url, alt, caption)
        found.ref = self.ref(url, self.article)
        self.article.images.append(found)
        return f"![{markdown_text(alt or caption)}]({_destination(found.ref)}{_title(caption)})"

    def convert_figure(self, el, text, parent_tags):
        image = el.find("img")
        if image is None:
            return super().convert_div(el, text, parent_tags)
        caption = _text(el.find("figcaption"))
        if "_inline" in parent_tags:
            return markdown_text(caption)
        return f"\n\n{self._image(image, caption)}\n\n"

    def convert_figcaption(self, el, text, parent_tags):
        return "" if el.find_parent("figure") else super().convert_figcaption(el, text,
                                                                              parent_tags)

    def convert_img(self, el, text, parent_tags):
        if el.find_parent("figure"):
            return ""
        if "_inline" in parent_tags:
            return markdown_text(_attr(el, "alt"))
        return self._image(el)

    def convert_a(self, el, text, parent_tags):
        if el.find("img") is not None and not _text(el):
            return text  # a photo's link to itself: the photo is what counts
        href = _attr(el, "href")
        if not href or href.startswith("#"):
            return text
        url = _resolve(href, self.page_url, self.host)
        if urlsplit(url).path.lower().endswith(_ASSET_EXTENSIONS) and \
                classify_path(url).kind != "article":
            url = urljoin(self.file_url, href)
            self.article.links.append(url)
            url = self.ref(url, self.article)
        prefix, suffix, label = text[: len(text) - len(text.lstrip())], \
            text[len(text.rstrip()):], text.strip()
        if not label:
            return ""
        if "_noformat" in parent_tags:
            return text
        return f"{prefix}[{label}]({_destination(url)}){suffix}"

    def convert_font(self, el, text, parent_tags):
        return text

    convert_span = convert_font
    convert_u = convert_font


def _destination(url: str) -> str:
    # Spaces and parentheses would end a Markdown link destination early.
    return quote(url, safe="/:?#&=%{}@!$'*+,;~.-_")


def _title(caption: str) -> str:
    if not caption:
        return ""
    # Inside the quotes of a title, a `"` or a parenthesis could end it early.
    text = markdown_text(caption).replace('"', "&quot;").replace("(", "\\(").replace(")", "\\)")
    return f' "{text}"'


# --- Writing our front-matter ----------------------------------------------------------------


def _one_line(value: str) -> str:
    return clean_text(value)


def _legacy_url_value(url: str) -> str:
    # `Đường dẫn cũ` is a comma-separated list; redirects decode the path, so `%2C` is safe.
    return re.sub(r"[,\s]", lambda match: f"%{ord(match.group()):02X}", url)


def render(article: LegacyArticle) -> str:
    """The Markdown file for an article: CONTRACT §1 front-matter, then the body."""
    lines = [
        ("Tiêu đề", article.title),
        ("Ngày đăng", format_dateline(article.date)),
        ("Cập nhật", format_dateline(article.modified) if article.modified else ""),
        ("Chuyên mục", article.category),
        ("Sự kiện", article.topic),
        ("Thẻ", ", ".join(article.tags)),
        ("Tác giả", ", ".join(article.authors)),
        ("Nguồn tin", article.source),
        ("Tóm tắt", article.lead),
        ("Ảnh đại diện", article.image.ref if article.image else ""),
        ("Chú thích ảnh", article.image.caption if article.image else ""),
        # The legacy alias, verbatim: editors' old NFD typing made aliases no rule
        # regenerates, and the URL must not move.
        ("Đường dẫn", article.alias),
        ("Đường dẫn cũ", _legacy_url_value(article.legacy_url)),
    ]
    header = "\n".join(f"{key}: {_one_line(value)}" for key, value in lines if _one_line(value))
    body = article.body.strip()
    return f"{header}\n\n{body}\n" if body else f"{header}\n"
