"""What the search index holds for one article: pure logic, no Pelican and no Pagefind.

Pagefind ignores tone and vowel marks when it matches, but `đ` is a letter of its own to it,
so `doan` would never find `Đoàn`. And it files every word that has a mark apart from the
plain words when it cuts its index into the chunks a browser downloads (1.5.2 sizes chunks by
the plain words only), so a Vietnamese index comes in chunks of a megabyte or more.

So Pagefind is given each text *folded*: every letter without its marks, `đ` as `d`, case
kept, one character for one character (`Đoàn Thanh niên` → `Doan Thanh nien`). The query is
folded the same way in the browser, so `doan`, `Doan`, `đoàn` and NFD input all meet `doan`.
Beside each folded text goes its *marks*: one `.` per character followed by that character's
combining marks (U+0335 standing for the stroke of `đ`). Marks are not letters, so Pagefind
indexes no word from them; the search page puts them back on the folded text it gets with a
result, so readers only ever see the original text. docs/search.md has the measurements.
"""

import html
import re
import string
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser

LANGUAGE = "vi"
SLOT = "."
STROKE = "\u0335"  # combining short stroke overlay: d + STROKE is how `đ` is written in marks
_STROKED = {"đ": "d", "Đ": "D"}
_UNSTROKED = {"d": "đ", "D": "Đ"}

# Pagefind (1.5) searches every meta field. The date must come back with each result, but a
# reader typing `2022` or `11` must not get every article of that year or month, so the date's
# digits are stored as punctuation, which Pagefind never indexes as a word.
# theme/static/js/search.js holds the same table.
_DATE_DIGITS = ")!@#$%^&*("
DATE_CODE = str.maketrans("0123456789", _DATE_DIGITS)


