"""Search (issue 7, CONTRACT §6): the Pagefind index a build writes, the search page, and a
table of real Vietnamese queries run in headless Chromium against a built, indexed site.

The site of tests/scenarios/search_site/ has one article per case, its file named for it
(and its slug the same, so results are recognised by URL). The fast tests read the index
files themselves; the browser tests (marked) type the queries the way readers do.
"""

import gzip
import json
import random
import re
import unicodedata
from datetime import datetime
from pathlib import Path

import pytest
from browser import CHROMIUM, axe_violations, chromium, require, serve
from conftest import PROJECT, build, scenario

from tintuc.search import records
from tintuc.search.records import (
    decode_date,
    encode_date,
    fold_text,
    html_to_text,
    marks_of,
    restore,
    search_page,
)
from tintuc.search.settings import settings_of
from tintuc.search.shards import (
    SearchIndexFailed,
    bundle_paths,
    group_years,
    shard_name,
)
from tintuc.text import fold
from tintuc_tools.search import search_settings, search_url, wait_for_results

PUBLISHED = {
    "doan-thanh-nien-ra-quan-lam-duong", "dang-bo-hoc-nghi-quyet", "dan-ca-chi-co-d-thuong",
    "dai-hoi-nhieu-chu-d", "cum-tu-thang-thanh-nien", "tu-roi-khong-thanh-cum",
    "chuyen-muc-khong-duoc-tim", "ngay-dang-khong-duoc-tim", "the-duoc-tim",
}
HIDDEN, DRAFT = "bai-an-khong-duoc-tim", "ban-nhap-khong-duoc-tim"
# The years of the published articles, newest first.
YEARS = ["2024", "2023", "2022", "2019"]
# Their Pagefind bundles, newest first: the newest year alone, the older years together (far
# fewer than SEARCH_INDEX["shard_articles"] articles), and the bundle of their words.
SHARDS = {"2024": ["2024"], "2019-2023": ["2023", "2022", "2019"]}
WORDS = "tu-vung"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")


def to_hop(text: str) -> str:
    """"Unicode tổ hợp": each vowel precomposed with its vowel mark, the tone mark combining."""
    clusters: list[list[str]] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and clusters:
            clusters[-1].append(char)
        else:
            clusters.append([char])
    out = []
    for base, *marks in clusters:
        vowel_marks = "".join(mark for mark in marks if mark not in TONES)
        out.append(unicodedata.normalize("NFC", base + vowel_marks)
                   + "".join(mark for mark in marks if mark in TONES))
    return "".join(out)


# (query, articles it must return, articles it must not return). `None` for "must" means no
# result at all, and the page says so.
DOAN = {"doan-thanh-nien-ra-quan-lam-duong", "dai-hoi-nhieu-chu-d"}
NOT_DOAN = PUBLISHED - DOAN
QUERIES = [
    ("doan", DOAN, NOT_DOAN),
    ("Doan", DOAN, NOT_DOAN),
    ("DOAN", DOAN, NOT_DOAN),
    ("đoàn", DOAN, NOT_DOAN),
    ("ĐOÀN", DOAN, NOT_DOAN),
    (nfd("Đoàn"), DOAN, NOT_DOAN),
    ("dang", {"dang-bo-hoc-nghi-quyet"}, PUBLISHED - {"dang-bo-hoc-nghi-quyet"}),
    ("Đảng", {"dang-bo-hoc-nghi-quyet"}, PUBLISHED - {"dang-bo-hoc-nghi-quyet"}),
    (to_hop("Đảng bộ"), {"dang-bo-hoc-nghi-quyet"}, PUBLISHED - {"dang-bo-hoc-nghi-quyet"}),
    ("doan thanh nien", {"doan-thanh-nien-ra-quan-lam-duong"},
     PUBLISHED - {"doan-thanh-nien-ra-quan-lam-duong"}),
    ("Đoàn Thanh niên", {"doan-thanh-nien-ra-quan-lam-duong"},
     PUBLISHED - {"doan-thanh-nien-ra-quan-lam-duong"}),
    # Several words with d and đ.
    ("dai hoi doan duc long", {"dai-hoi-nhieu-chu-d"}, PUBLISHED - {"dai-hoi-nhieu-chu-d"}),
    ("ĐẠI HỘI ĐOÀN ĐỨC LONG", {"dai-hoi-nhieu-chu-d"}, PUBLISHED - {"dai-hoi-nhieu-chu-d"}),
    (nfd("Đại hội đoàn Đức Long"), {"dai-hoi-nhieu-chu-d"},
     PUBLISHED - {"dai-hoi-nhieu-chu-d"}),
    # Marks typed on some words only.
    ("Đại hoi doan đức long", {"dai-hoi-nhieu-chu-d"}, PUBLISHED - {"dai-hoi-nhieu-chu-d"}),
    # A phrase in quotes: only the words side by side; without quotes, the words anywhere.
    ('"thang thanh nien"', {"cum-tu-thang-thanh-nien"},
     PUBLISHED - {"cum-tu-thang-thanh-nien"}),
    ("“Tháng Thanh niên”", {"cum-tu-thang-thanh-nien"},
     PUBLISHED - {"cum-tu-thang-thanh-nien"}),
    ("thang thanh nien", {"cum-tu-thang-thanh-nien", "tu-roi-khong-thanh-cum"},
     {"doan-thanh-nien-ra-quan-lam-duong", "dang-bo-hoc-nghi-quyet"}),
    # Plain d stays d: no đ-word matches it.
    ("day hat dan ca", {"dan-ca-chi-co-d-thuong"},
     {"doan-thanh-nien-ra-quan-lam-duong", "dang-bo-hoc-nghi-quyet", "dai-hoi-nhieu-chu-d"}),
    # The lead and the tags are searched.
    ("coc xa", {"doan-thanh-nien-ra-quan-lam-duong"}, PUBLISHED - DOAN),
    ("mua he xanh", {"the-duoc-tim"},
     {"dan-ca-chi-co-d-thuong", "doan-thanh-nien-ra-quan-lam-duong"}),
    # A category's name and a date are not: they are filters and labels, not text.
    ("hoat dong", {"cum-tu-thang-thanh-nien"},
     {"chuyen-muc-khong-duoc-tim", "dai-hoi-nhieu-chu-d"}),
    ("2019", {"dan-ca-chi-co-d-thuong"}, {"ngay-dang-khong-duoc-tim"}),
    # Hidden articles, drafts and the site's header, sidebar and footer are never found. (A
    # word found nowhere is matched by the longest indexed word it starts with, as Pagefind
    # does for typos: "khuoi" by "khu". So these only say what must not come back.)
    ("khuoi lai", set(), {HIDDEN}),
    ("phja oac", set(), {DRAFT}),
    ("mttq", None, PUBLISHED),
]


