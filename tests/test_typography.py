"""tintuc.typography gives exactly what typogrify gives, while skipping the filters that would
change nothing."""

import random
from pathlib import Path

import pytest
import smartypants
from typogrify.filters import typogrify

from tintuc.markdown_ext import convert
from tintuc.typography import typographer

PROJECT = Path(__file__).resolve().parents[1]
MARKDOWN = {"extensions": ["markdown.extensions.extra"], "output_format": "html5"}


def reference(text: str, omit=("caps",), ignore_tags=()) -> str:
    smartypants.Attr.default = smartypants.Attr.set1 | smartypants.Attr.w
    return typogrify(text, list(ignore_tags), **dict.fromkeys(omit, False))


CASES = [
    "",
    "Một từ",
    "<p>Hội nghị tổng kết công tác Đoàn năm 2024</p>",
    '<p>Chủ đề "Tuổi trẻ Cao Bằng" được phát động</p>',
    "<p>Câu nói 'đi trước' của anh</p>",
    "<p>Từ 2020 -- 2024 và ... còn nữa . . . hết</p>",
    "<p>Dấu ``kép'' kiểu cũ và `đơn'</p>",
    r"<p>Thoát \"dấu\" và \-gạch\- và \\ hai</p>",
    "<p>Mã &quot;trích&quot; và &#39;đơn&#39;</p>",
    "<p>Đoàn & Hội &amp; Đội</p>",
    "<p>Tom&amp;Jerry không đổi &nbsp;&&nbsp;mà đổi</p>",
    '<p><a href="/tin/a.html" title="x">Liên kết "trong"</a> rồi hết</p>',
    '<figure><img src="/images/a.jpg" alt="Ảnh" width="10"><figcaption>Chú thích'
    ' ảnh</figcaption></figure>',
    "<p>“Ngoặc cong” có sẵn và ‘đơn’</p>",
    "<pre><code>x = \"không đụng\" -- ...</code></pre><p>Sau \"đó\" -- xong</p>",
    "<!-- chú thích \"có\" -- dấu --><p>Đoạn</p>",
    "<p>\"</p><p>'</p><em>a</em>\"<b>b</b>",
    "<ul><li>Mục một</li><li>Mục \"hai\" ...</li></ul>",
    "<h2>KU & CB</h2><p>VIẾT HOA \"CHỮ\"</p>",
]


@pytest.mark.parametrize("text", CASES)
@pytest.mark.parametrize("omit", [("caps",), (), ("caps", "widont"), ("smartypants",)])
def test_same_as_typogrify_on_each_case(text, omit):
    assert typographer(omit)(text) == reference(text, omit)


@pytest.mark.parametrize("text", CASES)
def test_same_as_typogrify_with_ignored_tags(text):
    ignore = ("pre", "code", "figcaption")
    assert typographer(("caps",), ignore)(text) == reference(text, ("caps",), ignore)


def test_same_as_typogrify_on_random_html():
    pieces = ["Đoàn", "thanh", "niên", " ", " ", "\n", '"', "'", "`", "-", "--", ".", "...",
              "&", "&amp;", "&quot;", "&nbsp;", "\\", "<p>", "</p>", "<em>", "</em>", "<li>",
              "</li>", '<a href="x">', "</a>", "<pre>", "</pre>", "<!--", "-->", "“", "”"]
    rng = random.Random(7)
    typography = typographer(("caps",))
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        assert typography(text) == reference(text), text


def test_same_as_typogrify_on_the_sample_articles():
    # The bodies the sample site is built from, as our reader makes them.
    sources = sorted((PROJECT / "content").rglob("*.md"))
    assert len(sources) > 20
    typography = typographer(("caps",))
    for source in sources:
        body, _ = convert(source.read_text(encoding="utf-8"), MARKDOWN, extract_lead=False)
        assert typography(body) == reference(body), source


def test_unknown_filter_is_refused():
    with pytest.raises(TypeError):
        typographer(("capz",))