def _split(char: str) -> tuple[str, str]:
    """A character's folded form and its marks; the folded form is always one character."""
    if char in _STROKED:
        return _STROKED[char], STROKE
    decomposed = unicodedata.normalize("NFD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    if len(base) != 1:  # nothing to fold (a Hangul syllable, a lone mark): kept as it is
        return char, ""
    return base, "".join(c for c in decomposed if unicodedata.combining(c))


class _Table(dict):
    """A `str.translate` table that works each character out once, when first met: a site's
    texts use a few hundred distinct characters, and translate() is fast on known ones."""

    def __init__(self, part: int):
        super().__init__()
        self.part = part

    def __missing__(self, code: int) -> str:
        found = _split(chr(code))
        self[code] = value = found[0] if self.part == 0 else SLOT + found[1]
        return value


_FOLDED, _MARKS = _Table(0), _Table(1)
# The same tables as lists for the first code points, which hold every letter of Vietnamese
# text: translate() indexes a list faster than it looks up a dict. A text with any character
# beyond them uses the dicts (a list leaves such characters as they are, which is not
# always right).
_LISTED = 0x3000
_BEYOND_LISTED = re.compile(f"[^\\x00-\\u{_LISTED - 1:04x}]")
_listed: list[list[str]] = []


def _tables_for(text: str) -> tuple:
    if _BEYOND_LISTED.search(text):
        return _FOLDED, _MARKS
    if not _listed:
        _listed.extend([[_FOLDED[code] for code in range(_LISTED)],
                        [_MARKS[code] for code in range(_LISTED)]])
    return _listed[0], _listed[1]


def fold_text(text: str) -> str:
    """`Đoàn Thanh niên` → `Doan Thanh nien`: marks dropped, `đ` → `d`, case kept, and one
    character for each character of the NFC text."""
    text = unicodedata.normalize("NFC", text)
    return text.translate(_tables_for(text)[0])


def marks_of(text: str) -> str:
    """Per character of the NFC text: `.` and its combining marks (`Đoà` → `.\u0335..\u0300`)."""
    text = unicodedata.normalize("NFC", text)
    return text.translate(_tables_for(text)[1])


def restore(folded: str, marks: str) -> str:
    """The original text from its folded form and its marks (search.js does the same).

    Pagefind may end a text with a `.` of its own, which has no slot and stays as it is."""
    slots = marks.split(SLOT)[1:]
    if not len(slots) <= len(folded) <= len(slots) + 1:
        raise ValueError("the marks do not belong to this text")
    out = []
    for char, mark in zip(folded, [*slots, ""], strict=False):
        if STROKE in mark:
            char, mark = _UNSTROKED.get(char, char), mark.replace(STROKE, "")
        out.append(unicodedata.normalize("NFC", char + mark))
    return "".join(out)


def encode_date(moment: datetime) -> str:
    """`dd/mm/YYYY` with its digits as punctuation: returned with results, never matched."""
    return f"{moment:%d/%m/%Y}".translate(DATE_CODE)


def decode_date(code: str) -> str:
    return code.translate(str.maketrans(_DATE_DIGITS, "0123456789"))


# Elements whose text is a block of its own; like Pagefind, a block that does not end a
# sentence gets a full stop, so excerpts and phrases do not run one paragraph into the next.
_BLOCKS = frozenset(
    "address article aside blockquote caption dd details div dl dt figcaption figure footer "
    "h1 h2 h3 h4 h5 h6 header li main nav ol p pre section summary table td th tr ul".split()
)
_BREAKS = frozenset({"br", "hr"})
_SKIPPED = frozenset("script style template noscript iframe object svg math".split())
_SENTENCE_END = tuple(".!?…:;")
# Invisible characters Pagefind's script removes (U+200B) or readers never see.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def _end_block(self) -> None:
        text = "".join(self.parts).rstrip()
        if text and text[-1].isalnum():
            text += "."
        self.parts = [text, " "]

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in _BLOCKS:
            self._end_block()
        elif tag in _BREAKS:
            self.parts.append(" ")

    def handle_startendtag(self, tag, attrs):
        if tag in _BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self._end_block()

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


# The fast path of html_to_text: the tags Markdown writes, in a grammar small enough that
# HTMLParser provably reads each of them the same way (name, start/end, `/>`). A fragment with
# anything else in it (a `<` that starts no such tag, a comment, a declaration, <script> or
# <style>, whose content HTMLParser reads as raw text) goes to HTMLParser itself, so the two
# paths always agree (tests/test_search.py compares them).
_SPACE = "[ \t\n\r\f]"
_ATTRIBUTE = (f"{_SPACE}+[^\\s\"'<>/=`]+"
              f"(?:{_SPACE}*={_SPACE}*(?:\"[^\"]*\"|'[^']*'|[^\\s\"'<>/=`]+))?")
_TAG = re.compile(f"<(?:([a-zA-Z][a-zA-Z0-9]*)(?:{_ATTRIBUTE})*{_SPACE}*(/?)>"
                  f"|/([a-zA-Z][a-zA-Z0-9]*){_SPACE}*>)")
_RAW_TEXT = frozenset(HTMLParser.CDATA_CONTENT_ELEMENTS)


def _fast_text(fragment: str) -> str | None:
    """What _TextExtractor gives for `fragment`, or None when it is outside the fast grammar."""
    pieces = _TAG.split(fragment)
    out: list[str] = []
    skipping = 0
    for index in range(0, len(pieces), 4):
        text = pieces[index]
        if text:
            if "<" in text:
                return None
            if not skipping:
                out.append(html.unescape(text))
        if index + 1 == len(pieces):
            break
        name, closing, end_name = pieces[index + 1:index + 4]
        tag = (name or end_name).lower()
        if tag in _RAW_TEXT:
            return None
        if tag in _SKIPPED:
            if name is None:
                skipping = max(0, skipping - 1)
            elif not closing:
                skipping += 1
        elif tag in _BLOCKS:
            if not closing:
                _end_block(out)
        elif tag in _BREAKS and name is not None:
            out.append(" ")
    _end_block(out)
    return "".join(out)


def _end_block(out: list[str]) -> None:
    """_TextExtractor._end_block on a list of pieces: the text so far, right-stripped, gets a
    full stop unless it ends a sentence, then a space."""
    while out and (not out[-1] or out[-1].isspace()):
        out.pop()
    if out:
        last = out[-1] = out[-1].rstrip()
        if last[-1].isalnum():
            out.append(".")
    out.append(" ")


def _parsed_text(fragment: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(fragment)
    extractor.close()
    extractor._end_block()
    return "".join(extractor.parts)


def html_to_text(fragment: str) -> str:
    """The words of an HTML fragment as a reader sees them, NFC, single-spaced.

    Inline tags join (`<em>Đoàn</em>viên` stays one word, as on the page); blocks and `<br>`
    separate. Entities are decoded; scripts, styles and embeds are left out.
    """
    fragment = fragment or ""
    text = _fast_text(fragment)
    if text is None:
        text = _parsed_text(fragment)
    text = _INVISIBLE.sub("", text)
    return unicodedata.normalize("NFC", " ".join(text.split()))


@dataclass
class SearchPage:
    """One article as Pagefind reads it: written at `save_as` under a folder Pagefind indexes,
    so the result's URL is the article's own."""

    save_as: str
    html: str


def search_page(*, save_as: str, title: str, lead_html: str, body_html: str, tags: list[str],
                category: str | None, date: datetime) -> SearchPage:
    """The page Pagefind indexes for one published article.

    Searched: the lead and the body, folded, as one paragraph (the page's content, where
    excerpts come from), the title (a meta field, which Pagefind ranks 5× higher, and which
    keeps the title out of excerpts) and the tags (a meta field). Returned but not searched:
    the marks, the date (encoded, above), the category and the year (filters: a word in a
    category's name does not make every article in it match).
    """
    text = " ".join(part for part in (html_to_text(lead_html), html_to_text(body_html)) if part)
    title = unicodedata.normalize("NFC", " ".join(title.split()))
    # Pagefind skips a page with no text, and fails on a site of such pages (a new article
    # saved before its first line): its title is then its text.
    text = text or title
    meta = {"title": fold_text(title), "title_marks": marks_of(title),
            "date": encode_date(date), "marks": marks_of(text)}
    if tags:
        meta["tags"] = fold_text(", ".join(tags))
    filters = {"year": f"{date:%Y}"}
    if category:
        filters["category"] = unicodedata.normalize("NFC", category)
    captures = ", ".join(f"{key}[data-{key.replace('_', '-')}]" for key in meta)
    filter_captures = ", ".join(f"{key}[data-{key}]" for key in filters)
    data = " ".join(f'data-{key.replace("_", "-")}="{html.escape(value, quote=True)}"'
                    for key, value in [*meta.items(), *filters.items()])
    page = (
        '<!DOCTYPE html>\n<html lang="vi">\n<head><meta charset="utf-8"><title>'
        f"{html.escape(meta['title'])}</title></head>\n<body>\n"
        f'<main data-pagefind-body data-pagefind-meta="{captures}" '
        f'data-pagefind-filter="{filter_captures}" {data}>\n'
        f"<p>{html.escape(fold_text(text), quote=False)}</p>\n</main>\n</body>\n</html>\n"
    )
    return SearchPage(save_as=save_as, html=page)


# --- the words of a shard ---------------------------------------------------------------------
#
# Pagefind matches a query word that no indexed word starts with by the longest indexed word
# that starts it (a typo still finds something). With one index per shard (a group of years),
# that would happen in every shard lacking the word: `dang` would find `dân` in a shard without
# `Đảng`. So a small bundle of its own holds one page per shard, listing that shard's searched
# words: searched with the reader's query, it says which shards match it as one index of the
# whole site would (docs/search.md), and only those shards are then searched.

_SEARCHED = re.compile(r'data-(?:title|tags)="([^"]*)"|<p>(.*?)</p>', re.S)
# Taken off both ends of a word to list it once (`xa.`, `xa,` and `xa` are one word to
# Pagefind); `_` is a word character to Pagefind.
_TRIMMED = "".join(char for char in string.punctuation if char != "_") + "“”‘’«»…–—"


def words_of(page_html: str) -> set[str]:
    """The searched words of a record page (its folded title, tags and text), lower case, as
    the whitespace-separated pieces Pagefind makes words of."""
    words: set[str] = set()
    for attribute, text in _SEARCHED.findall(page_html):
        for word in html.unescape(attribute or text).lower().split():
            word = word.strip(_TRIMMED)
            if word:
                words.add(word)
    return words


def words_page(shard: str, words: Iterable[str]) -> str:
    """The page of a shard's words in the words bundle; its filter `shard` names the shard
    (`2024`, `2016-2019`: its bundle's folder)."""
    return (
        '<!DOCTYPE html>\n<html lang="vi">\n<head><meta charset="utf-8"><title>'
        f"{html.escape(shard)}</title></head>\n<body>\n"
        f'<main data-pagefind-body data-pagefind-filter="shard:{html.escape(shard)}">\n'
        f"<p>{html.escape(' '.join(sorted(words)), quote=False)}</p>\n</main>\n</body>\n</html>\n"
    )
