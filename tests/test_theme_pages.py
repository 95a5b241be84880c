"""The theme's pages, read from a built site (CONTRACT §3 and issue 3).

Most tests read one build of `theme_scenarios/trang_mau`: two categories, a featured story
with photo, authors, source and tags, a title holding `<chuyển đổi số>`, a hidden story, a
draft, and two static pages.
"""

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import build
from theme_scenarios.theme_settings import with_theme

SCENARIO = Path(__file__).parent / "theme_scenarios" / "trang_mau"
ORG = {
    "name": "Trang thông tin điện tử Tỉnh Đoàn Thanh niên Cao Bằng",
    "short_name": "Tỉnh Đoàn Cao Bằng",
    "address": "Khối nhà MTTQ, Phường Đề Thám, Thành phố Cao Bằng",
    "phone": "02063. 852. 165",
    "fax": "02063. 852. 166",
    "email": "tinhdoan@caobang.gov.vn",
    "responsible": "Bí thư Tỉnh Đoàn",
    "contact": "Văn phòng Tỉnh Đoàn",
    "copyright_year": 2021,
    "reissue_source": "http://tinhdoan.caobang.gov.vn",
    "fanpage_url": "https://www.facebook.com/tinhdoancaobang",
    "fanpage_name": "Tuổi trẻ Cao Bằng",
}
LINKS = (("Trung ương Đoàn", "https://doanthanhnien.vn"), ("Tỉnh Cao Bằng", "https://caobang.gov.vn"))
ARTICLE = "ra-quan-moi-truong.html"
TRICKY = "tuoi-tre-chuyen-doi-so.html"
TRICKY_TITLE = 'Tuổi trẻ với <chuyển đổi số> & "sáng tạo"'
LISTED_PAGES = ["index.html", ARTICLE, TRICKY, "chuyen-muc/thoi-su-doan/index.html",
                "the/moi-truong/index.html", "tac-gia/nong-van-a/index.html",
                "luu-tru/index.html", "luu-tru/2022/index.html", "luu-tru/2022/11/index.html",
                "gioi-thieu/index.html", "english/index.html", "404.html", "bai-an.html"]


def text(element) -> str:
    """Visible text with runs of whitespace (no-break spaces included) made single spaces."""
    return " ".join(element.get_text().split())


def json_ld(soup, kind: str) -> dict:
    found = [json.loads(script.string) for script in soup.find_all("script",
                                                                    type="application/ld+json")]
    matching = [data for data in found if data.get("@type") == kind]
    assert len(matching) == 1, f"expected one {kind}, found {found}"
    return matching[0]


def list_items(soup, heading: str) -> list[tuple[str, str]]:
    """(href, text) of the items under the list heading that reads exactly `heading`."""
    headings = [h for h in soup.find_all("h2") if text(h) == heading]
    if not headings:
        return []
    assert len(headings) == 1
    items = headings[0].find_next("ul").find_all("li", recursive=False)
    return [(item.a["href"], text(item)) for item in items]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    built = build(tmp_path_factory.mktemp("trang_mau"), SCENARIO,
                  with_theme(ORGANIZATION=ORG, LINKS=LINKS,
                             THEME_COLORS={"primary": "#123456", "accent": "#a00000",
                                           "background": "#fffffe"}))
    assert built.ok, built.exception
    return built


# --- Every page ------------------------------------------------------------------------------

@pytest.mark.parametrize("page", LISTED_PAGES)
def test_every_page_has_the_landmarks(site, page):
    soup = site.html(page)
    assert soup.html["lang"] == "vi"
    assert len(soup.find_all("h1")) == 1
    for landmark in ("header", "nav", "main", "aside", "footer"):
        assert soup.find(landmark) is not None, landmark
    skip = soup.find("a", class_="skip-link")
    assert skip is not None and soup.find(id=skip["href"][1:]).name == "main"
    nav = soup.find("nav", attrs={"aria-label": "Chuyên mục"})
    assert [a["href"] for a in nav.find_all("a")][1:3] == ["/chuyen-muc/thoi-su-doan/",
                                                           "/chuyen-muc/tinh-nguyen/"]


