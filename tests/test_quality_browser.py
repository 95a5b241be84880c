"""Quality bars on the built sample site (issue 3): valid HTML and CSS (Nu Html Checker), zero
axe-core violations for WCAG 2.1 AA, a layout usable at 360 px, and the article's tools.

Needs Java, the npm packages of package.json (`npm ci`) and Debian's Chromium driven by
Playwright. Without them these tests skip on a developer's machine and fail in CI (CI=true).
"""

import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

import pytest
from browser import CHROMIUM, axe_violations, chromium, require, serve
from conftest import PROJECT, build
from theme_scenarios.theme_settings import THEME_SETTINGS, with_theme

pytestmark = pytest.mark.browser

VNU_JAR = PROJECT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SHOTS = Path(os.environ.get("TINTUC_SHOTS", tempfile.gettempdir())) / "shots"

ARTICLE = "tiep-tuc-phat-huy-hieu-qua-tu-trien-khai-thuc-hien-doan-co-so-3-chu-dong.html"
PAGES = {
    "home": "",
    "article": ARTICLE,
    "category": "chuyen-muc/hoat-dong-doan/",
    "category-page-2": "chuyen-muc/hoat-dong-doan/trang/2/",
    "archive-index": "luu-tru/",
    "year": "luu-tru/2022/",
    "month": "luu-tru/2022/11/",
    "tag": "the/doan-co-so/",
    "page": "gioi-thieu/",
    "english": "english/",
    "404": "404.html",
}


def counter_settings(folder: Path) -> dict:
    """The visitor counter and its "most read" block in the sidebar, fed by a small log, so
    that the checks also cover the blocks other plugins put into the theme."""
    if not (PROJECT / "plugins" / "visitor_counter").is_dir():
        return {}
    log = folder / "access.log"
    lines = []
    for minute in range(40):
        path = "/" + (ARTICLE if minute % 3 else "chuyen-muc/hoat-dong-doan/")
        agent = "Googlebot/2.1" if minute % 5 == 0 else "Mozilla/5.0 (X11; Linux x86_64)"
        lines.append(f'10.0.0.{minute % 7} - - [25/Nov/2026:10:{minute:02d}:00 +0700] '
                     f'"GET {path} HTTP/1.1" 200 5120 "-" "{agent}"')
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plugins = THEME_SETTINGS["PLUGINS"]
    counter = "tintuc_plugins.visitor_counter"
    return {"PLUGINS": [*plugins, counter] if counter not in plugins else plugins,
            "VISITOR_COUNTER_LOGS": [str(log)],
            "VISITOR_COUNTER_STATE": str(folder / "counter-state.json"),
            "VISITOR_COUNTER_BASELINE": {"total": 7558632, "as_of": "01/11/2026 00:00"}}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample content, with small pages so that pagination is on the checked pages too,
    and the visitor counter's blocks in the sidebar."""
    root = tmp_path_factory.mktemp("sample")
    counter = counter_settings(root)
    site = build(root, PROJECT / "content", with_theme(DEFAULT_PAGINATION=5, **counter))
    assert site.ok, site.exception
    if counter:
        sidebar = site.html("index.html").find("aside")
        assert "Thống kê truy cập" in sidebar.get_text() and "Tin đọc nhiều" in sidebar.get_text()
    for path in PAGES.values():
        assert (site.output / (path or "index.html")).exists() or \
            (site.output / path / "index.html").exists(), path
    return site


@pytest.fixture(scope="module")
def server(sample):
    with serve(sample.output) as base:
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
    yield tab
    tab.close()


def open_page(page, server, path, width):
    page.set_viewport_size({"width": width, "height": 800 if width > 600 else 740})
    response = page.goto(server + path)
    assert response.status == 200, path
    # Lazy photos below the fold would stay blank in a full-page screenshot.
    page.evaluate("document.querySelectorAll('img[loading=lazy]')"
                  ".forEach(image => { image.loading = 'eager'; })")
    page.wait_for_load_state("networkidle")


# --- Nu Html Checker ------------------------------------------------------------------------

def run_vnu(*args) -> list[dict]:
    require(shutil.which("java") is not None, "Java")
    require(VNU_JAR.exists(), "vnu-jar (npm ci)")
    result = subprocess.run(["java", "-jar", str(VNU_JAR), "--format", "json", *args],
                            capture_output=True, text=True, timeout=300)
    return json.loads(result.stderr or result.stdout)["messages"]


def test_every_page_is_valid_html(sample):
    messages = run_vnu("--skip-non-html", str(sample.output))
    errors = [f"{message['url']}:{message.get('lastLine')}: {message['message']}"
              for message in messages if message["type"] != "info"]
    assert errors == []
    checked = len(sample.files("**/*.html"))
    assert checked > 50


