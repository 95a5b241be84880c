"""Every old URL of the legacy site leads to its new page (issue 10).

A 50-page mirror is imported and built with the `legacy_redirects` plugin; every old URL must
then have a static redirect page and an nginx map line whose target exists in the output.
"""

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from urllib.parse import quote, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import build
from legacy_fixtures import make_mirror
from legacy_fixtures.legacy_support import SETTINGS, run_import

from tintuc.frontmatter import read_source
from tintuc.legacy_import import classify_path, strip_prefix, url_path

LEGACY = {"tag_aliases": {"mua-he-xanh-2019": "Mùa hè xanh"}, "legacy_per_page": 3}
MAP_LINE = re.compile(r'^    "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)";$')


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("redirects")
    mirror = make_mirror.build_mirror(root / "mirror")
    content = root / "content"
    run_import(mirror, content)
    site = build(root / "site", content, {**SETTINGS, "LEGACY_REDIRECTS": LEGACY})
    assert site.ok, site.messages
    return site


def articles(site) -> list:
    found = []
    for path in sorted(site.content.rglob("*.md")):
        if path.relative_to(site.content).parts[0] not in ("images", "data", "pages"):
            found.append(read_source(path.read_bytes(), str(path)))
    return found


def redirect_of(site, relpath: str) -> tuple[str, BeautifulSoup]:
    """Where the static page at `relpath` sends a reader, checked to be a page of the site."""
    page = site.html(relpath)
    refresh = page.find("meta", attrs={"http-equiv": "refresh"})["content"]
    target = refresh.split("url=", 1)[1]
    assert page.find("link", rel="canonical")["href"] == target
    assert page.find("a")["href"] == target
    assert "đã chuyển sang địa chỉ mới" in page.p.get_text()
    path = urlsplit(target).path
    file = path.lstrip("/") + ("index.html" if path.endswith("/") else "")
    assert site.exists(file), f"{relpath} → {target}: no such page"
    return path, page


def nginx_map(site) -> dict[str, str]:
    text = site.read("legacy-redirects.map")
    lines = text.splitlines()
    assert "map $uri $new_uri {" in lines and lines[-1] == "}"
    entries = {}
    for line in lines[lines.index("map $uri $new_uri {") + 2: -1]:
        match = MAP_LINE.match(line)
        assert match, line
        assert match[1].lower() not in {key.lower() for key in entries}, match[1]
        entries[match[1]] = match[2]
    return entries


def file_for(path: str) -> str:
    last = path.rstrip("/").rsplit("/", 1)[-1]
    if path.endswith("/"):
        return path.lstrip("/") + "index.html"
    return path.lstrip("/") + ("" if last.endswith(".html") else "/index.html")


# --- The imported mirror ----------------------------------------------------------------------


def test_every_old_article_url_redirects_to_its_page(built):
    documents = articles(built)
    assert len(documents) == 50
    for document in documents:
        slug = document.get("slug")
        (legacy,) = document.get("legacy_urls")
        for prefix in ("", "/vi"):
            target, page = redirect_of(built, file_for(prefix + legacy))
            assert target == f"/{slug}.html"
            assert page.a.get_text() == document.get("title")
        assert not built.exists(file_for("/index.php" + legacy))  # only in the nginx map
        where = classify_path(legacy)
        print_view = f"/news/print/{where.category_alias}/{where.alias}-{where.legacy_id}.html"
        assert redirect_of(built, file_for(print_view))[0] == f"/{slug}.html"
        # The real page is still the article, not a redirect.
        assert built.html(f"{slug}.html").find("meta", attrs={"http-equiv": "refresh"}) is None