def query_id(case) -> str:
    return repr(case[0]) if case[0] == unicodedata.normalize("NFC", case[0]) \
        else repr(case[0]) + "-nfd"


# --- pure logic -------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Đoàn Thanh niên Cao Bằng", "ĐẢNG BỘ", "Tháng Thanh niên “3 chủ động” – 26/3/1931",
    "Hội nghị Ban Chấp hành: ưu tiên, ơn nghĩa, Ứng Hòa", "naïve café Đà Lạt 🙂 한국",
    nfd("Đại hội đoàn"), "",
])
def test_folding_is_one_character_for_one_and_marks_give_the_text_back(text):
    folded = fold_text(text)
    assert len(folded) == len(unicodedata.normalize("NFC", text))
    assert restore(folded, marks_of(text)) == unicodedata.normalize("NFC", text)
    # What Pagefind then does to a word before matching: lower case. Folding did the rest.
    assert " ".join(folded.lower().split()) == fold(text) or "🙂" in text


def test_folding_examples():
    assert fold_text("Đoàn Thanh niên") == "Doan Thanh nien"
    assert fold_text(nfd("Đảng")) == "Dang"
    assert marks_of("Đoà") == ".\u0335..\u0300"
    # Marks hold no letter or digit: Pagefind indexes no word from them.
    assert not any(char.isalnum() for char in marks_of("Đoàn Thanh niên 2024, Hội nghị"))
    # A full stop that Pagefind adds at the end has no slot and stays.
    assert restore("Doan.", marks_of("Đoàn")) == "Đoàn."
    with pytest.raises(ValueError):
        restore("Doan Thanh", marks_of("Đoàn"))


def test_html_to_text_reads_as_a_reader_does():
    assert html_to_text("<p>Đoàn <em>viên</em></p><p>Thanh niên</p>") == "Đoàn viên. Thanh niên."
    assert html_to_text("<p>A<br>B</p><h2>Tiêu đề</h2><p>Câu hỏi?</p>") == \
        "A B. Tiêu đề. Câu hỏi?"
    assert html_to_text("<p><strong>Đoàn</strong>viên &amp; “3 chủ động”</p>") == \
        "Đoànviên & “3 chủ động”"
    assert html_to_text("<p>x</p><script>var y = 1;</script><iframe>z</iframe>") == "x."
    assert html_to_text("<figure><img alt='ảnh'><figcaption>Chú thích</figcaption></figure>") \
        == "Chú thích."
    assert html_to_text(nfd("<p>Đoàn\u200bviên</p>")) == "Đoànviên."