def test_header_search_is_a_plain_get_form(site):
    form = site.html("index.html").find("form", role="search")
    assert form["action"] == "/tim-kiem/" and form["method"] == "get"
    field = form.find("input", attrs={"name": "q"})
    assert form.find("label", attrs={"for": field["id"]}) is not None


def test_sidebar_has_fanpage_links_counter_slot_and_emblem(site):
    aside = site.html(ARTICLE).find("aside")
    titles = [text(h) for h in aside.find_all("h2")]
    assert "Fanpage" in titles and "Liên kết website" in titles
    fanpage = aside.find("a", href=ORG["fanpage_url"])
    assert fanpage is not None and "Tuổi trẻ Cao Bằng" in text(fanpage)
    assert not aside.find("script") and not aside.find("iframe")
    assert [(text(a), a["href"]) for a in aside.find("ul", class_="link-list").find_all("a")] \
        == list(LINKS)
    emblem = aside.find("img", src="/images/huy-hieu-doan.png")
    assert emblem is not None and emblem["alt"].strip()


def test_footer_carries_the_organisations_legal_information(site):
    footer = site.html("index.html").find("footer", class_="site-footer")
    words = text(footer)
    assert "© 2021 TRANG THÔNG TIN ĐIỆN TỬ TỈNH ĐOÀN THANH NIÊN CAO BẰNG" in words
    for expected in (f"Địa chỉ: {ORG['address']}", f"Điện thoại: {ORG['phone']}",
                     f"Fax: {ORG['fax']}", f"Email: {ORG['email']}",
                     f"Chịu trách nhiệm chính: {ORG['responsible']}", ORG["contact"],
                     f"Ghi rõ nguồn {ORG['reissue_source']} khi phát hành lại thông tin "
                     "từ địa chỉ này."):
        assert expected in words
    assert footer.find("a", href="mailto:" + ORG["email"]) is not None
    assert footer.find("a", href="/english/") is not None
    assert footer.find("a", href="/gioi-thieu/") is not None


def test_colours_come_from_theme_colors(site):
    style = site.html("index.html").head.find("style").string
    assert "--primary:#123456" in style and "--accent:#a00000" in style
    assert "--bg:#fffffe" in style
    # One stylesheet, versioned by its content (tintuc/assets.py) so caches never serve it stale.
    assert re.fullmatch(r"/theme/css/tin\.css\?v=[0-9a-f]{10}",
                        site.html("index.html").head.find("link", rel="stylesheet")["href"])


# --- The article page -------------------------------------------------------------------------

def test_article_page_in_the_legacy_order(site):
    soup = site.html(ARTICLE)
    article = soup.find("article", class_="news")
    assert text(article.h1) == "Ra quân hưởng ứng Ngày môi trường thế giới"
    assert text(article.find(class_="dateline")) == "Chủ nhật - 13/11/2022 21:12"
    assert article.find(class_="dateline").time["datetime"] == "2022-11-13T21:12:00+07:00"
    order = [element for element in article.find_all(True)
             if element.name == "h1" or "dateline" in (element.get("class") or [])
             or "tools" in (element.get("class") or []) or "sapo" in (element.get("class") or [])
             or "lead-photo" in (element.get("class") or [])
             or "news-body" in (element.get("class") or [])
             or "byline" in (element.get("class") or []) or "tags" in (element.get("class") or [])]
    names = [element.name if element.name == "h1" else element["class"][0] for element in order]
    assert names == ["h1", "dateline", "tools", "sapo", "lead-photo", "news-body", "byline",
                     "tags"]
    # The newer/older lists follow the article.
    assert article.find_next("h2", string="Những tin cũ hơn") is not None


def test_the_main_category_is_named_and_linked(site):
    main = site.html(ARTICLE).find("main")
    assert main.find("a", href="/chuyen-muc/thoi-su-doan/", string="Thời sự Đoàn") is not None


def test_lead_is_bold_and_featured_image_is_a_captioned_figure(site):
    soup = site.html(ARTICLE)
    assert text(soup.find(class_="sapo")) == "Đoàn thanh niên xã Quốc Toản ra quân làm sạch " \
        "đường làng."
    assert "font-weight: 700" in _css_rule(".sapo")
    figure = soup.find("figure", class_="lead-photo")
    assert figure.picture.img["src"].startswith("/images/_v/ra-quan-")  # photos plugin
    assert text(figure.figcaption) == "Đoàn viên xã Quốc Toản dọn vệ sinh đường làng."
    body_figure = soup.find(class_="news-body").find("figure")
    assert text(body_figure.figcaption) == "Thu gom rác thải nhựa ven suối."