def test_the_nginx_map_answers_every_old_url_with_an_existing_page(built):
    entries = nginx_map(built)
    for document in articles(built):
        (legacy,) = document.get("legacy_urls")
        for prefix in ("", "/vi", "/index.php", "/index.php/vi"):
            assert entries[prefix + legacy] == f"/{document.get('slug')}.html"
    for target in set(entries.values()):
        path = target.lstrip("/")
        assert built.exists(path + "index.html" if not path or path.endswith("/") else path), \
            target
    header = built.read("legacy-redirects.map")
    longest = max(len(key.encode("utf-8")) for key in entries)
    bucket = int(re.search(r"^map_hash_bucket_size (\d+);$", header, re.MULTILINE)[1])
    assert bucket >= longest + 16


@pytest.mark.parametrize(("old", "new"), [
    ("/news/", "/"),
    ("/news/hoat-dong-doan/", "/chuyen-muc/hoat-dong-doan/"),
    ("/news/doan-co-so/", "/chuyen-muc/doan-co-so/"),
    ("/news/van-hoa-the-thao/", "/chuyen-muc/van-hoa-the-thao/"),
    ("/news/hoat-dong-doan/page-2/", "/chuyen-muc/hoat-dong-doan/"),
    ("/news/hoat-dong-doan/page-3/", "/chuyen-muc/hoat-dong-doan/"),
    ("/news/tag/3-chủ-động", "/the/3-chu-dong/"),
    ("/news/tag/đoàn-cơ-sở", "/the/doan-co-so/"),
    ("/news/tag/bien-gioi", "/the/bien-gioi/"),
    ("/news/tag/mua-he-xanh-2019", "/the/mua-he-xanh/"),
    ("/news/rss/", "/"),
    ("/news/rss/hoat-dong-doan/", "/chuyen-muc/hoat-dong-doan/"),
])
def test_category_tag_feed_and_module_urls_redirect(built, old, new):
    if old.isascii():
        assert redirect_of(built, file_for(old))[0] == new
        assert redirect_of(built, file_for("/vi" + old))[0] == new
    else:
        # Output file names stay lowercase ASCII (CONTRACT §2): the map alone redirects these.
        assert not built.exists(file_for(old))
    entries = nginx_map(built)
    assert entries[old] == new
    alternative = old.rstrip("/") if old.endswith("/") and old != "/news/" else old + "/"
    assert entries.get(alternative, new) == new


