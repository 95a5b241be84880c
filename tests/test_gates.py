"""The publishing gates (tools/gates/) on built folders: what each one finds, and where.

Most cases are small folders of HTML written here, each holding exactly the fault it shows;
the last ones build real sites with publishconf.py. End-to-end publications, where a failing
gate must leave every target untouched, are in test_publish.py.
"""

import base64
import gzip
import hashlib
from pathlib import Path

import brotli
import pytest
from conftest import PROJECT, write_files
from jinja2 import Environment
from pelican.settings import read_settings

from tintuc import assets
from tintuc_tools import gates
from tintuc_tools.publish import compress_tree

PUBLISHCONF = PROJECT / "publishconf.py"
SITEURL = "https://tinhdoan.example.vn"


def page(body: str, head: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
            f"<title>Trang</title>\n{head}\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def folder(tmp_path: Path, files: dict) -> Path:
    root = tmp_path / "output"
    write_files(root, files)
    return root


def links(root: Path, siteurl: str = SITEURL) -> list[str]:
    return [str(finding) for finding in gates.check_links(gates.BuiltSite.read(root, siteurl))]


# --- links -------------------------------------------------------------------------------------


def test_links_resolve_every_form_of_internal_url(tmp_path):
    root = folder(tmp_path, {
        "index.html": page(
            f'<a href="{SITEURL}/bai-viet.html">tuyệt đối</a>\n'
            '<a href="/chuyen-muc/hoat-dong-doan/">thư mục</a>\n'
            '<a href="/chuyen-muc/hoat-dong-doan">không có / cuối</a>\n'
            '<a href="bai-viet.html#noi-dung">tương đối, có id</a>\n'
            '<a href="#dau-trang" id="dau-trang">trong trang</a>\n'
            '<a href="http://tinhdoan.example.vn/bai-viet.html">http cũ cùng máy</a>\n'
            '<img src="images/anh%20mot.jpg" srcset="/images/anh%20mot.jpg 1x, '
            f'{SITEURL}/images/anh-hai.jpg 2x" alt="">\n'
            '<a href="https://doanthanhnien.vn/khong-kiem-tra.html">ngoài</a>\n'
            '<a href="mailto:tinhdoan@example.vn">thư</a> <a href="tel:0206">gọi</a>\n'
            '<form action="/tim-kiem/"></form>',
            head='<link rel="stylesheet" href="/theme/css/tin.css?v=0123456789">'),
        "bai-viet.html": page('<main id="noi-dung"></main>'),
        "chuyen-muc/hoat-dong-doan/index.html": page(
            '<a href="../../bai-viet.html">lên hai cấp</a>'),
        "tim-kiem/index.html": page(""),
        "images/anh mot.jpg": b"jpeg",
        "images/anh-hai.jpg": b"jpeg",
        "theme/css/tin.css": "body{background:url(../img/nen.png)}",
        "theme/img/nen.png": b"png",
    })
    assert links(root) == []


def test_broken_link_and_missing_image_are_named_with_file_and_line(tmp_path):
    root = folder(tmp_path, {
        "index.html": page('<p>tin</p>\n<a href="/khong-co.html">hỏng</a>\n'
                           '<img src="/images/khong-co.jpg" alt="">'),
    })
    found = links(root)
    assert any(text.startswith("index.html:10: liên kết “/khong-co.html”") and "khong-co.html"
               in text for text in found), found
    assert any(text.startswith("index.html:11: ảnh “/images/khong-co.jpg”") for text in found)
    assert len(found) == 2


def test_missing_srcset_candidate_css_url_fragment_and_unresolved_static(tmp_path):
    root = folder(tmp_path, {
        "index.html": page(
            '<img src="/a.jpg" srcset="/a.jpg 1x, /a-2x.jpg 2x" alt="">\n'
            '<a href="/b.html#khong-co-id">id</a>\n'
            '<img src="{static}/images/sai-ten.jpg" alt="">'),
        "a.jpg": b"jpeg",
        "b.html": page("<p id='co'>b</p>"),
        "theme/css/tin.css": "\n\nh1{background:url('../img/khong-co.png')}",
    })
    found = "\n".join(links(root))
    assert "“/a-2x.jpg” (img srcset)" in found
    assert "id “khong-co-id” không có trong b.html" in found
    assert "{static}/images/sai-ten.jpg" in found and "chưa được Pelican giải nghĩa" in found
    assert "theme/css/tin.css:3: url(“../img/khong-co.png”)" in found


def test_a_github_project_site_keeps_links_under_its_path(tmp_path):
    root = folder(tmp_path, {
        "index.html": page('<a href="/tintuc/bai.html">đúng</a>\n<a href="/bai.html">ra ngoài</a>'),
        "bai.html": page(""),
    })
    found = links(root, "https://doan.github.io/tintuc")
    assert len(found) == 1
    assert "“/bai.html”" in found[0] and "nằm ngoài địa chỉ của trang" in found[0]


def test_sitemap_locations_must_be_built_pages(tmp_path):
    root = folder(tmp_path, {
        "index.html": page(""),
        "sitemap.xml": (f'<?xml version="1.0"?>\n<urlset>\n<url><loc>{SITEURL}/</loc></url>\n'
                        f"<url><loc>{SITEURL}/an-roi.html</loc></url>\n</urlset>\n"),
    })
    assert links(root) == [f"sitemap.xml:4: <loc> “{SITEURL}/an-roi.html” không dẫn tới "
                           "trang nào trong bản dựng"]


def test_one_template_fault_is_reported_once_with_where_else(tmp_path):
    root = folder(tmp_path, {f"trang-{n}.html": page('<a href="/tim-kiem/">tìm</a>')
                             for n in range(6)})
    result = gates.timed("links", lambda: gates.check_links(gates.BuiltSite.read(root, "")))
    report = result.report()
    assert "KHÔNG ĐẠT (6 lỗi)" in report
    assert report.count("/tim-kiem/") == 1
    assert "cùng lỗi ở 5 chỗ khác: trang-1.html:9, trang-2.html:9, trang-3.html:9, …" in report


# --- budget ------------------------------------------------------------------------------------


def test_budget_names_every_file_over_its_limit_largest_first(tmp_path):
    root = folder(tmp_path, {
        "index.html": "x" * 10_000,
        "bai-lon.html": "x" * 70_000,
        "bai-rat-lon.html": "x" * 90_000,
        "theme/css/tin.css": "x" * 30_000,
        "theme/js/tin.js": "x" * 1_000,
        "pagefind/pagefind-ui.js": "x" * 90_000,
        "index.html.gz": b"\0" * 200_000,  # compressed copies never count
    })
    findings, notes = gates.check_budget(root, {"html_kb": 60, "css_kb": 25, "js_kb": 30,
                                               "exclude": ["pagefind/*"]})
    assert [str(finding) for finding in findings] == [
        "bai-rat-lon.html: trang HTML nặng 87.9 KB, vượt giới hạn 60 KB "
        "(PUBLISH_BUDGET[\"html_kb\"])",
        "bai-lon.html: trang HTML nặng 68.4 KB, vượt giới hạn 60 KB (PUBLISH_BUDGET[\"html_kb\"])",
        "theme/css/tin.css: tệp CSS nặng 29.3 KB, vượt giới hạn 25 KB (PUBLISH_BUDGET[\"css_kb\"])",
    ]
    assert notes[0].startswith("trang HTML lớn nhất: bai-rat-lon.html 87.9 KB, bai-lon.html")


def test_budget_for_the_whole_site(tmp_path):
    root = folder(tmp_path, {f"anh-{n}.jpg": b"\xff" * 400_000 for n in range(3)})
    findings, _notes = gates.check_budget(root, {"site_mb": 1})
    assert [str(finding) for finding in findings] == [
        "cả trang nặng 1.1 MB, vượt giới hạn 1 MB (PUBLISH_BUDGET[\"site_mb\"])"]


# --- csp ---------------------------------------------------------------------------------------


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def csp(root: Path, policy: str, siteurl: str = SITEURL) -> list[str]:
    findings, _ = gates.check_csp(gates.BuiltSite.read(root, siteurl), policy)
    return [str(finding) for finding in findings]


def test_csp_blocks_inline_code_unless_hashed_and_tells_the_hash(tmp_path):
    style = ":root{--primary:#0b4f9c}"
    root = folder(tmp_path, {"index.html": page(
        '<p style="color:red">đỏ</p>\n<button onclick="go()">bấm</button>\n'
        '<script>console.log(1)</script>\n'
        '<script type="application/ld+json">{"@type": "NewsArticle"}</script>',
        head=f"<style>{style}</style>")})
    policy = "default-src 'self'; style-src 'self'"
    found = csp(root, policy)
    assert len(found) == 4, found
    assert found[0] == (f"index.html:6: thẻ <style> viết trong trang bị chặn bởi style-src-elem: "
                        f"đưa nó vào tệp .css/.js của giao diện, hoặc thêm {sha256(style)} vào "
                        "chính sách")
    assert any("index.html:9: thuộc tính style=" in text for text in found)
    assert any("index.html:10: thuộc tính sự kiện on…=…" in text for text in found)
    assert any("index.html:11: thẻ <script> viết trong trang bị chặn bởi script-src-elem"
               in text for text in found)

    hashed = f"default-src 'self'; style-src 'self' {sha256(style)} 'unsafe-inline'"
    remaining = csp(root, hashed)
    # The hash lets the <style> through; with a hash present, 'unsafe-inline' no longer does.
    assert not any("<style>" in text for text in remaining)
    assert any("style=" in text for text in remaining)


def test_csp_checks_where_resources_come_from(tmp_path):
    root = folder(tmp_path, {"index.html": page(
        f'<img src="{SITEURL}/images/a.jpg" alt="">\n'
        '<img src="data:image/png;base64,AAAA" alt="">\n'
        '<iframe src="https://www.youtube-nocookie.com/embed/x" title="v"></iframe>\n'
        '<iframe src="https://evil.example/x" title="v"></iframe>\n'
        '<script src="https://cdn.example.com/lib.js"></script>\n'
        '<a href="javascript:alert(1)">x</a>')})
    policy = ("default-src 'self'; img-src 'self' data:; "
              "frame-src https://www.youtube-nocookie.com")
    found = csp(root, policy)
    assert len(found) == 3, found
    assert "“https://evil.example/x” (iframe src) bị chặn bởi frame-src" in found[0]
    assert "“https://cdn.example.com/lib.js” (script src) bị chặn bởi script-src-elem" in found[1]
    assert "liên kết javascript: bị chặn" in found[2]


def test_csp_knows_what_analytics_will_load(tmp_path):
    root = folder(tmp_path, {"index.html": page("<p>tin</p>")})
    site = gates.BuiltSite.read(root, SITEURL)
    settings = {"GOOGLE_ANALYTICS": "G-TEST123", "MATOMO": {"url": "https://thongke.example.vn",
                                                            "site_id": "3"}}
    strict = gates.policy_from_nginx(PROJECT / "deploy/nginx/tintuc.conf")
    findings, _ = gates.check_csp(site, strict, gates.runtime_needs(settings))
    assert [finding.message.split(":")[0] for finding in findings] == [
        "GOOGLE_ANALYTICS đang bật nên trang sẽ tải “https",
        "GOOGLE_ANALYTICS đang bật nên trang sẽ tải “https",
        "MATOMO đang bật nên trang sẽ tải “https", "MATOMO đang bật nên trang sẽ tải “https"]
    assert "thêm https://www.googletagmanager.com vào script-src" in findings[0].message
    opened = strict.replace(
        "script-src 'self'",
        "script-src 'self' https://www.googletagmanager.com https://thongke.example.vn").replace(
        "connect-src 'self'",
        "connect-src 'self' https://*.google-analytics.com https://thongke.example.vn")
    assert gates.check_csp(site, opened, gates.runtime_needs(settings))[0] == []


def test_the_example_nginx_policy_is_the_one_checked():
    policy = gates.csp_policy({"PUBLISH_NGINX_CONF": "deploy/nginx/tintuc.conf"})
    assert policy and policy.startswith("default-src 'self';")
    assert "frame-ancestors 'self'" in policy
    assert gates.csp_policy({"PUBLISH_CSP": "default-src 'none'",
                             "PUBLISH_NGINX_CONF": "deploy/nginx/tintuc.conf"}) == \
        "default-src 'none'"


# --- html (Nu Html Checker) --------------------------------------------------------------------


@pytest.mark.browser
def test_html_gate_reports_validator_errors_with_file_and_line(tmp_path):
    root = folder(tmp_path, {
        "dung.html": page("<p>đúng</p>"),
        "sai/index.html": page("<ul>\n<div>không được nằm trong ul</div>\n</ul>"),
        "feeds/all.atom.xml": "<feed/>",
    })
    found = [str(finding) for finding in gates.check_html(root)]
    assert len(found) == 1, found
    assert found[0].startswith("sai/index.html:10: Element “div” not allowed as child of "
                               "element “ul”")


def test_html_gate_without_validator_fails_and_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("VNU_JAR", str(tmp_path / "khong-co.jar"))
    root = folder(tmp_path, {"index.html": page("")})
    (finding,) = gates.check_html(root)
    assert "khong-co.jar" in finding.message and "npm ci" in finding.message


# --- content -----------------------------------------------------------------------------------


def test_content_gate_names_file_and_line(tmp_path):
    content = tmp_path / "content"
    header = "Tiêu đề: {}\nNgày đăng: {}\nChuyên mục: Hoạt động Đoàn\n\nNội dung.\n"
    write_files(content, {"tin/dung.md": header.format("Đúng", "13/11/2022"),
                          "tin/sai.md": header.format("Sai", "31/02/2022")})
    findings = gates.check_content(content, {})
    assert len(findings) == 1
    assert findings[0].path.endswith("tin/sai.md") and findings[0].line == 2
    assert "31/02/2022" in findings[0].message


# --- compression and cache-busting ---------------------------------------------------------------


def test_precompressed_copies_are_exact_and_deterministic(tmp_path):
    text = "Tỉnh Đoàn Cao Bằng. " * 200
    root = folder(tmp_path, {"index.html": text, "theme/css/tin.css": "a{}" * 300,
                             "nho.txt": "ngắn", "anh.jpg": b"\xff" * 5000})
    stats = compress_tree(root)
    assert stats.files == 2
    packed = (root / "index.html.gz").read_bytes()
    assert packed[4:8] == b"\0\0\0\0"  # gzip header mtime 0: rebuilding changes no byte
    assert gzip.decompress(packed).decode() == text
    assert brotli.decompress((root / "index.html.br").read_bytes()).decode() == text
    assert not (root / "nho.txt.gz").exists() and not (root / "anh.jpg.gz").exists()
    first = {path.name: path.read_bytes() for path in root.rglob("*.[gb][zr]")}
    compress_tree(root)
    assert first == {path.name: path.read_bytes() for path in root.rglob("*.[gb][zr]")}


def test_asset_url_carries_the_content_digest(tmp_path):
    theme = tmp_path / "theme"
    write_files(theme, {"static/css/tin.css": "body{color:#000}"})
    env = Environment(autoescape=True)
    env.filters.update(assets.FILTERS)
    template = env.from_string('<link rel="stylesheet" href="{{ "css/tin.css"|asset_url }}">')
    context = {"THEME": str(theme), "THEME_STATIC_DIR": "theme", "SITEURL": SITEURL,
               "THEME_STATIC_PATHS": ["static"]}
    digest = hashlib.sha256(b"body{color:#000}").hexdigest()[:10]
    assert template.render(context) == (
        f'<link rel="stylesheet" href="{SITEURL}/theme/css/tin.css?v={digest}">')
    (theme / "static/css/tin.css").write_text("body{color:#111;}")
    assert f"?v={digest}" not in template.render(context)
    with pytest.raises(FileNotFoundError, match=r"khong-co\.css"):
        env.from_string('{{ "css/khong-co.css"|asset_url }}').render(context)


# --- real builds -------------------------------------------------------------------------------

def test_the_sample_site_built_with_publishconf_passes_the_output_gates(build_site):
    site = build_site(PROJECT / "content", settings_file=PUBLISHCONF)
    assert site.ok, site.messages
    assert site.exists("feeds/all.atom.xml") and site.exists("feeds/hoat-dong-doan.rss.xml")
    settings = read_settings(str(PUBLISHCONF))
    # vnu runs in the end-to-end publications of test_publish.py; here the others, quickly.
    results = gates.run_output_gates(site.output, settings, skip={"html"})
    assert [(result.name, result.ok, result.skipped) for result in results] == [
        ("files", True, False), ("links", True, False), ("budget", True, False),
        ("csp", True, False), ("html", True, True)], "\n".join(result.report()
                                                              for result in results)