def test_first_paragraph_is_the_lead_when_there_is_no_summary(site):
    soup = site.html(TRICKY)
    assert text(soup.find(class_="sapo")).startswith("Câu đầu tiên là phần mở đầu")
    assert "Câu đầu tiên" not in text(soup.find(class_="news-body"))
    assert soup.find("figure", class_="lead-photo") is None


def test_authors_source_and_tags(site):
    soup = site.html(ARTICLE)
    byline = soup.find(class_="byline")
    assert text(byline) == "Tác giả: Nông Văn A, Lục Thị B Nguồn tin: Huyện Đoàn Quảng Hòa"
    assert byline.find("a", href="/tac-gia/nong-van-a/") is not None
    assert "text-align: right" in _css_rule(".byline")
    tags = soup.find(class_="tags")
    assert [(a["href"], text(a)) for a in tags.find_all("a")] == [
        ("/the/moi-truong/", "Môi trường"), ("/the/quang-hoa/", "Quảng Hòa")]


def test_no_byline_without_author_or_source(site):
    assert site.html(TRICKY).find(class_="byline") is None


def test_print_save_and_share_tools(site):
    tools = site.html(ARTICLE).find("ul", class_="tools")
    links = {text(a): a["href"] for a in tools.find_all("a")}
    assert links["Chia sẻ Facebook"] == ("https://www.facebook.com/sharer/sharer.php?u="
                                         + quote("/" + ARTICLE, safe=""))
    assert links["Chia sẻ Zalo"].startswith("https://button-share.zalo.me/share_external?d=")
    assert tools.find("a", download=True)["href"] == "/" + ARTICLE
    assert tools.find("button", attrs={"data-print": True}) is not None
    assert tools.find("button", attrs={"data-copy-link": True}) is not None
    css = Path(__file__).parents[1].joinpath("theme/static/css/tin.css").read_text()
    assert "@media print" in css


def test_newer_and_older_lists_exactly_as_the_contract(site):
    soup = site.html(ARTICLE)
    assert list_items(soup, "Những tin mới hơn") == [
        ("/" + TRICKY, f"{_typographic(TRICKY_TITLE)} (14/11/2022)"),
        ("/hoi-nghi-thang-12.html", "Hội nghị Ban Chấp hành tháng 12 (01/12/2022)"),
    ]
    assert list_items(soup, "Những tin cũ hơn") == [
        ("/ky-niem-90-nam.html", "Kỷ niệm 90 năm Ngày thành lập Đoàn (26/03/2021)"),
    ]
    for item in soup.find("h2", string="Những tin mới hơn").find_next("ul").find_all("li"):
        assert re.fullmatch(r".+ \(\d\d/\d\d/\d{4}\)", text(item))


def test_an_empty_list_is_omitted_with_its_heading(site):
    oldest = site.html("ky-niem-90-nam.html")
    assert "Những tin cũ hơn" not in text(oldest)
    assert list_items(oldest, "Những tin mới hơn")
    alone = site.html("mua-he-xanh.html")
    assert "Những tin mới hơn" not in text(alone) and "Những tin cũ hơn" not in text(alone)