def test_legacy_pages_beyond_the_articles_get_nothing(built):
    # 7 legacy articles in hoat-dong-doan at 3 a page: page-2 and page-3, no page-4.
    assert not built.exists("news/hoat-dong-doan/page-4/index.html")
    assert "/news/hoat-dong-doan/page-4/" not in nginx_map(built)


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_nginx_really_answers_301_with_the_map(built, tmp_path):
    """The map as a server uses it: nginx on a loopback port, a bounded set of requests."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "logs").mkdir()
    temp = tmp_path / "temp"
    temp.mkdir()
    config = tmp_path / "nginx.conf"
    # Run as root (CI is), workers would drop to `nobody`, who cannot read pytest's tmp.
    user = "user root;\n" if os.geteuid() == 0 else ""
    config.write_text(
        f"{user}worker_processes 1;\npid {tmp_path}/nginx.pid;\n"
        f"error_log {tmp_path}/logs/error.log;\n"
        "events { worker_connections 32; }\nhttp {\n  access_log off;\n"
        + "".join(f"  {kind}_temp_path {temp}/{kind};\n"
                  for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        + f"  include {built.output}/legacy-redirects.map;\n"
        f"  server {{\n    listen 127.0.0.1:{port};\n    root {built.output};\n"
        "    if ($new_uri) { return 301 $new_uri; }\n  }\n}\n",
        encoding="utf-8",
    )
    # `-e`: the log nginx writes before it has read the configuration stays in tmp too.
    command = ["nginx", "-e", str(tmp_path / "logs/early.log"), "-p", str(tmp_path),
               "-c", str(config)]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    server = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.DEVNULL)

    class NoFollow(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoFollow)

    def get(path: str) -> tuple[int, str]:
        try:
            response = opener.open(f"http://127.0.0.1:{port}{quote(path)}", timeout=5)
            return response.status, ""
        except urllib.error.HTTPError as answer:
            return answer.code, answer.headers.get("Location", "")

    try:
        for _attempt in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        for document in articles(built)[:20]:
            (legacy,) = document.get("legacy_urls")
            for prefix in ("", "/vi", "/index.php"):
                status, location = get(prefix + legacy)
                assert status == 301, (prefix + legacy, status)
                assert urlsplit(location).path == f"/{document.get('slug')}.html"
                assert get(urlsplit(location).path)[0] == 200
        for old, new in (("/news/tag/3-chủ-động", "/the/3-chu-dong/"),
                         ("/news/hoat-dong-doan", "/chuyen-muc/hoat-dong-doan/")):
            status, location = get(old)
            assert (status, urlsplit(location).path) == (301, new)
        assert get("/news/khong-co/bai-9-9.html")[0] == 404
    finally:
        server.terminate()
        server.wait(timeout=10)


# --- Small sites for the rules ----------------------------------------------------------------

HEAD = "Tiêu đề: {title}\nNgày đăng: {date}\nChuyên mục: Hoạt động Đoàn\n"


def article(title: str, date: str = "13/11/2022 21:12", **keys: str) -> str:
    lines = HEAD.format(title=title, date=date) + "".join(f"{key}: {value}\n"
                                                          for key, value in keys.items())
    return lines + "\nNội dung bài.\n"


RULES = {
    "hoat-dong-doan/cong-bo.md": article(
        "Bài công bố", **{"Đường dẫn cũ": "http://tinhdoan.caobang.gov.vn/vi/news/hoat-dong-doan/"
                          "bai-cong-bo-13.html, /news/tin-cu/bai-rat-cu-14.html"}),
    "hoat-dong-doan/an.md": article("Bài ẩn", **{"Trạng thái": "ẩn", "Đường dẫn cũ":
                                               "/news/hoat-dong-doan/bai-an-11.html"}),
    "hoat-dong-doan/nhap.md": article("Bài nháp", **{"Trạng thái": "nháp", "Đường dẫn cũ":
                                                   "/news/hoat-dong-doan/bai-nhap-12.html"}),
    "hoat-dong-doan/trung.md": article(
        "Bài trùng địa chỉ", "14/11/2022 08:00",
        **{"Đường dẫn cũ": "/news/hoat-dong-doan/bai-cong-bo-13.html"}),
    "pages/gioi-thieu.md": "Tiêu đề: Giới thiệu\n\nTỉnh Đoàn Cao Bằng.\n",
}


def test_hidden_articles_get_redirects_and_drafts_do_not(build_site):
    site = build_site(RULES, SETTINGS)
    assert site.ok, site.messages
    assert redirect_of(site, "news/hoat-dong-doan/bai-an-11.html")[0] == "/bai-an.html"
    assert not site.exists("news/hoat-dong-doan/bai-nhap-12.html")
    entries = nginx_map(site)
    assert entries["/news/hoat-dong-doan/bai-an-11.html"] == "/bai-an.html"
    assert not any("bai-nhap" in key for key in entries)
    # An absolute legacy URL with /vi/ counts as its path, in every form.
    assert redirect_of(site, "news/hoat-dong-doan/bai-cong-bo-13.html")[0] == "/bai-cong-bo.html"
    assert redirect_of(site, "vi/news/hoat-dong-doan/bai-cong-bo-13.html")[0] == \
        "/bai-cong-bo.html"
    assert redirect_of(site, "news/tin-cu/bai-rat-cu-14.html")[0] == "/bai-cong-bo.html"
    # Two articles naming one old URL: the older keeps it, and the build says so.
    assert any("bai-cong-bo-13.html" in text and "hai bài" in text for text in site.warnings)


def test_a_legacy_path_that_is_one_of_our_pages_is_reported_not_overwritten(build_site):
    files = {**RULES, "pages/tin-tuc.md": "Tiêu đề: Tin tức\nĐường dẫn: news\n\nTrang thật.\n"}
    site = build_site(files, SETTINGS)
    assert site.ok, site.messages
    page = site.html("news/index.html")
    assert page.find("meta", attrs={"http-equiv": "refresh"}) is None
    assert "legacy_redirects" not in site.read("news/index.html")
    assert "Tin tức" in page.title.get_text()
    assert any("/news/" in text and "trùng" in text for text in site.warnings)
    assert "/news/" not in nginx_map(site)
    assert not site.exists("vi/news/index.html")  # the whole redirect is left out


def test_site_url_and_extra_redirects(build_site):
    settings = {**SETTINGS, "SITEURL": "https://tinhdoan.example.vn/tin-tuc",
                "LEGACY_REDIRECTS": {"extra": {"/about/": "gioi-thieu/",
                                               "/news/topic/dai-hoi-doan/": "the/dai-hoi/"}}}
    site = build_site(RULES, settings)
    assert site.ok, site.messages
    page = site.html("news/hoat-dong-doan/bai-an-11.html")
    assert page.find("link", rel="canonical")["href"] == \
        "https://tinhdoan.example.vn/tin-tuc/bai-an.html"
    entries = nginx_map(site)
    assert entries["/news/hoat-dong-doan/bai-an-11.html"] == "/tin-tuc/bai-an.html"
    assert entries["/about/"] == "/tin-tuc/gioi-thieu/"
    assert site.exists("about/index.html")
    # An extra redirect to a page that was never built is reported and left out.
    assert "/news/topic/dai-hoi-doan/" not in entries
    assert any("the/dai-hoi/" in text for text in site.warnings)


@pytest.mark.parametrize(("setting", "message"), [
    ({"enable": False}, "“enable”; có phải ý bạn là “enabled”"),
    ({"legacy_per_page": "20"}, "phải là int"),
    ({"static_prefixes": ["vi/"]}, "“vi/” phải là chuỗi rỗng hoặc bắt đầu bằng /"),
    ({"map_file": "../ngoai.map"}, "trong thư mục kết quả"),
    ({"category_aliases": {"doan-co-so": 3}}, "đều phải là chữ"),
    (["enabled"], "phải là một dict"),
])
def test_a_wrong_setting_stops_the_build_and_says_what_is_wrong(build_site, setting, message):
    site = build_site(RULES, {**SETTINGS, "LEGACY_REDIRECTS": setting})
    assert not site.ok
    assert any(message in text for text in site.errors), site.errors


def test_turned_off_writes_no_redirects(build_site):
    site = build_site(RULES, {**SETTINGS, "LEGACY_REDIRECTS": {"enabled": False}})
    assert site.ok, site.messages
    assert not site.exists("legacy-redirects.map")
    assert not site.exists("news")


def test_map_keys_are_decoded_paths_as_nginx_sees_them(built):
    entries = nginx_map(built)
    assert "/news/tag/3-chủ-động" in entries
    for key in entries:
        # nginx compares $uri, which is decoded: a percent-encoded key would never match.
        assert "%" not in key and key == url_path(key)
        assert strip_prefix(key).startswith("/news")


def test_a_legacy_list_page_leads_to_the_same_page_of_the_new_list(build_site):
    files = {f"hoat-dong-doan/bai-{number}.md": article(
        f"Bài số {number}", f"{10 + number}/11/2022 08:00",
        **{"Đường dẫn cũ": f"/news/hoat-dong-doan/bai-so-{number}-{100 + number}.html"})
        for number in range(1, 6)}
    settings = {**SETTINGS, "DEFAULT_PAGINATION": 2, "LEGACY_REDIRECTS": {"legacy_per_page": 2}}
    site = build_site(files, settings)
    assert site.ok, site.messages
    assert redirect_of(site, "news/hoat-dong-doan/page-2/index.html")[0] == \
        "/chuyen-muc/hoat-dong-doan/trang/2/"
    assert redirect_of(site, "news/hoat-dong-doan/page-3/index.html")[0] == \
        "/chuyen-muc/hoat-dong-doan/trang/3/"
    assert not site.exists("news/hoat-dong-doan/page-4/index.html")