# Pieces of HTML, ordinary and odd, for comparing the fast path with HTMLParser.
HTML_PIECES = [
    "<p>", "</p>", "<P class=x>", "<br>", "<br/>", "<br />", "<em>", "</em>", "<p/>", "a",
    "Đoàn", " ", "\n", "&amp;", "&amp", "&nbsp;", "&#x41;", "&", "<", ">", "<!-- c -->",
    "<script>x<p>y</script>", "<style>p{}</style>", "<img alt='a>b'>",
    '<img alt="a\'<b" src=x>', "<a href=/x/>", "<a href=x/>", '<h2 id="x" >', "</h2 >",
    "</ h2>", "<svg><path d='M0'/></svg>", "<iframe src=x></iframe>", "x.", "?",
    "<a b\u00a0c>", "<p\u00a0class=x>", "<div\x0b>", "</div>", "<li>", "</li>",
    "<table><tr><td>1</td></tr></table>", "<x-y>", "</x-y>", "<a title>", "<a =b>",
    "<a b=`c`>", "<!DOCTYPE html>", "<?pi?>", "<![CDATA[x]]>", "\u200b", "<a\tb='1'\nc=\"2\">",
    "</a\t>", "<b", "&lt;p&gt;", "é", "e\u0301", "<noscript>n</noscript>", "<template>t",
    "</template>", "<math>", "</svg>", "<object>", "</script>", "</SCRIPT>", "<Script>",
    '<a href="x"title="y">', "<figure>", "<figcaption>Chú thích</figcaption>", "</figure>",
    "<textarea><p>t</textarea>", "<title>x<b>y</title>",
]


def test_html_to_text_fast_path_reads_as_htmlparser_does():
    """The regular-expression path gives what HTMLParser gives, or steps aside."""
    rng = random.Random(7)
    compared = 0
    for _ in range(30_000):
        fragment = "".join(rng.choice(HTML_PIECES) for _ in range(rng.randint(0, 10)))
        fast = records._fast_text(fragment)
        if fast is not None:
            compared += 1
            assert fast == records._parsed_text(fragment), fragment
    assert compared > 5_000


def test_html_to_text_takes_the_fast_path_for_markdown_output():
    body = ('<p>Sáng 5/3, <strong>Đoàn</strong> xã&nbsp;ra quân.</p>\n<figure><picture>'
            '<source type="image/webp" srcset="/a-360.webp 360w" sizes="100vw">'
            '<img src="/a.jpg" width="800" height="600" alt="Ảnh" decoding="async"></picture>'
            "<figcaption>Chú thích</figcaption>\n</figure>\n<ul>\n<li>Một</li>\n</ul>")
    assert records._fast_text(body) is not None
    assert html_to_text(body) == "Sáng 5/3, Đoàn xã ra quân. Chú thích. Một."


def test_folding_beyond_the_listed_characters():
    # Kana with a combining voicing mark folds like a Latin letter; emoji and Hangul stay.
    assert fold_text("が Đà") == "か Da" and marks_of("が") == ".\u3099"
    assert fold_text("한 🙂 ơ") == "한 🙂 o"


def test_dates_are_returned_but_hold_no_word():
    moment = datetime(2022, 11, 13, 21, 12)
    code = encode_date(moment)
    assert not any(char.isalnum() for char in code)
    assert decode_date(code) == "13/11/2022"


def test_the_search_page_of_an_article():
    page = search_page(save_as="tin/bai.html", title="Đoàn <chuyển đổi số>",
                       lead_html="Lời <em>dẫn</em>", body_html="<p>Đảng viên</p>",
                       tags=["Đoàn cơ sở", "Tình nguyện"], category="Hoạt động Đoàn",
                       date=datetime(2024, 3, 2, 7, 30))
    assert page.save_as == "tin/bai.html"
    assert 'data-title="Doan &lt;chuyen doi so&gt;"' in page.html
    assert 'data-tags="Doan co so, Tinh nguyen"' in page.html
    # Filters keep the original text: they are shown and chosen, never matched.
    assert 'data-category="Hoạt động Đoàn"' in page.html and 'data-year="2024"' in page.html
    assert "<p>Loi dan. Dang vien.</p>" in page.html
    assert "data-pagefind-body" in page.html and 'lang="vi"' in page.html
    assert "title_marks[data-title-marks]" in page.html


