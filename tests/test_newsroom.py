"""The old portal's newsroom features (issue 17) in real builds: topics ("Dòng sự kiện"),
"Tin liên quan", hand-ordered "Tin nổi bật"."""

import pytest
from conftest import PROJECT, build
from legacy_fixtures import make_mirror
from legacy_fixtures.legacy_support import SETTINGS, run_import

from tintuc.checker import run_check
from tintuc.files import load_settings

CHECK_SETTINGS = load_settings(PROJECT / "pelicanconf.py")
BASE = {"SEARCH_INDEX": {"enabled": False}, "NEWS_NEW_DAYS": 0}


def article(title: str, date: str, slug: str, category: str = "Hoạt động Đoàn",
            **keys: str) -> str:
    more = "".join(f"{key}: {value}\n" for key, value in keys.items())
    return (f"Tiêu đề: {title}\nNgày đăng: {date}\nChuyên mục: {category}\n"
            f"Đường dẫn: {slug}\n{more}\nNội dung {title}.\n")


def text(element) -> str:
    return " ".join(element.get_text(" ").split())


# --- Topics -----------------------------------------------------------------------------------

TOPIC_SITE = {
    "tin/a.md": article("Khai mạc Đại hội", "01/10/2022 08:00", "khai-mac",
                        **{"Sự kiện": "Đại hội Đoàn các cấp"}),
    "tin/b.md": article("Phiên thứ nhất", "02/10/2022 08:00", "phien-1",
                        **{"Sự kiện": "đại hội đoàn các cấp"}),
    "tin/c.md": article("Bế mạc Đại hội", "03/10/2022 08:00", "be-mac",
                        **{"Dòng sự kiện": "Đại hội Đoàn các cấp"}),
    "tin/d.md": article("Tin nội bộ của Đại hội", "04/10/2022 08:00", "noi-bo",
                        **{"Sự kiện": "Đại hội Đoàn các cấp", "Trạng thái": "ẩn"}),
    "tin/e.md": article("Tin khác", "05/10/2022 08:00", "tin-khac"),
}


@pytest.fixture(scope="module")
def topics(tmp_path_factory):
    site = build(tmp_path_factory.mktemp("topics"), TOPIC_SITE, BASE)
    assert site.ok, site.messages
    return site


def test_a_topic_page_lists_its_articles_newest_first(topics):
    page = topics.html("su-kien/dai-hoi-doan-cac-cap/index.html")
    assert text(page.h1) == "Dòng sự kiện: Đại hội Đoàn các cấp"
    links = [a["href"] for a in page.select(".teaser-title a")]
    assert links == ["/be-mac.html", "/phien-1.html", "/khai-mac.html"]  # hidden: not listed
    index = topics.html("su-kien/index.html")
    assert [a["href"] for a in index.select(".term-list a")] == ["/su-kien/dai-hoi-doan-cac-cap/"]
    assert "/su-kien/dai-hoi-doan-cac-cap/" in topics.read("sitemap.xml")


def test_each_article_shows_the_topics_other_articles(topics):
    page = topics.html("phien-1.html")
    box = page.find("section", class_="topic-box")
    assert text(box.h2) == "Theo dòng sự kiện: Đại hội Đoàn các cấp"
    assert [a["href"] for a in box.select("li a")] == ["/be-mac.html", "/khai-mac.html"]
    assert box.select_one(".more a")["href"] == "/su-kien/dai-hoi-doan-cac-cap/"
    # The box comes before the newer/older lists, as on the old portal.
    headings = [text(h2) for h2 in page.select("main h2")]
    assert headings.index("Theo dòng sự kiện: Đại hội Đoàn các cấp") < \
        headings.index("Những tin mới hơn")
    assert topics.html("noi-bo.html").find("section", class_="topic-box") is not None
    assert topics.html("tin-khac.html").find("section", class_="topic-box") is None


def test_the_importer_keeps_nukeviet_topics_and_their_old_addresses(tmp_path):
    mirror = make_mirror.build_mirror(tmp_path / "mirror", make_mirror.generated_articles())
    summary, said = run_import(mirror, tmp_path / "content")
    assert not summary.failed, said
    imported = {path.read_text(encoding="utf-8") for path in
                (tmp_path / "content").rglob("*.md")}
    assert sum("\nSự kiện: Đại hội Đoàn các cấp\n" in item for item in imported) == 3
    assert sum("\nSự kiện: Tháng Thanh niên\n" in item for item in imported) == 1
    assert any("thang-thanh-nien-2023" in line and "topic_aliases" in line for line in said)
    settings = {**SETTINGS, **BASE, "LEGACY_REDIRECTS": {
        "topic_aliases": {"thang-thanh-nien-2023": "Tháng Thanh niên"}}}
    site = build(tmp_path / "site", tmp_path / "content", settings, copy=False)
    assert site.ok, site.messages
    redirects = site.read("legacy-redirects.map")
    assert '"/news/topic/dai-hoi-doan-cac-cap/" "/su-kien/dai-hoi-doan-cac-cap/"' in redirects
    assert '"/news/topic/thang-thanh-nien-2023/" "/su-kien/thang-thanh-nien/"' in redirects


# --- Tin liên quan ------------------------------------------------------------------------------