def test_structured_data_and_open_graph(site):
    soup = site.html(ARTICLE)
    news = json_ld(soup, "NewsArticle")
    assert news["headline"] == "Ra quân hưởng ứng Ngày môi trường thế giới"
    assert news["datePublished"] == "2022-11-13T21:12:00+07:00"
    assert news["dateModified"] == "2022-11-13T21:12:00+07:00"
    assert [person["name"] for person in news["author"]] == ["Nông Văn A", "Lục Thị B"]
    assert news["publisher"]["name"] == "Tỉnh Đoàn Cao Bằng"
    assert len(news["image"]) == 2
    assert all(url.startswith("/images/_v/ra-quan-") for url in news["image"])
    crumbs = json_ld(soup, "BreadcrumbList")["itemListElement"]
    assert [crumb["name"] for crumb in crumbs] == ["Trang chủ", "Thời sự Đoàn",
                                                   "Ra quân hưởng ứng Ngày môi trường thế giới"]
    og = {meta["property"]: meta["content"] for meta in soup.find_all("meta", property=True)}
    assert og["og:type"] == "article"
    assert og["og:title"] == "Ra quân hưởng ứng Ngày môi trường thế giới"
    assert og["og:url"] == "/" + ARTICLE
    assert og["og:image"].startswith("/images/_v/ra-quan-") and og["og:image"].endswith(".jpg")
    assert soup.find("link", rel="canonical")["href"] == "/" + ARTICLE
    assert "og:image" not in {meta["property"] for meta in
                              site.html(TRICKY).find_all("meta", property=True)}


def test_a_title_is_escaped_never_stripped(site):
    raw = site.read(TRICKY)
    soup = site.html(TRICKY)
    assert "<chuyển đổi số>" in text(soup.h1)
    assert soup.title.string == f"{TRICKY_TITLE} - Tỉnh Đoàn Cao Bằng"
    assert soup.find("meta", property="og:title")["content"] == TRICKY_TITLE
    assert json_ld(soup, "NewsArticle")["headline"] == TRICKY_TITLE
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', raw, re.S)
    assert all("<" not in script for script in scripts)
    assert "\\u003cchuyển đổi số\\u003e" in scripts[0]
    # In the other story's list the title shows its characters too.
    assert f"{_typographic(TRICKY_TITLE)} (14/11/2022)" in \
        [item for _href, item in list_items(site.html(ARTICLE), "Những tin mới hơn")]


def test_absolute_urls_when_siteurl_is_set(build_site):
    site = build_site(SCENARIO, with_theme(SITEURL="https://tinhdoan.example.vn"))
    assert site.ok, site.exception
    soup = site.html(ARTICLE)
    url = "https://tinhdoan.example.vn/" + ARTICLE
    assert soup.find("link", rel="canonical")["href"] == url
    assert soup.find("meta", property="og:url")["content"] == url
    assert soup.find("meta", property="og:image")["content"].startswith(
        "https://tinhdoan.example.vn/images/_v/ra-quan-")
    assert json_ld(soup, "NewsArticle")["mainEntityOfPage"] == url
    share = soup.find("a", string="Chia sẻ Facebook")["href"]
    assert share.endswith(quote(url, safe=""))
    sitemap = site.read("sitemap.xml")
    assert f"<loc>{url}</loc>" in sitemap
    assert "Sitemap: https://tinhdoan.example.vn/sitemap.xml" in site.read("robots.txt")


# --- Hidden and draft ------------------------------------------------------------------------

def test_hidden_story_has_its_page_and_lists_but_is_listed_nowhere(site):
    hidden = site.html("bai-an.html")
    assert text(hidden.h1) == "Bài ẩn chỉ xem qua đường dẫn"
    assert [href for href, _ in list_items(hidden, "Những tin cũ hơn")] == [
        "/" + TRICKY, "/" + ARTICLE, "/ky-niem-90-nam.html"]
    assert [href for href, _ in list_items(hidden, "Những tin mới hơn")] == [
        "/hoi-nghi-thang-12.html"]
    for page in site.files("**/*.html") + site.files("**/*.xml") + ["robots.txt"]:
        if page != "bai-an.html":
            assert "bai-an" not in site.read(page), page


def test_draft_is_not_written(site):
    assert not any("ban-nhap" in page for page in site.files("**/*"))


def test_draft_preview_is_marked_as_such(build_site):
    site = build_site(SCENARIO, with_theme(DRAFT_SAVE_AS="ban-nhap/{slug}.html"))
    assert site.ok, site.exception
    draft = site.html("ban-nhap/ban-nhap-chua-cong-bo.html")
    assert "Bản nháp" in text(draft.find(class_="draft-note"))
    assert "Những tin" not in text(draft.find("main"))
    assert site.html(ARTICLE).find(class_="draft-note") is None


# --- Home -------------------------------------------------------------------------------------

