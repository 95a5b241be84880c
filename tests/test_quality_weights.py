"""Page weights of the built sample site (issue 3): an article page under 60 KB of HTML, the
stylesheet under 25 KB, before compression; and no third-party script or frame anywhere."""

import re

import pytest
from conftest import PROJECT, build
from theme_scenarios.theme_settings import with_theme

ARTICLE_LIMIT = 60 * 1024
CSS_LIMIT = 25 * 1024
SCRIPT_LIMIT = 4 * 1024
SEARCH_SCRIPT_LIMIT = 16 * 1024


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    site = build(tmp_path_factory.mktemp("sample"), PROJECT / "content", with_theme())
    assert site.ok, site.exception
    return site


def article_pages(site) -> list[str]:
    pages = [page for page in site.files("*.html")
             if page not in ("index.html", "404.html")]
    assert len(pages) > 20
    return pages


def test_every_article_page_is_under_60_kb(sample):
    sizes = {page: (sample.output / page).stat().st_size for page in article_pages(sample)}
    heaviest = max(sizes, key=sizes.get)
    print(f"heaviest article page: {heaviest}, {sizes[heaviest]} bytes")
    assert sizes[heaviest] < ARTICLE_LIMIT, heaviest


def test_the_stylesheet_is_under_25_kb_and_the_only_one(sample):
    # Pagefind's own files (pagefind/) load on the search page only, and are not ours.
    # The web editor (quan-tri/) has its own, for editors only.
    stylesheets = [name for name in sample.files("**/*.css")
                   if not name.startswith(("pagefind/", "quan-tri/"))]
    assert stylesheets == ["theme/css/tin.css"]
    size = (sample.output / stylesheets[0]).stat().st_size
    print(f"stylesheet: {size} bytes")
    assert size < CSS_LIMIT


def test_scripts_are_small_local_and_optional(sample):
    # Pagefind and the web editor (/quan-tri/, for editors only) bring their own bundles.
    scripts = [name for name in sample.files("**/*.js")
               if not name.startswith(("pagefind/", "quan-tri/"))]
    assert scripts == ["theme/js/analytics.js", "theme/js/search.js", "theme/js/tin.js",
                       "theme/js/van-ban.js"]
    for script in scripts:
        # The search page's script drives Pagefind and restores marks; reading needs no script.
        limit = SEARCH_SCRIPT_LIMIT if script.endswith("search.js") else SCRIPT_LIMIT
        assert (sample.output / script).stat().st_size < limit, script
    for page in sample.files("**/*.html"):
        html = sample.read(page)
        assert not re.search(r"<script[^>]+src=\"(?:https?:)?//", html), page
        assert "<iframe" not in html, page
        # Analytics is off unless publishconf.py turns it on.
        assert "analytics.js" not in html, page


def test_home_and_listings_stay_light(sample):
    """Listings print only their page of stories, so they do not grow with the site."""
    for page in ("index.html", "chuyen-muc/hoat-dong-doan/index.html", "luu-tru/index.html",
                 "luu-tru/2022/index.html"):
        assert (sample.output / page).stat().st_size < ARTICLE_LIMIT, page
