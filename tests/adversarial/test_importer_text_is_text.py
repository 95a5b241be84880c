"""Issue 18, item 6: whatever text a legacy page holds, a real build shows that text, never markup.

Every hostile string below is put, HTML-escaped as NukeViet would store it, into every place of
a legacy article page the importer reads text from: the title, the lead, the author, the source,
a tag, the category, the featured photo's caption, and in the body a paragraph, a line after a
<br>, a photo's alt and caption, link text and the text around a link, a heading, a list item,
table cells (one holding a photo), <pre>, <code>, a <span>, a blockquote, after a number in the
same line, after a block that ended. The mirror is imported, the result built by Pelican with
the project's settings, and each place of the built page must show the string itself.

"The string itself" means: the text a browser shows for the string when it is written out
plainly (HTML-escaped) in the same element, after what the importer and the site do to every
text on purpose: control characters and invisible marks (soft hyphen, zero-width characters,
BOM) dropped, runs of white space read as one space (as HTML reads them), and, where the site
applies typography (titles, lead, body text), the site's own typographer run over that plain
rendition. So a failure is always the string turned into something else: a tag, an attribute,
emphasis, a link, a heading, a code span, or text lost.
"""

import html
import json
import random
import re
import unicodedata
from datetime import datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from legacy_fixtures import make_mirror
from legacy_fixtures.legacy_support import PROJECT, SETTINGS, run_import

from tintuc.files import load_settings
from tintuc.frontmatter import KEYS_BY_NAME, name_problem
from tintuc.typography import typographer

# What the issue names, each on its own and in the shapes it was tried in.
NAMED = [
    "`<img src=x onerror=alert(1)>`",
    "a`b <img src=x onerror=alert(1)> c`d",
    "Ảnh ` &lt;img src=x onerror=alert(1)&gt; `",
    "&lt;img src=x onerror=alert(1)&gt;",
    "<script>alert(1)</script>",
    "<!-- ẩn --> <b>đậm</b> <https://example.com>",
    "*đậm* _nghiêng_ **rất đậm** __gạch__ ***",
    "[liên kết](javascript:alert(1)) ![ảnh](x.png)",
    "![ảnh](x.png){: onerror=alert(1)} {: #id .lop }",
    "\\` \\* \\_ \\[ \\\\ \\",
    "{static}/images/huy-hieu-doan.png {filename}/a.md |static|/x.png",
    "x src='{static}/images/huy-hieu-doan.png' y href='{filename}/a.md'",
    "a | b | c",
    "| --- | --- |",
    "# Không phải tiêu đề",
    "### Ba dấu thăng ###",
    "C# và F#",
    "---",
    "***",
    "___",
    "===",
    "- gạch đầu dòng",
    "+ cộng",
    "1. Mục một",
    "2019. Năm",
    "> trích dẫn",
    ": định nghĩa",
    "Tiêu đề: Bài giả mạo",
    "Trạng thái: nháp",
    "Khóa: giá trị\nTiêu đề: hai",
    "~~~ rào mã",
    "```python",
    "[^1]: chú thích",
    "*[HTML]: Hyper Text",
    "Một\x00hai\x02ba\x03bốn\x1b",
    "&amp; &#60; &#x3C; &copy; &quot;",
    "Xem!",
    "dòng một\n# dòng hai\n---\n- ba",
    "!",
    "(",
    "`",
    "<",
    "&",
    "\\",
    "Cuộc thi “<Em yêu Tổ quốc>” & sáng tạo trẻ",
]

_DROPPED = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0),
                          0xAD, 0x200B, 0x200C, 0x200D, 0xFEFF])


def dropped(text: str) -> str:
    """The text less what the importer drops on purpose (invisible and control characters)."""
    return unicodedata.normalize("NFC", text).translate(_DROPPED).replace("\u00a0", " ")


def as_imported(text: str) -> str:
    """`dropped`, with white space as HTML reads it."""
    return " ".join(dropped(text).split())


# Pieces to make more: Markdown syntax, HTML, entities, line breaks, control characters, text.
PIECES = ["`", "``", "```", "<", ">", "&lt;", "&gt;", "&amp;", "&", "*", "**", "_", "__", "[",
          "]", "(", ")", "!", "![", "](", "\\", "{static}", "{filename}", "|static|", "{", "}",
          "{:", "|", "#", "##", "---", "-", "+", "1.", "9)", ":", "~~~", "=", "==", ".", "^",
          "\n", "\n\n", " ", "  ", "\t", "\r\n", "\x00", "\x02", "\x03", "\x7f", "\u00ad",
          "\u200b", "\ufeff", "\u00a0", "<img src=x onerror=alert(1)>", "onerror=alert(1)",
          "<script>", "</p>", "<br>", "Khóa: giá trị", "Tiêu đề:", "Đoàn", "thanh niên", "chữ",
          "Cao Bằng", "2022"]
GENERATED = 40
SEED = 18