def test_home_is_a_portal(site):
    soup = site.html("index.html")
    main = soup.find("main")
    lead = main.find("article", class_="teaser-large")
    assert lead.find("a")["href"] == "/" + ARTICLE  # featured wins over newer stories
    assert lead.picture.img["src"].startswith("/images/_v/ra-quan-")
    assert text(lead.find(class_="teaser-date")) == "13/11/2022"
    assert "Đoàn thanh niên xã Quốc Toản" in text(lead.find(class_="teaser-lead"))
    latest = main.find("section", class_="latest")
    assert [a["href"] for a in latest.find_all("a")] == [
        "/hoi-nghi-thang-12.html", "/" + TRICKY, "/mua-he-xanh.html", "/ky-niem-90-nam.html"]
    sections = main.find_all("section", class_="home-section")
    assert [text(section.h2) for section in sections] == ["Thời sự Đoàn", "Tình nguyện"]
    first = sections[0].find_all("article")
    assert [item.find("a")["href"] for item in first] == [
        "/hoi-nghi-thang-12.html", "/" + TRICKY, "/ky-niem-90-nam.html"]
    assert all(item.find(class_="teaser-date") for item in first)


# --- Listings ---------------------------------------------------------------------------------

def test_category_tag_and_author_pages(site):
    category = site.html("chuyen-muc/thoi-su-doan/index.html")
    assert text(category.h1) == "Thời sự Đoàn"
    assert [a["href"] for a in category.select("main .teaser-title a")] == [
        "/hoi-nghi-thang-12.html", "/" + TRICKY, "/" + ARTICLE, "/ky-niem-90-nam.html"]
    tag = site.html("the/moi-truong/index.html")
    assert text(tag.h1) == "Thẻ: Môi trường"
    assert [a["href"] for a in tag.select("main .teaser-title a")] == [
        "/" + ARTICLE, "/mua-he-xanh.html"]
    author = site.html("tac-gia/nong-van-a/index.html")
    assert text(author.h1) == "Tác giả: Nông Văn A"
    assert len(author.select("main .teaser-title a")) == 2


def test_period_archives_have_vietnamese_labels(site):
    year = site.html("luu-tru/2022/index.html")
    assert text(year.h1) == "Năm 2022"
    assert year.title.string.startswith("Năm 2022")
    month = site.html("luu-tru/2022/11/index.html")
    assert text(month.h1) == "Tháng 11/2022"
    assert [a["href"] for a in month.select("main .teaser-title a")] == ["/" + TRICKY,
                                                                        "/" + ARTICLE]
    crumbs = [text(a) for a in month.find("nav", class_="breadcrumb").find_all("a")]
    assert crumbs == ["Trang chủ", "Lưu trữ", "Năm 2022", "Tháng 11/2022"]


def test_archive_index_lists_years_and_months(site):
    soup = site.html("luu-tru/index.html")
    assert text(soup.h1) == "Lưu trữ"
    links = {text(a): a["href"] for a in soup.find("main").find_all("a")}
    assert links["Năm 2022"] == "/luu-tru/2022/"
    assert links["Tháng 11/2022"] == "/luu-tru/2022/11/"
    assert links["Tháng 12/2022"] == "/luu-tru/2022/12/"
    assert links["Năm 2021"] == "/luu-tru/2021/"
    years = [text(h) for h in soup.select("main .archive-year h2")]
    assert years == ["Năm 2022 (4 tin)", "Năm 2021 (1 tin)"]