def test_years_are_grouped_into_shards():
    """The newest year alone; the older ones, consecutive from the oldest, in groups of at
    least `shard_articles` articles; a last group smaller than that joins the one before."""
    ten = {str(year): 1000 for year in range(2016, 2026)}
    assert group_years(ten, 2500) == [("2025",), ("2024", "2023", "2022"),
                                      ("2021", "2020", "2019"), ("2018", "2017", "2016")]
    assert group_years(ten, 2000) == [("2025",), ("2024", "2023", "2022"), ("2021", "2020"),
                                      ("2019", "2018"), ("2017", "2016")]
    # 2022 (1,000 articles) is too few for a shard: it joins 2019-2021.
    eight = {str(year): 1000 for year in range(2016, 2024)}
    assert group_years(eight, 2500) == [("2023",), ("2022", "2021", "2020", "2019"),
                                        ("2018", "2017", "2016")]
    # A small site: the newest year, and every older year together however few they are.
    small = {"2019": 1, "2023": 3, "2024": 4, "2022": 1}
    assert group_years(small, 2500) == [("2024",), ("2023", "2022", "2019")]
    assert group_years(small, 2) == [("2024",), ("2023",), ("2022", "2019")]
    assert group_years(small, 3) == [("2024",), ("2023", "2022", "2019")]
    # One article a shard: one bundle per year, as before the grouping.
    assert group_years(small, 1) == [("2024",), ("2023",), ("2022",), ("2019",)]
    # Uneven years: a big year is a shard alone; years without articles make no gap.
    assert group_years({"2024": 10, "2023": 5000, "2021": 100, "2015": 2400, "2014": 30},
                       2500) == [("2024",), ("2023",), ("2021", "2015", "2014")]
    assert group_years({"2024": 7}, 2500) == [("2024",)] and group_years({}, 2500) == []
    assert [shard_name(group) for group in group_years(ten, 2500)] == \
        ["2025", "2022-2024", "2019-2021", "2016-2018"]


def test_a_new_year_leaves_the_old_groups_as_they_were():
    # Counted from the oldest year: when 2026 begins, 2025 joins the open group at the new
    # end; the groups before it, and so their cached bundles, stay.
    years = {str(year): 1000 for year in range(2016, 2026)}
    before = group_years(years, 2000)
    after = group_years({**years, "2026": 10}, 2000)
    assert after[0] == ("2026",)
    assert set(before[2:]) <= set(after)
    assert after[:3] == [("2026",), ("2025", "2024"), ("2023", "2022")]


    # The search page is told the same shards the index is made of.
    bundles, words = bundle_paths("/pagefind/", ["2019", "2024", "2023", "2024", "2022"], 2)
    assert bundles == [
        {"path": "pagefind/2024/", "name": "2024", "years": ["2024"], "articles": 2},
        {"path": "pagefind/2019-2023/", "name": "2019-2023", "years": ["2023", "2022", "2019"],
         "articles": 3}]
    assert words == "pagefind/tu-vung/"


@pytest.mark.parametrize("value", [0, -5, "100", 2.5, True, None])
def test_shard_articles_must_be_a_positive_integer(value):
    with pytest.raises(SearchIndexFailed, match="shard_articles"):
        settings_of({"SEARCH_INDEX": {"shard_articles": value}})
    assert settings_of({"SEARCH_INDEX": {"shard_articles": 1}})["shard_articles"] == 1
    assert settings_of({})["shard_articles"] == 2000


# --- the built index --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = build(tmp_path_factory.mktemp("search"), scenario("search_site"), search_settings())
    assert site.ok, site.exception
    return site


def fragments(folder: Path) -> list[dict]:
    """Every result in one bundle, or in every year's bundle under `folder` (OUTPUT_PATH/pagefind:
    the words bundle is not searched for results)."""
    found = []
    pattern = "fragment/*.pf_fragment" if (folder / "fragment").is_dir() else \
        "[0-9]*/fragment/*.pf_fragment"
    for path in sorted(folder.glob(pattern)):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        found.append(json.loads(data[len(b"pagefind_dcd"):]))
    return found


def test_the_build_indexes_exactly_the_published_articles(site):
    # One bundle per shard of the published articles' years (the hidden article and the draft
    # are 2024 too), each holding exactly its years' articles, and the bundle of their words.
    assert sorted(path.name for path in (site.output / "pagefind").iterdir()) == \
        sorted([*SHARDS, WORDS])
    count = 0
    for name, years in SHARDS.items():
        entry = json.loads(site.read(f"pagefind/{name}/pagefind-entry.json"))
        count += entry["languages"]["vi"]["page_count"]
        shard = fragments(site.output / "pagefind" / name)
        assert len(shard) == entry["languages"]["vi"]["page_count"]
        # The year stays a filter of each record: the page's filter `nam` works in any shard.
        assert {fragment["filters"]["year"][0] for fragment in shard} == set(years)
        # Pagefind's own search UIs are left out: the page never loads them.
        assert not site.exists(f"pagefind/{name}/pagefind-ui.js")
    assert count == len(PUBLISHED)
    urls = {fragment["url"] for fragment in fragments(site.output / "pagefind")}
    assert urls == {f"/{slug}.html" for slug in PUBLISHED}
    # The hidden article keeps its page; the draft has none.
    assert site.exists(f"{HIDDEN}.html") and not site.exists(f"{DRAFT}.html")