def generated_strings() -> list[str]:
    chance = random.Random(SEED)
    found = []
    while len(found) < GENERATED:
        text = "".join(chance.choice(PIECES) for _ in range(chance.randint(2, 9)))
        if as_imported(text) and text not in found:
            found.append(text)
    return found


HOSTILE = NAMED + generated_strings()

TYPOGRAPHY = typographer(load_settings(PROJECT / "pelicanconf.py")["TYPOGRIFY_OMIT_FILTERS"])


def visible(element) -> str:
    return " ".join(element.get_text().replace("\xa0", " ").split())


def shown(fragment: str, typography: bool = True) -> str:
    """What a browser shows for this HTML fragment, after the site's typography if it has it."""
    return visible(BeautifulSoup(TYPOGRAPHY(fragment) if typography else fragment,
                                 "html.parser"))


def plain(text: str) -> str:
    """The text written plainly into HTML (its spaces are left to HTML, as a page's are)."""
    return html.escape(dropped(text), quote=False)


# --- The legacy pages -------------------------------------------------------------------------

PHOTO_DIR = "/uploads/news/2022_11"


def body_html(index: int, text: str) -> str:
    escaped = html.escape(text)
    return "\n".join([
        f"<p>{escaped}</p>",
        f"<p>Mở đầu.<br>{escaped}</p>",
        f'<figure class="image"><img alt="{escaped}" src="{PHOTO_DIR}/than-{index}.jpg">'
        f"<figcaption>{escaped}</figcaption></figure>",
        f'<p>{escaped}<a href="/news/hoat-dong-doan/bai-khac-{index}-9{index}.html">{escaped}'
        f"</a>{escaped}</p>",
        f"<h3>{escaped}</h3>",
        f"<ul><li>{escaped}</li><li>mục hai</li></ul>",
        f"<table><tr><td>Đơn vị</td><td>Ghi chú</td><td>Ảnh</td></tr><tr><td>Hòa An</td>"
        f'<td>{escaped}</td><td><img alt="{escaped}" src="{PHOTO_DIR}/o-{index}.jpg"></td>'
        "</tr></table>",
        f"<pre>{escaped}</pre>",
        f"<p><code>{escaped}</code></p>",
        f"<p><span>{escaped}</span></p>",
        f"<blockquote><p>{escaped}</p></blockquote>",
        # Pieces that meet in one line: a number, then the text, bold, the text again.
        f"<p><span>2</span>{escaped}<b>{escaped}</b>{escaped}</p>",
        # Text right after a block that ended: it begins a line of its own.
        f"<div><p>Trước.</p>{escaped}</div>",
        "<p>Hết.</p>",
    ])


BODY_BLOCKS = ["p", "p", "figure", "p", "h3", "ul", "table", "pre", "p", "p", "blockquote", "p",
               "p", "p", "p"]


def category_name(index: int, text: str) -> str:
    return f"Chuyên mục {index} {text}"


def hostile_articles() -> list[make_mirror.Article]:
    start = datetime(2022, 11, 1, 8, 0)
    articles = []
    for index, text in enumerate(HOSTILE):
        article = make_mirror.Article(
            id=9000 + index, cat="hoat-dong-doan", title=text, alias=f"bai-kho-{index}",
            published=start + timedelta(hours=index), lead=text, body=body_html(index, text),
            featured=make_mirror.Photo(f"{PHOTO_DIR}/dai-dien-{index}.jpg", text, text),
            tags=[(text, f"the-kho-{index}")], author=text, source=text,
            photos=[make_mirror.Photo(f"{PHOTO_DIR}/than-{index}.jpg"),
                    make_mirror.Photo(f"{PHOTO_DIR}/o-{index}.jpg")])
        articles.append(article)
    return articles


def with_hostile_category(page: str, index: int, text: str) -> str:
    """The breadcrumb's last link names the category: give it the hostile name."""
    name = make_mirror.CATEGORIES["hoat-dong-doan"]
    hostile = html.escape(category_name(index, text))
    return page.replace(f'title="{name}"><span class="txt" itemprop="name">{name}</span>',
                        f'title="{hostile}"><span class="txt" itemprop="name">{hostile}</span>')


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import build

    root = tmp_path_factory.mktemp("hostile")
    articles = hostile_articles()
    mirror = make_mirror.build_mirror(root / "mirror", articles)
    for index, (article, text) in enumerate(zip(articles, HOSTILE, strict=True)):
        page = mirror / make_mirror.HOST / article.url.lstrip("/")
        page.write_text(with_hostile_category(page.read_text(encoding="utf-8"), index, text),
                        encoding="utf-8")
    content = root / "content"
    summary, said = run_import(mirror, content)
    assert not summary.failed, said
    assert len(summary.imported) == len(HOSTILE), said
    site = build(root / "site", content, SETTINGS, copy=False)
    assert site.ok, site.messages
    return site


def is_a_name(field: str, name: str) -> bool:
    return name_problem(KEYS_BY_NAME[field], name) is None


def page_of(site, index: int) -> BeautifulSoup:
    return site.html(f"bai-kho-{index}.html")


CASES = list(enumerate(HOSTILE))