def test_pagination_labels_and_only_the_page_is_listed(build_site):
    files = {f"tin/{day:02d}.md": story(f"Tin số {day}", f"{day:02d}/03/2023 08:00",
                                        f"tin-so-{day}")
             for day in range(1, 12)}
    site = build_site(files, with_theme(DEFAULT_PAGINATION=3))
    assert site.ok, site.exception
    first = site.html("chuyen-muc/hoat-dong-doan/index.html")
    assert [a["href"] for a in first.select("main .teaser-title a")] == [
        "/tin-so-11.html", "/tin-so-10.html", "/tin-so-9.html"]
    pager = first.find("nav", class_="pagination")
    assert pager.find("a", string="Tin mới hơn") is None
    assert pager.find("a", string="Tin cũ hơn")["href"] == "/chuyen-muc/hoat-dong-doan/trang/2/"
    assert [text(a) for a in pager.find_all("a")] == ["Trang 1", "Trang 2", "Trang 3", "Trang 4",
                                                      "Tin cũ hơn"]
    second = site.html("chuyen-muc/hoat-dong-doan/trang/2/index.html")
    assert [a["href"] for a in second.select("main .teaser-title a")] == [
        "/tin-so-8.html", "/tin-so-7.html", "/tin-so-6.html"]
    pager = second.find("nav", class_="pagination")
    assert pager.find("a", string="Tin mới hơn")["href"] == "/chuyen-muc/hoat-dong-doan/"
    assert pager.find("a", string="Tin cũ hơn")["href"] == "/chuyen-muc/hoat-dong-doan/trang/3/"
    assert pager.find("a", attrs={"aria-current": "page"})["href"] == \
        "/chuyen-muc/hoat-dong-doan/trang/2/"
    assert second.find("link", rel="canonical")["href"] == "/chuyen-muc/hoat-dong-doan/trang/2/"
    assert "Trang 2" in text(second.h1)
    home_two = site.html("trang/2/index.html")
    assert text(home_two.h1) == "Tin tức - Trang 2"
    assert [a["href"] for a in home_two.select("main .teaser-title a")] == [
        "/tin-so-8.html", "/tin-so-7.html", "/tin-so-6.html"]
    assert site.html("index.html").find("nav", class_="pagination").find(
        "a", string="Tin cũ hơn")["href"] == "/trang/2/"
    last = site.html("luu-tru/2023/03/trang/4/index.html")
    assert [a["href"] for a in last.select("main .teaser-title a")] == ["/tin-so-2.html",
                                                                       "/tin-so-1.html"]
    assert last.find("nav", class_="pagination").find("a", string="Tin cũ hơn") is None


def test_recent_items_get_the_badge_without_changing_their_text(build_site, monkeypatch):
    files = {f"tin/{day:02d}.md": story(f"Tin ngày {day}", f"{day:02d}/03/2023 08:00",
                                        f"tin-ngay-{day}")
             for day in (1, 5, 9, 10)}
    # The build happens on 10/03/2023 at 20:00 (+07:00): 9 and 10 March are within two days.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1678453200")
    site = build_site(files, with_theme())
    assert site.ok, site.exception
    soup = site.html("tin-ngay-1.html")
    items = soup.find("h2", string="Những tin mới hơn").find_next("ul").find_all("li")
    assert [item.get("class") for item in items] == [None, ["moi"], ["moi"]]
    assert [text(item) for item in items] == ["Tin ngày 5 (05/03/2023)", "Tin ngày 9 (09/03/2023)",
                                              "Tin ngày 10 (10/03/2023)"]
    assert 'content: "Mới"' in _css_rule(".news-list .moi::after")


# --- Static pages, 404, machines --------------------------------------------------------------

def test_static_pages(site):
    about = site.html("gioi-thieu/index.html")
    assert text(about.h1) == "Giới thiệu"
    english = site.html("english/index.html")
    assert english.html["lang"] == "vi"
    assert english.find("article")["lang"] == "en"
    assert text(english.h1) == "About us"


def test_404_page_links_work_from_any_depth(site):
    soup = site.html("404.html")
    assert text(soup.h1) == "Không tìm thấy trang"
    assert soup.find("link", rel="canonical") is None  # served at any URL, it has none
    for element in soup.find_all(["a", "link", "script", "img", "form"]):
        target = element.get("href") or element.get("src") or element.get("action")
        if target and not target.startswith(("#", "mailto:", "tel:", "https:", "http:")):
            assert target.startswith("/"), target


def test_feeds_site_and_per_category_with_plain_titles(site):
    for feed in ("feeds/tat-ca.atom.xml", "feeds/tat-ca.rss.xml",
                 "feeds/chuyen-muc/thoi-su-doan.atom.xml", "feeds/chuyen-muc/tinh-nguyen.rss.xml"):
        assert site.exists(feed), feed
    atom = site.read("feeds/tat-ca.atom.xml")
    assert "<title>Tuổi trẻ với &lt;chuyển đổi số&gt; &amp; \"sáng tạo\"</title>" in atom
    assert "<name></name>" not in atom and "<name/>" not in atom
    head = site.html(ARTICLE).head
    assert head.find("link", type="application/atom+xml", href="/feeds/tat-ca.atom.xml")
    assert head.find("link", type="application/rss+xml",
                     href="/feeds/chuyen-muc/thoi-su-doan.rss.xml")


