"""The settings the theme needs on top of pelicanconf.py (issue 3).

Until they are in pelicanconf.py the tests pass them as overrides; afterwards passing them
again changes nothing. Plugins and filters are added to pelicanconf.py's own, never replace
them. Every value here is listed in the issue's closing note.
"""

from pathlib import Path

from pelican.settings import get_settings_from_file

from tintuc import theme_filters

_BASE = get_settings_from_file(str(Path(__file__).resolve().parents[2] / "pelicanconf.py"))


def _plus(names, extra):
    return list(dict.fromkeys([*names, *extra]))


THEME_SETTINGS = {
    "PLUGINS": _plus(_BASE.get("PLUGINS", []), ["tintuc_plugins.news_lists"]),
    "REQUIRED_PLUGINS": _plus(_BASE.get("REQUIRED_PLUGINS", []), ["tintuc_plugins.news_lists"]),
    "JINJA_FILTERS": {**_BASE.get("JINJA_FILTERS", {}), **theme_filters.FILTERS},
    # Pelican's paginated templates plus the period archives. The home page's first page is
    # the portal; /trang/2/ onwards list all news (see index.html).
    "PAGINATED_TEMPLATES": {"index": None, "category": None, "tag": None, "author": None,
                            "period_archives": None, "topic": None},
    "TEMPLATE_PAGES": {"404.html": "404.html", "sitemap.xml": "sitemap.xml",
                       "robots.txt": "robots.txt"},
    "SITELOGO": "images/logo.png",
    "SITE_ICON": "images/logo.png",
    "EMBLEM": {"image": "images/huy-hieu-doan.png",
               "alt": "Huy hiệu Đoàn Thanh niên Cộng sản Hồ Chí Minh",
               "width": 240, "height": 240},
}


# The feeds, for publishconf.py: with an empty SITEURL Pelican warns on every build, so the
# development settings leave them off. The tests build them anyway (relative links).
FEED_SETTINGS = {
    "FEED_ALL_ATOM": "feeds/tat-ca.atom.xml",
    "FEED_ALL_RSS": "feeds/tat-ca.rss.xml",
    "CATEGORY_FEED_ATOM": "feeds/chuyen-muc/{slug}.atom.xml",
    "CATEGORY_FEED_RSS": "feeds/chuyen-muc/{slug}.rss.xml",
    "FEED_MAX_ITEMS": 30,
    "RSS_FEED_SUMMARY_ONLY": True,
}


def with_theme(**overrides) -> dict:
    """THEME_SETTINGS and FEED_SETTINGS plus a test's own settings."""
    return {**THEME_SETTINGS, **FEED_SETTINGS, **overrides}