def test_the_stylesheet_is_valid_css(sample):
    messages = run_vnu("--css", str(sample.output / "theme" / "css" / "tin.css"))
    assert [message["message"] for message in messages if message["type"] != "info"] == []


def test_the_checker_does_find_errors(tmp_path):
    """The two tests above would pass on a checker that checks nothing."""
    (tmp_path / "bad.html").write_text("<!DOCTYPE html><html lang=vi><title>x</title>"
                                       "<p><div>x</div></p>", encoding="utf-8")
    assert any(message["type"] == "error" for message in run_vnu(str(tmp_path / "bad.html")))


# --- axe-core -------------------------------------------------------------------------------

@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_axe_violations(page, server, name, width):
    open_page(page, server, PAGES[name], width)
    assert axe_violations(page) == []


def test_axe_does_find_violations(page, server):
    """A page with a known violation shows up, so the zero above means something."""
    open_page(page, server, PAGES["home"], 1280)
    page.evaluate("document.querySelector('.site-footer').style.color = '#ccc';"
                  "document.querySelector('.site-footer').style.background = '#fff'")
    assert any(violation.startswith("color-contrast") for violation in axe_violations(page))


# --- 360 px -----------------------------------------------------------------------------------

OVERFLOWING = """() => {
  const limit = document.documentElement.clientWidth + 1;
  return [...document.querySelectorAll('body *')]
    .filter(el => !el.closest('.visually-hidden'))
    .filter(el => { const box = el.getBoundingClientRect();
                    return box.width > 0 && box.right > limit; })
    .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
}"""


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("name", ["home", "article", "category", "month"])
def test_usable_at_360px(page, server, name):
    open_page(page, server, PAGES[name], 360)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1] == 360, "the page scrolls sideways"
    assert page.evaluate(OVERFLOWING) == []
    # Links and buttons of the header and navigation are big enough to tap (WCAG 2.5.8).
    small = page.evaluate("""() => [...document.querySelectorAll(
        '.site-nav a, .search button, .search input, .pagination a, .tools a')]
        .filter(el => el.getBoundingClientRect().height < 24).map(el => el.textContent)""")
    assert small == []
    base_font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert base_font >= 16
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"{name}-360.png"
    page.screenshot(path=str(shot), full_page=True)
    width, height = png_size(shot)
    assert width == 360 and height > 740
    assert shot.stat().st_size > 20_000  # a page with text and photos, not a blank frame


@pytest.mark.parametrize("name", ["home", "article"])
def test_desktop_screenshot(page, server, name):
    open_page(page, server, PAGES[name], 1280)
    assert page.evaluate("document.documentElement.scrollWidth") == 1280
    # Beside each other on a desktop: the news column and the sidebar.
    main_box = page.locator("main").bounding_box()
    aside_box = page.locator("aside.sidebar").bounding_box()
    assert aside_box["x"] > main_box["x"] + main_box["width"] - 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)


# --- Keyboard, script and print ---------------------------------------------------------------

def test_skip_link_appears_on_focus_and_focus_is_visible(page, server):
    open_page(page, server, PAGES["article"], 360)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0 and box["height"] > 0
    style = page.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                          " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; })()")
    assert style[0] != "none" and style[1] != "0px"


def test_print_and_copy_link_buttons(page, server, browser):
    browser.grant_permissions(["clipboard-read", "clipboard-write"])
    open_page(page, server, PAGES["article"], 1280)
    assert page.get_by_role("button", name="In bài").is_visible()
    page.get_by_role("button", name="Sao chép liên kết").click()
    status = page.locator(".copy-status")
    status.wait_for(state="visible")
    assert status.text_content().strip()
    assert page.get_by_role("link", name="Chia sẻ Facebook").is_visible()


def test_no_script_still_reads_and_hides_script_buttons(browser, server):
    tab = browser.new_page()
    try:
        # Scripts carry a version query (`tin.js?v=…`), so match the path, not the URL's end.
        tab.route(re.compile(r"\.js(\?|$)"), lambda route: route.abort())
        tab.goto(server + PAGES["article"])
        assert tab.locator("h1").is_visible()
        assert not tab.get_by_role("button", name="In bài").is_visible()
        assert tab.locator(".news-body").is_visible()
    finally:
        tab.close()


def test_print_stylesheet_keeps_the_story_only(page, server):
    open_page(page, server, PAGES["article"], 1280)
    page.emulate_media(media="print")
    for hidden in (".site-nav", "aside.sidebar", ".tools", ".news-list", "form.search"):
        assert not page.locator(hidden).first.is_visible(), hidden
    for shown in ("h1", ".dateline", ".sapo", ".news-body", ".site-footer"):
        assert page.locator(shown).first.is_visible(), shown
    page.emulate_media(media="screen")