def test_the_index_holds_folded_text_and_the_marks_that_restore_it(site):
    by_url = {fragment["url"]: fragment for fragment in fragments(site.output / "pagefind")}
    fragment = by_url["/doan-thanh-nien-ra-quan-lam-duong.html"]
    # Lead, then body; the title and the tags are meta fields, not in the excerpt text.
    original = restore(fragment["content"], fragment["meta"]["marks"])
    assert original.startswith("Con đường bê tông dài 300 mét nối bản Cốc Xả với trung tâm "
                               "xã. Sáng 5/3, Đoàn Thanh niên xã Quang Trung ra quân")
    assert fragment["content"].startswith("Con duong be tong dai 300 met noi ban Coc Xa")
    assert restore(fragment["meta"]["title"], fragment["meta"]["title_marks"]) == \
        "Đoàn Thanh niên xã Quang Trung ra quân làm đường"
    assert fragment["meta"]["tags"] == "Tinh nguyen"
    assert decode_date(fragment["meta"]["date"]) == "05/03/2024"
    assert fragment["filters"] == {"category": ["Phong trào tình nguyện"], "year": ["2024"]}
    for fragment in by_url.values():
        # Pagefind's content is exactly the folded text, so every text comes back whole.
        text = restore(fragment["content"], fragment["meta"]["marks"])
        assert fold_text(text) == fragment["content"]
        assert fragment["content"].isascii() or "“" in fragment["content"]
        assert not any(char.isalnum() for char in fragment["meta"]["date"])
        assert not any(char.isalnum() for char in fragment["meta"]["marks"])


def test_the_words_bundle_lists_each_shards_words(site):
    pages = {fragment["filters"]["shard"][0]: fragment
             for fragment in fragments(site.output / "pagefind" / WORDS)}
    assert sorted(pages) == sorted(SHARDS)
    words = {shard: set(page["content"].split()) for shard, page in pages.items()}
    # Folded, lower case, once each; the hidden article's and the draft's words are not there.
    assert {"dang", "bo", "nghi", "quyet", "gat", "lua"} <= words["2019-2023"]
    assert "dang" not in words["2024"] and "gat" not in words["2024"]
    assert "doan" in words["2024"] and "khuoi" not in words["2024"]
    assert all(page["content"] == page["content"].lower() for page in pages.values())
    assert records.words_of(search_page(
        save_as="a.html", title="Đoàn “Thanh niên”", lead_html="", body_html="<p>xã, Xã. 5/3</p>",
        tags=["Tình nguyện"], category=None, date=datetime(2024, 1, 1)).html) == \
        {"doan", "thanh", "nien", "tinh", "nguyen", "xa", "5/3"}


def test_a_site_of_one_year_has_no_words_bundle(tmp_path):
    site = build(tmp_path, {"bai.md": (scenario("search_site") / "the-duoc-tim.md").read_text(
        encoding="utf-8")}, search_settings())
    assert site.ok, site.exception
    assert sorted(path.name for path in (site.output / "pagefind").iterdir()) == ["2024"]
    form = site.html("tim-kiem/index.html").find("form", attrs={"data-search-bundles": True})
    assert form["data-search-bundles"] == "/pagefind/2024/" and not form.get("data-search-words")


def test_the_old_index_is_removed_before_indexing(tmp_path):
    stale = [tmp_path / "output" / "pagefind" / "fragment" / "vi_cu.pf_fragment",
             tmp_path / "output" / "pagefind" / "2001" / "fragment" / "vi_cu.pf_fragment",
             tmp_path / "output" / "pagefind" / "2024" / "fragment" / "vi_cu.pf_fragment",
             # a year's bundle of the layout before years were grouped
             tmp_path / "output" / "pagefind" / "2019" / "fragment" / "vi_cu.pf_fragment"]
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"old")
    site = build(tmp_path, scenario("search_site"),
                 {**search_settings(), "DELETE_OUTPUT_DIRECTORY": False})
    assert site.ok, site.exception
    assert not any(path.exists() for path in stale)
    assert sorted(path.name for path in (site.output / "pagefind").iterdir()) == \
        sorted([*SHARDS, WORDS])
    assert len(fragments(site.output / "pagefind")) == len(PUBLISHED)
    # Nothing is left of the folder the new index was assembled in.
    assert [path.name for path in site.output.glob(".pagefind*")] == []


def test_indexing_in_this_process_gives_the_same_index(tmp_path, site):
    """NEWS_WORKERS = 1: no background process, the index is made at the end of the build."""
    alone = build(tmp_path, scenario("search_site"), {**search_settings(), "NEWS_WORKERS": 1})
    assert alone.ok, alone.exception
    assert fragments(alone.output / "pagefind") == fragments(site.output / "pagefind")


