"""An old address never takes over a page of the new site (issue 18, item 4).

nginx compares the keys of the redirect map ignoring case, so `Đường dẫn cũ: /Theme/css/tin.css`
once redirected the real stylesheet, `/Tim-kiem/` the search page and `/Bai-thuong.html` another
article. Such an address is an error naming the file and line, in `invoke check` and the build;
and for a site that builds, a real nginx with deploy/nginx/tintuc.conf answers every file of
the output itself, never with a redirect.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import build
from test_publish import NGINX, Served, free_port, nginx_site_config, stop, wait_for_port

from tintuc.checker import run_check
from tintuc.files import load_settings
from tintuc_plugins.legacy_redirects.redirects import MARKER

from .conftest import PROJECT

SETTINGS = load_settings(PROJECT / "pelicanconf.py")
HEAD = "Tiêu đề: {title}\nNgày đăng: {date}\nChuyên mục: Hoạt động Đoàn\n"


def article(title: str, date: str = "13/11/2022 21:12", **keys: str) -> str:
    return (HEAD.format(title=title, date=date)
            + "".join(f"{key}: {value}\n" for key, value in keys.items()) + "\nNội dung.\n")


TAKEN = ["/Theme/css/tin.css", "/Tim-kiem/", "/Bai-thuong.html", "/ROBOTS.TXT", "/sitemap.xml",
         "/legacy-redirects.map", "/404.html", "/", "/chuyen-muc/hoat-dong-doan", "/images/x.jpg",
         "/vi/Bai-thuong.html"]


@pytest.mark.parametrize("old", TAKEN)
def test_an_old_address_of_a_new_page_is_an_error(tmp_path, old):
    files = {"tin-tuc/bai-thuong.md": article("Bài thường"),
             "tin-tuc/bai-cu.md": article("Bài cũ", "14/11/2022 08:00",
                                          **{"Đường dẫn cũ": f"/news/tin/bai-cu-1.html, {old}"})}
    site = build(tmp_path, files)
    assert not site.ok
    assert any("tin-tuc/bai-cu.md:4: lỗi:" in message and old in message
               for message in site.errors), site.errors
    problems = [problem for problem in run_check(site.content, SETTINGS).problems
                if problem.is_error]
    assert [(problem.code, problem.line) for problem in problems] == [("legacy-url-taken", 4)]


def test_an_old_address_equal_to_its_own_new_one_is_fine(tmp_path):
    files = {"tin-tuc/bai.md": article("Bài", **{"Đường dẫn": "bai-cu",
                                                 "Đường dẫn cũ": "/bai-cu.html"})}
    site = build(tmp_path, files)
    assert site.ok, site.errors
    assert [problem for problem in run_check(site.content, SETTINGS).problems
            if problem.is_error] == []


# --- The map as nginx uses it ----------------------------------------------------------------

SITE = {
    "tin-tuc/bai-thuong.md": article("Bài thường", **{"Thẻ": "Thanh niên, Tình nguyện"}),
    "tin-tuc/bai-cu.md": article("Bài cũ", "14/11/2022 08:00", **{
        "Đường dẫn cũ": "/news/hoat-dong-doan/bai-cu-12.html, /vi/news/tin-cu/bai-cu-13.html"}),
    "pages/gioi-thieu.md": "Tiêu đề: Giới thiệu\n\nTỉnh Đoàn.\n",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    if not shutil.which(NGINX) and not Path(NGINX).exists():
        pytest.skip("nginx is not installed")
    folder = tmp_path_factory.mktemp("hijack")
    site = build(folder, SITE, {"SEARCH_INDEX": {"enabled": False}})
    assert site.ok, site.errors
    port = free_port()
    (folder / "tintuc.conf").write_text(nginx_site_config(site.output, port,
                                                          folder / "access.log"))
    (folder / "nginx.conf").write_text(
        f"user root;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'};\nevents {{ worker_connections 64; }}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        f"  client_body_temp_path {folder / 'body'};\n  include {folder / 'tintuc.conf'};\n}}\n")
    # The example configuration sends pre-compressed copies; this site has none, and the brotli
    # module's directive needs the module: drop that one line.
    conf = (folder / "tintuc.conf").read_text().replace("brotli_static on;", "")
    (folder / "tintuc.conf").write_text(conf)
    process = subprocess.Popen([NGINX, "-c", str(folder / "nginx.conf"), "-p", str(folder),
                                "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, process, "nginx")
        yield site, Served(f"http://127.0.0.1:{port}", site.output, folder)
    finally:
        stop(process)


def test_nginx_answers_every_file_of_the_site_itself(served):
    site, server = served
    # Every file but the redirects' own (their pages say where an old address went).
    files = [path.relative_to(site.output).as_posix() for path in site.output.rglob("*")
             if path.is_file() and path.name != "legacy-redirects.map"
             and MARKER.encode() not in path.read_bytes()]
    assert len(files) > 20
    for relpath in files:
        address = "/" + relpath.removesuffix("index.html")
        for variant in {address, address.upper(), address.title()}:
            status, headers, _ = server.get(variant)
            assert status != 301, (variant, headers.get("Location"))
        assert server.get(address)[0] == 200, address


def test_nginx_still_redirects_the_old_addresses(served):
    _site, server = served
    for old in ("/news/hoat-dong-doan/bai-cu-12.html", "/NEWS/HOAT-DONG-DOAN/BAI-CU-12.HTML",
                "/vi/news/tin-cu/bai-cu-13.html", "/news/hoat-dong-doan/"):
        status, headers, _ = server.get(old)
        assert status == 301, old
        assert headers["Location"].endswith(("/bai-cu.html", "/chuyen-muc/hoat-dong-doan/"))