def test_feeds_hold_thirty_items(build_site):
    files = {f"tin/{day}-{hour:02d}.md": story(f"Tin {hour} giờ ngày {day}",
                                               f"{day:02d}/03/2023 {hour:02d}:00")
             for day in (1, 2) for hour in range(0, 18)}
    site = build_site(files, with_theme())
    assert site.ok, site.exception
    assert site.read("feeds/tat-ca.atom.xml").count("<entry>") == 30
    assert site.read("feeds/tat-ca.rss.xml").count("<item>") == 30
    assert site.read("feeds/chuyen-muc/hoat-dong-doan.atom.xml").count("<entry>") == 30


def test_analytics_and_verification_only_when_set(site, build_site):
    assert site.html("index.html").find("script", src=re.compile("analytics")) is None
    assert site.html("index.html").find("meta", attrs={"name": "google-site-verification"}) \
        is None
    built = build_site(SCENARIO, with_theme(
        GOOGLE_ANALYTICS="G-TEST123", GOOGLE_SITE_VERIFICATION="abc",
        MATOMO={"url": "https://thongke.example.vn", "site_id": "3"}))
    assert built.ok, built.exception
    head = built.html(ARTICLE).head
    tracker = head.find("script", src="/theme/js/analytics.js")
    assert tracker["data-google-analytics"] == "G-TEST123"
    assert tracker["data-matomo-url"] == "https://thongke.example.vn"
    assert tracker["data-matomo-site"] == "3"
    assert head.find("meta", attrs={"name": "google-site-verification"})["content"] == "abc"
    # Nothing inline: the Content-Security-Policy allows scripts from the site only.
    assert all(script.get("src") or script.get("type") == "application/ld+json"
               for script in built.html(ARTICLE).find_all("script"))


def test_sitemap_and_robots(site):
    sitemap = site.read("sitemap.xml")
    assert sitemap.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    locs = re.findall(r"<loc>(.*?)</loc>", sitemap)
    assert "/" + ARTICLE in locs and "/gioi-thieu/" in locs and "/chuyen-muc/thoi-su-doan/" in locs
    assert "/bai-an.html" not in locs
    robots = site.read("robots.txt")
    assert "User-agent: *" in robots and "Sitemap:" not in robots  # no absolute URL to give


# --- Helpers ----------------------------------------------------------------------------------

def story(title: str, date: str, slug: str | None = None,
          category: str = "Hoạt động Đoàn") -> str:
    """A minimal article file in the contract's format."""
    slug_line = f"Đường dẫn: {slug}\n" if slug else ""
    return (f"Tiêu đề: {title}\nNgày đăng: {date}\nChuyên mục: {category}\n{slug_line}\n"
            f"Nội dung của bài {title}.\n")


def _typographic(title: str) -> str:
    """What typogrify makes of a plain title's straight quotes."""
    return re.sub(r'"([^"]*)"', "“\\1”", title)


def _css_rule(selector: str) -> str:
    css = Path(__file__).parents[1].joinpath("theme/static/css/tin.css").read_text()
    match = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css)
    assert match, selector
    return match.group(1)


def test_menu_follows_news_categories(build_site):
    site = build_site(SCENARIO, with_theme(NEWS_CATEGORIES=["Tình nguyện", "Không dùng",
                                                           "Thời sự Đoàn"]))
    assert site.ok, site.exception
    nav = site.html("index.html").find("nav", attrs={"aria-label": "Chuyên mục"})
    assert [text(a) for a in nav.find_all("a")] == ["Trang chủ", "Tình nguyện", "Thời sự Đoàn",
                                                    "Lưu trữ"]
    sections = site.html("index.html").find_all("section", class_="home-section")
    assert [text(section.h2) for section in sections] == ["Tình nguyện", "Thời sự Đoàn"]