def test_search_can_be_turned_off(tmp_path):
    site = build(tmp_path, scenario("search_site"),
                 {**search_settings(), "SEARCH_INDEX": {"enabled": False}})
    assert site.ok, site.exception
    assert not site.exists("pagefind") and site.exists("tim-kiem/index.html")


def test_without_the_plugin_the_page_looks_for_one_bundle(tmp_path):
    settings = search_settings()
    settings["PLUGINS"] = [name for name in settings["PLUGINS"]
                           if name != "tintuc_plugins.search_index"]
    settings["REQUIRED_PLUGINS"] = settings["PLUGINS"]
    site = build(tmp_path, scenario("search_site"), settings)
    assert site.ok, site.exception
    form = site.html("tim-kiem/index.html").find("form", attrs={"data-search-bundles": True})
    assert form["data-search-bundles"] == "/pagefind/"


def test_a_wrong_setting_stops_the_build(tmp_path):
    site = build(tmp_path, scenario("search_site"),
                 {**search_settings(), "SEARCH_INDEX": {"thu_muc": "x"}})
    assert not site.ok and "SEARCH_INDEX" in str(site.exception)


def test_the_search_page_is_a_plain_get_form_with_filters(site):
    page = site.html("tim-kiem/index.html")
    form = page.find("form", attrs={"data-search-bundles": True})
    assert form["action"] == "/tim-kiem/" and form["method"] == "get"
    # Every shard's bundle, newest first: search.js loads the first and merges the others, and
    # asks the words bundle which shards to search; it finds their articles by their years.
    assert form["data-search-bundles"].split() == [f"/pagefind/{name}/" for name in SHARDS]
    assert form["data-search-words"] == "/pagefind/tu-vung/"
    assert form["data-search-years"].split() == [",".join(years) for years in SHARDS.values()]
    assert form["data-search-articles"].split() == ["4", "5"]
    assert form.find("input", attrs={"name": "q"})["id"] == "tu-khoa"
    assert page.find("label", attrs={"for": "tu-khoa"}).get_text(strip=True) == "Từ khóa"
    categories = [option["value"] for option in form.find("select", id="loc-chuyen-muc")("option")]
    assert categories[0] == "" and "Phong trào tình nguyện" in categories
    years = [option["value"] for option in form.find("select", id="loc-nam")("option")]
    # Years of published articles only, newest first (the hidden and the draft are 2024 too).
    assert years == ["", "2024", "2023", "2022", "2019"]
    scripts = page("script")
    # The script's URL carries its digest, like every theme file's (tintuc/assets.py).
    assert any((script.get("src") or "").startswith("/theme/js/search.js?v=")
               for script in scripts)
    assert all(script.get("src") or script.get("type") == "application/ld+json"
               for script in scripts), "the site's CSP forbids inline scripts"
    assert "JavaScript" in page.find("noscript").get_text()
    # The header's box on every page leads here.
    header_form = site.html("index.html").find("form", class_="search")
    assert header_form["action"] == "/tim-kiem/" and header_form.find("input")["name"] == "q"


def test_the_stylesheet_stays_small():
    assert (PROJECT / "theme" / "static" / "css" / "tin.css").stat().st_size < 25_000


# --- in the browser ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(site):
    with serve(site.output) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    require(CHROMIUM.exists(), f"Chromium ({CHROMIUM})")
    pytest.importorskip("playwright.sync_api")
    with chromium() as context:
        yield context


@pytest.fixture
def page(browser):
    tab = browser.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    tab.close()
    assert errors == []


def found_slugs(page) -> list[str]:
    hrefs = page.eval_on_selector_all(".search-result-title a", "links => links.map(a => a.href)")
    return [re.sub(r"^.*/([^/]+)\.html$", r"\1", href) for href in hrefs]


def search(page, base: str, query: str, **filters) -> tuple[str, list[str]]:
    page.goto(search_url(base, query, **filters))
    status = wait_for_results(page)
    while page.locator("[data-search-more]").is_visible():
        count = page.locator(".search-result").count()
        page.click("[data-search-more]")
        page.wait_for_function(f"document.querySelectorAll('.search-result').length > {count}")
    return status, found_slugs(page)


@pytest.fixture(scope="module")
def originals(site) -> dict[str, tuple[str, str]]:
    """Slug → (title, lead and body) as readers see them, from the index."""
    found = {}
    for fragment in fragments(site.output / "pagefind"):
        slug = fragment["url"].strip("/").removesuffix(".html")
        found[slug] = (restore(fragment["meta"]["title"], fragment["meta"]["title_marks"]),
                       restore(fragment["content"], fragment["meta"]["marks"]))
    return found