def case_id(case) -> str:
    return f"{case[0]}-{as_imported(case[1])[:24]!r}"


# --- The checks ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[case_id(case) for case in CASES])
def test_front_matter_text_is_shown_as_text(built, case):
    index, text = case
    page = page_of(built, index)
    article = page.find("article", class_="news")
    expected = as_imported(text)
    assert visible(article.find("h1")) == shown(plain(text))
    assert page.title.string.startswith(f"{expected} - "), page.title.string
    assert page.find("meta", property="og:title")["content"] == expected
    data = json.loads(page.find("script", type="application/ld+json").string)
    items = data.get("@graph", [data]) if isinstance(data, dict) else data
    (news,) = [item for item in items if item.get("@type") == "NewsArticle"]
    assert news["headline"] == expected
    assert visible(article.find("p", class_="sapo")) == shown(plain(text))
    lead_photo = article.find("figure", class_="lead-photo")
    assert visible(lead_photo.find("figcaption")) == expected
    assert lead_photo.find("img")["alt"] == expected
    # A name the reader refuses (no letter or digit, or too long to be a name) is left out by
    # the importer, which says so; a category falls back to its old alias.
    byline = [visible(paragraph) for paragraph in article.find("div", class_="byline")("p")]
    as_name = [f"Tác giả: {expected}"] if is_a_name("authors", expected) else []
    # `Nguồn: name <https://…>` is the front-matter's way to link a source: a legacy source
    # written that way shows its name, linked (text still, never markup).
    linked = re.fullmatch(r"(.*?)\s*<(https?://[^<>]*)>\s*", expected)
    source = linked.group(1) if linked else expected
    assert byline == [*as_name, f"Nguồn tin: {source}"]
    if linked:
        assert article.select_one(".byline a[rel~=external]")["href"] == linked.group(2)
    tags = article.find("p", class_="tags")
    assert [visible(tag) for tag in (tags("a") if tags else [])] == \
        ([expected] if is_a_name("tags", expected) else [])
    section = page.find("meta", property="article:section")["content"]
    category = as_imported(category_name(index, text))
    assert section == (category if is_a_name("category", category) else "hoat-dong-doan")


@pytest.mark.parametrize("case", CASES, ids=[case_id(case) for case in CASES])
def test_body_text_is_shown_as_text(built, case):
    index, text = case
    body = page_of(built, index).find("div", class_="news-body")
    blocks = body.find_all(recursive=False)
    assert [block.name for block in blocks] == BODY_BLOCKS, body
    words = plain(text)
    (paragraph, after_break, figure, linked, heading, items, table, pre, code, span, quote, pieces,
     before, after_block, end) = blocks
    assert visible(paragraph) == shown(f"<p>{words}</p>")
    assert visible(after_break) == shown(f"<p>Mở đầu.<br>\n{words}</p>")
    assert visible(figure.find("figcaption")) == shown(f"<figcaption>{words}</figcaption>")
    assert figure.find("img")["alt"] == as_imported(text)
    assert visible(linked) == shown(f"<p>{words}<a href='x'>{words}</a>{words}</p>")
    assert visible(linked.find("a")) == shown(f"<p><a href='x'>{words}</a></p>")
    assert linked.find("a")["href"].endswith(f"/news/hoat-dong-doan/bai-khac-{index}-9{index}.html")
    assert visible(heading) == shown(f"<h3>{words}</h3>")
    assert visible(items.find("li")) == shown(f"<li>{words}</li>")
    cells = table.find_all("tr")[-1].find_all("td")
    assert visible(cells[1]) == shown(f"<td>{words}</td>")
    assert visible(cells[2]) == shown(f"<td>{words}</td>")
    assert visible(pre) == as_imported(text)
    assert visible(code) == as_imported(text)
    assert visible(span) == shown(f"<p>{words}</p>")
    assert visible(quote) == shown(f"<blockquote><p>{words}</p></blockquote>")
    assert visible(pieces) == shown(f"<p>2{words}<b>{words}</b>{words}</p>")
    assert visible(before) == "Trước."
    assert visible(after_block) == shown(f"<p>{words}</p>")
    assert visible(end) == "Hết."


def test_no_page_carries_markup_from_the_text(built):
    """Beyond equal text: no event handler, script or style anywhere the hostile text went."""
    for index, _text in CASES:
        article = page_of(built, index).find("article", class_="news")
        for element in article.find_all(True):
            assert not [name for name in element.attrs if name.lower().startswith("on")], element
            assert element.name not in ("script", "style", "iframe", "object", "embed"), element
            assert element.name != "img" or element.get("src", "").startswith(
                ("/images/", "images/", "http://tinhdoan.caobang.gov.vn/")), element


def test_the_hostile_strings_cover_what_the_issue_names():
    joined = "".join(HOSTILE)
    for needle in ("`", "<", "&lt;", "*", "_", "[", "]", "(", ")", "!", "\\", "{static}", "|",
                   "#", "---", "Khóa: giá trị", "\x00"):
        assert needle in joined, needle
    assert len(HOSTILE) >= 80
