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
import unicodedata
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


def fold_text(text: str) -> str:
    """`Đoàn Thanh niên` → `Doan Thanh nien`: marks dropped, `đ` → `d`, case kept, and one
    character for each character of the NFC text."""
    return unicodedata.normalize("NFC", text).translate(_FOLDED)


def marks_of(text: str) -> str:
    """Per character of the NFC text: `.` and its combining marks (`Đoà` → `.\u0335..\u0300`)."""
    return unicodedata.normalize("NFC", text).translate(_MARKS)


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


def html_to_text(fragment: str) -> str:
    """The words of an HTML fragment as a reader sees them, NFC, single-spaced.

    Inline tags join (`<em>Đoàn</em>viên` stays one word, as on the page); blocks and `<br>`
    separate. Entities are decoded; scripts, styles and embeds are left out.
    """
    extractor = _TextExtractor()
    extractor.feed(fragment or "")
    extractor.close()
    extractor._end_block()
    text = _INVISIBLE.sub("", "".join(extractor.parts))
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
