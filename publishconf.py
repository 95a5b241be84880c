"""Production settings: the site of pelicanconf.py, as published (issue 6).

Everything that differs between servers comes from environment variables, so CI and operators
configure a deployment without editing the repository, and no secret is ever committed here.
`invoke publish` builds with this file; `docs/publishing.md` lists every variable.
"""

import json
import os
from pathlib import Path

from pelican.settings import load_source

# Pelican loads a settings file by path, as a module named after it: pelicanconf.py the same
# way, so it is one module whichever file a build starts from.
_site = load_source("pelicanconf", str(Path(__file__).with_name("pelicanconf.py")))
globals().update({name: value for name, value in vars(_site).items() if name.isupper()})


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, "").strip() or default


def _env_list(name: str) -> list[str] | None:
    # Several patterns in one variable, separated by newlines or commas: both are easy to type
    # in a CI secret box, and neither occurs in a log path.
    raw = os.environ.get(name, "")
    items = [item.strip() for item in raw.replace("\n", ",").split(",") if item.strip()]
    return items or None


# --- Where the site lives -------------------------------------------------------------------
# Absolute URLs in feeds, the sitemap, canonical links and Open Graph need the public address.
# A trailing slash would give `//` in every URL the theme joins with "/".
SITEURL = _env("SITEURL", "https://tinhdoan.caobang.gov.vn").rstrip("/")
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL

# --- Feeds -------------------------------------------------------------------------------
# The theme (partials/feeds.html) advertises each of these when it is set. Atom for feed
# readers, RSS for the Vietnamese aggregators that only read RSS.
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/{slug}.rss.xml"
FEED_MAX_ITEMS = 30  # as the legacy site (and CONTRACT readers) expect
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None

# --- Never published ----------------------------------------------------------------------
# Drafts are written by no production build (CONTRACT §1), whatever a preview setting says.
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DELETE_OUTPUT_DIRECTORY = True

# --- Content cache --------------------------------------------------------------------------
# CI starts from a fresh clone, where every file's mtime is the checkout time: compare file
# contents instead, and keep CACHE_PATH between runs (the workflows cache it).
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CHECK_MODIFIED_METHOD = "sha256"
CACHE_PATH = _env("CACHE_PATH", "cache")

# --- Visitor counter (CONTRACT §4) ------------------------------------------------------------
# The logs are fetched from the web server before each build (docs/publishing.md); where they
# land and where the state file is kept is the CI's business, so both may come from outside.
if _env_list("VISITOR_COUNTER_LOGS"):
    VISITOR_COUNTER_LOGS = _env_list("VISITOR_COUNTER_LOGS")
if _env("VISITOR_COUNTER_STATE"):
    VISITOR_COUNTER_STATE = _env("VISITOR_COUNTER_STATE")
if _env("VISITOR_COUNTER_BASELINE"):
    # JSON, as the contract writes it: {"total": N, "as_of": "dd/mm/YYYY HH:MM"}.
    VISITOR_COUNTER_BASELINE = json.loads(_env("VISITOR_COUNTER_BASELINE"))

# --- Analytics (off unless the operator sets them) ----------------------------------------------
# Identifiers only: they are public in every page anyway. The theme renders each one that is
# set; the server's Content-Security-Policy must then allow the provider's host
# (deploy/nginx/tintuc.conf says where).
GOOGLE_ANALYTICS = _env("GOOGLE_ANALYTICS")  # e.g. G-XXXXXXXXXX
MATOMO = {"url": _env("MATOMO_URL").rstrip("/"), "site_id": _env("MATOMO_SITE_ID")}
if not MATOMO["url"]:
    MATOMO = None
GOOGLE_SITE_VERIFICATION = _env("GOOGLE_SITE_VERIFICATION")

# --- Publishing (tools/publish.py, tools/gates/) -------------------------------------------------
# Size budget per file kind, in kilobytes (site_mb: the whole output, uncompressed). A file over
# its budget stops publishing; `exclude` lists output paths (globs) that only the per-file
# limits skip, for third-party bundles we do not write.
PUBLISH_BUDGET = {
    "html_kb": 60,
    "css_kb": 25,
    "js_kb": 30,
    "image_kb": None,
    "site_mb": int(_env("PUBLISH_SITE_MB", "2048")),
    "exclude": ["pagefind/*", "quan-tri/*"],  # Pagefind's and Decap CMS's own bundles
}
# The Content-Security-Policy the built site must pass: by default the one in the example
# server configuration, so the two cannot drift apart; PUBLISH_CSP overrides it for servers
# configured otherwise.
PUBLISH_CSP = _env("PUBLISH_CSP") or None
PUBLISH_NGINX_CONF = _env("PUBLISH_NGINX_CONF", "deploy/nginx/tintuc.conf")
# A GitHub Pages custom domain (written as CNAME on the gh-pages branch).
PUBLISH_CNAME = _env("PUBLISH_CNAME")
# Pre-compressed copies (tools/publish.py says why pages get a faster brotli setting).
PUBLISH_COMPRESSION = {"gzip_level": 9, "brotli_quality": 11, "brotli_quality_pages": 7,
                       "fast_folders": ["quan-tri"]}
# Published releases kept beside a folder target, for rolling back by hand.
PUBLISH_KEEP_RELEASES = int(_env("PUBLISH_KEEP_RELEASES", "3"))
# Server-side paths that `rsync --delete-after` must leave alone (ACME challenges).
PUBLISH_PROTECT = [".well-known/"]

# A broken photo stops a production build instead of publishing the original as it is.
PHOTOS = {**_site.PHOTOS, "on_error": "stop"}

# The web editor at /quan-tri/ is part of every published site: no bundle, no publication.
ADMIN_CMS = {**_site.ADMIN_CMS, "required": True}