@pytest.mark.browser
@pytest.mark.parametrize("case", QUERIES, ids=query_id)
def test_query_table(page, server, originals, case):
    query, must, must_not = case
    status, found = search(page, server, query)
    assert len(found) == len(set(found))
    assert (must or set()) <= set(found), (query, found)
    assert not must_not & set(found), (query, found)
    if found:
        assert status.startswith(f"Tìm thấy {len(found)} kết quả"), status
    else:
        assert status.startswith("Không tìm thấy kết quả nào"), status
    if must is None:
        assert found == [], (query, found)
    # The query is shown back as the reader typed it (NFC); titles and excerpts are the
    # articles' own text, marks and all, never the folded text the index holds.
    assert page.input_value("#tu-khoa") == unicodedata.normalize("NFC", query)
    assert page.locator(".search-result-title").all_inner_texts() == \
        [originals[slug][0] for slug in found]
    for slug, excerpt in zip(found, page.locator(".search-result-excerpt").all_inner_texts(),
                             strict=True):
        assert excerpt and excerpt in originals[slug][1], (slug, excerpt)


@pytest.fixture(scope="module")
def finer(tmp_path_factory):
    """The same site in three shards (2024, 2023, 2019-2022): the words bundle then tells
    three bundles apart, one of them of two years with a gap between."""
    site = build(tmp_path_factory.mktemp("search-finer"), scenario("search_site"),
                 {**search_settings(), "SEARCH_INDEX": {"shard_articles": 2}})
    assert site.ok, site.exception
    assert sorted(path.name for path in (site.output / "pagefind").iterdir()) == \
        ["2019-2022", "2023", "2024", WORDS]
    return site


@pytest.mark.browser
def test_the_query_table_in_finer_shards(page, finer):
    with serve(finer.output) as base:
        for query, must, must_not in QUERIES:
            status, found = search(page, base, query)
            assert (must or set()) <= set(found), (query, found)
            assert not must_not & set(found), (query, found)
            assert found or must is None or not must, (query, status)
        # The year filter picks one year of a shard of several.
        assert search(page, base, "tuoi tre", nam="2019")[1] == ["ngay-dang-khong-duoc-tim"]
        assert search(page, base, "tuoi tre", nam="2022")[1] == []


@pytest.mark.browser
def test_a_result_shows_title_date_category_and_the_original_text_highlighted(page, server):
    search(page, server, "doan")
    result = page.locator(".search-result", has=page.locator(
        "a[href$='/doan-thanh-nien-ra-quan-lam-duong.html']"))
    assert result.locator("h2").inner_text() == \
        "Đoàn Thanh niên xã Quang Trung ra quân làm đường"
    assert result.locator("time").inner_text() == "05/03/2024"
    assert result.locator("time").get_attribute("datetime") == "2024-03-05"
    category = result.locator(".search-result-meta a")
    assert category.inner_text() == "Phong trào tình nguyện"
    assert category.get_attribute("href").endswith("/chuyen-muc/phong-trao-tinh-nguyen/")
    excerpt = result.locator(".search-result-excerpt")
    marks = excerpt.locator("mark").all_inner_texts()
    assert "Đoàn" in marks and "đoàn" in marks
    assert "Sáng 5/3, Đoàn Thanh niên xã Quang Trung ra quân làm đường" in excerpt.inner_text()


@pytest.mark.browser
def test_filters_by_category_and_year(page, server):
    status, found = search(page, server, "doan", chuyen_muc="Phong trào tình nguyện")
    assert found == ["doan-thanh-nien-ra-quan-lam-duong"], status
    assert page.input_value("#loc-chuyen-muc") == "Phong trào tình nguyện"
    assert "trong chuyên mục Phong trào tình nguyện" in status
    status, found = search(page, server, "thang thanh nien", nam="2024")
    assert found == ["cum-tu-thang-thanh-nien"], status
    # Choosing a filter on the page searches again and keeps the choice in the address.
    page.select_option("#loc-nam", "2023")
    page.wait_for_function("location.search.includes('nam=2023')")
    wait_for_results(page)
    assert found_slugs(page) == ["tu-roi-khong-thanh-cum"]