def test_related_articles_share_the_most_tags_and_come_before_newer_and_older(tmp_path):
    files = {
        "tin/a.md": article("Bài gốc", "10/10/2022", "goc", **{"Thẻ": "Đoàn, Tình nguyện, Số"}),
        "tin/b.md": article("Chung ba thẻ", "01/01/2020", "ba", category="Chuyển đổi số",
                            **{"Thẻ": "Đoàn, Tình nguyện, Số"}),
        "tin/c.md": article("Chung hai thẻ", "11/10/2022", "hai", **{"Thẻ": "Đoàn, Số"}),
        "tin/d.md": article("Chung một thẻ, cùng chuyên mục", "12/10/2022", "mot-cung",
                            **{"Thẻ": "Tình nguyện"}),
        "tin/e.md": article("Chung một thẻ, khác chuyên mục", "10/10/2022 01:00", "mot-khac",
                            category="Chuyển đổi số", **{"Thẻ": "Số"}),
        "tin/f.md": article("Không chung thẻ", "10/10/2022 02:00", "khong", **{"Thẻ": "Khác"}),
    }
    site = build(tmp_path, files, BASE)
    assert site.ok, site.messages
    page = site.html("goc.html")
    related = page.find("section", attrs={"aria-labelledby": "tin-lien-quan"})
    assert text(related.h2) == "Tin liên quan"
    assert [a["href"] for a in related.select("li a")] == [
        "/ba.html", "/hai.html", "/mot-cung.html", "/mot-khac.html"]
    headings = [text(h2) for h2 in page.select("main h2")]
    assert headings.index("Tin liên quan") < headings.index("Những tin mới hơn")
    assert site.html("khong.html").find("section", attrs={
        "aria-labelledby": "tin-lien-quan"}) is None


# --- Tin nổi bật -------------------------------------------------------------------------------

def test_featured_stories_in_the_order_editors_give(tmp_path):
    files = {f"tin/{n}.md": article(f"Tin {n}", f"{n + 1:02d}/10/2022", f"tin-{n}",
                                    **({"Nổi bật": featured} if featured else {}))
             for n, featured in enumerate(["có", "2", "", "1", "có", ""])}
    site = build(tmp_path, files, BASE)
    assert site.ok, site.messages
    home = site.html("index.html")
    assert home.select_one(".teaser-large .teaser-title a")["href"] == "/tin-3.html"
    featured = home.find("section", attrs={"aria-labelledby": "tin-noi-bat"})
    assert [a["href"] for a in featured.select(".teaser-title a")] == [
        "/tin-1.html", "/tin-4.html", "/tin-0.html"]
    pinned = build(tmp_path / "pinned", files, {**BASE, "NEWS_FEATURED": ["tin-5"]})
    assert pinned.html("index.html").select_one(".teaser-large .teaser-title a")["href"] == \
        "/tin-5.html"


def test_check_refuses_a_featured_place_out_of_range(tmp_path):
    content = tmp_path / "content" / "tin"
    content.mkdir(parents=True)
    (content / "a.md").write_text(article("A", "01/10/2022", "a", **{"Nổi bật": "0"}),
                                  encoding="utf-8")
    (content / "b.md").write_text(article("B", "01/10/2022", "b", **{"Nổi bật": "có lẽ"}),
                                  encoding="utf-8")
    problems = run_check(tmp_path / "content", CHECK_SETTINGS).problems
    assert [(problem.path.rsplit("/", 1)[-1], problem.code, problem.line)
            for problem in problems] == [("a.md", "bad-featured", 5), ("b.md", "bad-featured", 5)]


# --- Nguồn with its address, and articles pointing to an outside story -------------------------

def test_a_source_links_to_its_address_and_an_outside_story_is_linked_from_lists(tmp_path):
    files = {
        "tin/a.md": article("Bài của báo tỉnh", "01/10/2022", "bao-tinh", **{
            "Nguồn": "Báo Cao Bằng <https://baocaobang.vn/thanh-nien-ra-quan.html>",
            "Liên kết ngoài": "https://baocaobang.vn/thanh-nien-ra-quan.html"}),
        "tin/b.md": article("Bài của ta", "02/10/2022", "cua-ta", **{"Nguồn": "Huyện Đoàn"}),
    }
    site = build(tmp_path, files, BASE)
    assert site.ok, site.messages
    page = site.html("bao-tinh.html")
    source = page.select_one(".byline a[rel~=external]")
    assert (text(source), source["href"]) == (
        "Báo Cao Bằng", "https://baocaobang.vn/thanh-nien-ra-quan.html")
    assert text(page.select_one(".external-story")) == "Đọc toàn bài tại baocaobang.vn"
    assert text(site.html("cua-ta.html").select_one(".byline")) == "Nguồn tin: Huyện Đoàn"
    # Lists lead straight to the outside story, and say where it is.
    older = site.html("cua-ta.html").find("section", attrs={"aria-labelledby": "tin-cu-hon"})
    link = older.select_one("li a")
    assert link["href"] == "https://baocaobang.vn/thanh-nien-ra-quan.html"
    assert "external" in link["rel"]
    teaser = site.html("chuyen-muc/hoat-dong-doan/index.html").select(".teaser-title")
    assert [text(item) for item in teaser] == ["Bài của ta", "Bài của báo tỉnh (baocaobang.vn)"]


@pytest.mark.parametrize(("line", "code"), [
    ("Nguồn: Báo <javascript:alert(1)>", "bad-source"),
    ("Liên kết ngoài: ftp://example.com/a", "bad-external_url"),
    ("Liên kết ngoài: baocaobang.vn", "bad-external_url"),
])
def test_an_address_that_is_not_a_web_page_is_refused(tmp_path, line, code):
    content = tmp_path / "content" / "tin"
    content.mkdir(parents=True)
    (content / "a.md").write_text(article("A", "01/10/2022", "a") .replace(
        "Đường dẫn: a\n", f"Đường dẫn: a\n{line}\n"), encoding="utf-8")
    problems = run_check(tmp_path / "content", CHECK_SETTINGS).problems
    assert [(problem.code, problem.line) for problem in problems] == [(code, 5)]