@pytest.mark.browser
def test_the_page_form_and_the_header_box_search(page, server):
    page.goto(server + "tim-kiem/")
    assert wait_for_results(page) == "Nhập từ khóa để tìm tin, bài."
    page.fill("#tu-khoa", nfd("Đảng"))
    page.press("#tu-khoa", "Enter")
    page.wait_for_function("location.search.includes('q=')")
    wait_for_results(page)
    assert found_slugs(page) == ["dang-bo-hoc-nghi-quyet"]
    # The header's box is a plain form: from any page to /tim-kiem/?q=…
    page.goto(server)
    page.fill("#o-tim-kiem", "doan thanh nien")
    page.press("#o-tim-kiem", "Enter")
    page.wait_for_url("**/tim-kiem/?q=doan+thanh+nien")
    wait_for_results(page)
    assert found_slugs(page)[0] == "doan-thanh-nien-ra-quan-lam-duong"
    # Back goes to the previous search.
    page.goto(search_url(server, "dang"))
    wait_for_results(page)
    page.fill("#tu-khoa", "coc xa")
    page.click(".search-page button[type=submit]")
    page.wait_for_function("location.search.includes('coc')")
    wait_for_results(page)
    page.go_back()
    page.wait_for_function("document.querySelector('#tu-khoa').value === 'dang'")
    wait_for_results(page)
    assert found_slugs(page) == ["dang-bo-hoc-nghi-quyet"]


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 360])
def test_no_axe_violations_with_results(page, server, width):
    page.set_viewport_size({"width": width, "height": 800})
    _, found = search(page, server, "doan")
    assert len(found) == 2 and page.locator("mark").count() > 2
    assert axe_violations(page) == []


@pytest.mark.browser
def test_no_axe_violations_without_results(page, server):
    _, found = search(page, server, "mttq")
    assert found == []
    assert axe_violations(page) == []


OVERFLOWING = """() => {
  const limit = document.documentElement.clientWidth + 1;
  return [...document.querySelectorAll('body *')]
    .filter(el => !el.closest('.visually-hidden'))
    .filter(el => { const box = el.getBoundingClientRect();
                    return box.width > 0 && box.right > limit; })
    .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
}"""


@pytest.mark.browser
def test_usable_at_360px(page, server):
    page.set_viewport_size({"width": 360, "height": 740})
    search(page, server, "Đại hội Đoàn Đức Long nhiệm kỳ 2024 - 2029")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1] == 360, "the page scrolls sideways"
    assert page.evaluate(OVERFLOWING) == []
    small = page.evaluate("""() => [...document.querySelectorAll(
        '.search-page input, .search-page button, .search-page select, [data-search-more]')]
        .filter(el => el.offsetParent && el.getBoundingClientRect().height < 24)
        .map(el => el.outerHTML)""")
    assert small == []
    # The box and its button share one line; the first result is on the first two screens.
    box = page.locator("#tu-khoa").bounding_box()
    button = page.locator(".search-page button[type=submit]").bounding_box()
    assert abs(box["y"] - button["y"]) < 4 and button["x"] + button["width"] <= 360
    assert page.locator(".search-result").first.bounding_box()["y"] < 2 * 740


# --- the sample site ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    site = build(tmp_path_factory.mktemp("sample-search"), PROJECT / "content", search_settings())
    assert site.ok, site.exception
    return site


def sample_titles() -> dict[str, str]:
    """Slug → title of the sample's articles, read from their front-matter."""
    titles = {}
    for path in (PROJECT / "content").rglob("*.md"):
        if "pages" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        title = re.search(r"^Tiêu đề:\s*(.+)$", text, re.M)
        slug = re.search(r"^Đường dẫn:\s*(.+)$", text, re.M)
        if title and slug and not re.search(r"^Trạng thái:\s*(nháp|ẩn)", text, re.M):
            titles[slug.group(1).strip()] = title.group(1).strip()
    return titles


@pytest.mark.browser
def test_sample_site_doan_thanh_nien(browser, sample):
    """The issue's acceptance: /tim-kiem/?q=doan thanh nien lists the articles about
    "Đoàn Thanh niên", the legacy headline first."""
    about = {slug for slug, title in sample_titles().items()
             if "doan thanh nien" in fold(title)}
    assert "doan-thanh-nien-cao-bang-ra-quan-thang-thanh-nien-2024" in about
    tab = browser.new_page()
    try:
        with serve(sample.output) as base:
            tab.goto(base + "tim-kiem/?q=doan thanh nien")
            status = wait_for_results(tab)
            first_page = found_slugs(tab)
            assert status.startswith("Tìm thấy") and len(first_page) == 10
            assert first_page[0] == "doan-thanh-nien-cao-bang-ra-quan-thang-thanh-nien-2024"
            assert about <= set(first_page), (about, first_page)
            assert tab.locator(".search-result h2").first.inner_text() == \
                "Đoàn Thanh niên Cao Bằng ra quân Tháng Thanh niên 2024"
            # More results on demand; focus goes to the first new one.
            tab.click("[data-search-more]")
            tab.wait_for_function("document.querySelectorAll('.search-result').length > 10")
            assert tab.evaluate("document.activeElement.closest('.search-result') === "
                                "document.querySelectorAll('.search-result')[10]")
    finally:
        tab.close()
