"""Settings of the Tin tức site: the Tỉnh Đoàn Cao Bằng portal.

Another organisation adopts the site by editing this file only: its name, contact details,
links and colours are all here. `publishconf.py` builds on it for production.
"""

from tintuc import assets, jinja_filters, theme_filters

# --- The organisation -------------------------------------------------------------------
SITENAME = "Tỉnh Đoàn Cao Bằng"
SITESUBTITLE = "Trang thông tin điện tử Tỉnh Đoàn Thanh niên Cao Bằng"
# No AUTHOR: Pelican would credit every article without `Tác giả` to it.
SITEURL = ""
ORGANIZATION = {
    "name": "Trang thông tin điện tử Tỉnh Đoàn Thanh niên Cao Bằng",
    "short_name": "Tỉnh Đoàn Cao Bằng",
    "english_name": "Ho Chi Minh Communist Youth Union of Cao Bang Province",
    "address": (
        "Khối nhà MTTQ và các tổ chức chính trị xã hội, Phường Đề Thám, "
        "Thành phố Cao Bằng, Tỉnh Cao Bằng"
    ),
    "phone": "02063. 852. 165",
    "fax": "02063. 852. 165",
    "email": "tinhdoan@caobang.gov.vn",
    "responsible": "Bí thư Tỉnh Đoàn",
    "contact": "Văn phòng Tỉnh Đoàn (02063. 852. 165)",
    "copyright_year": 2021,
    "reissue_source": "http://tinhdoan.caobang.gov.vn",
    "fanpage_url": "https://www.facebook.com/tinhdoancaobang",
    "fanpage_name": "Tuổi trẻ Cao Bằng",
}
LINKS = (
    ("Trung ương Đoàn TNCS Hồ Chí Minh", "https://doanthanhnien.vn"),
    ("Cổng thông tin điện tử tỉnh Cao Bằng", "https://caobang.gov.vn"),
    ("Báo Tuổi Trẻ", "https://tuoitre.vn"),
    ("Báo Thanh Niên", "https://thanhnien.vn"),
)
THEME_COLORS = {"primary": "#0b4f9c", "accent": "#c8102e", "background": "#ffffff"}
SITELOGO = "images/logo.png"
SITE_ICON = "images/logo.png"
EMBLEM = {
    "image": "images/huy-hieu-doan.png",
    "alt": "Huy hiệu Đoàn Thanh niên Cộng sản Hồ Chí Minh",
    "width": 240,
    "height": 240,
}

# The main categories, in menu order. `invoke check` warns about any other.
NEWS_CATEGORIES = [
    "Hoạt động Đoàn",
    "Phong trào tình nguyện",
    "Thanh niên lập nghiệp",
    "Tuyên truyền pháp luật",
    "Văn hóa - Thể thao",
    "Chuyển đổi số",
    "Đội TNTP Hồ Chí Minh",
]

# --- Content ----------------------------------------------------------------------------
PATH = "content"
PAGE_PATHS = ["pages"]
ARTICLE_EXCLUDES = ["pages", "images", "data"]
STATIC_PATHS = ["images", "extra"]
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
DEFAULT_DATE_FORMAT = "%d/%m/%Y"
# The category is a required key (CONTRACT §1): a folder name never stands in for it.
USE_FOLDER_AS_CATEGORY = False
# Only our Markdown reader: articles are Markdown (CONTRACT §1); docutils would only add its
# "no 'vi'" warning, and saved HTML pages (a legacy mirror) are not articles.
READERS = {"rst": None, "html": None, "htm": None}
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.sane_lists": {},
    },
    "output_format": "html5",
}
# Typography (typogrify; `caps` off, it breaks Vietnamese capitals) is applied by our reader
# to NFC text, so it is cached and done on every core with the rest of the reading; Pelican's
# own pass would redo it on every build.
TYPOGRIFY = False
NEWS_TYPOGRIFY = True
TYPOGRIFY_OMIT_FILTERS = ["caps"]
# Reading: results kept in CACHE_PATH by each file's sha256. Reading and rendering use
# NEWS_WORKERS processes (0: one per core; 1: everything in this process).
NEWS_READER_CACHE = True
NEWS_WORKERS = 0
# Rendered pages kept in CACHE_PATH, each under the fingerprint of everything it shows: a
# rebuild renders only the pages an edit touches (plugins/page_writer). The live blocks change
# on every build, so they are drawn once and put into every page after rendering.
NEWS_RENDER_CACHE = True
NEWS_LIVE_BLOCKS = ["partials/most_read.html", "partials/visitor_counter.html"]
NEWS_NEIGHBOURS = 10
NEWS_RELATED = 5  # "Tin liên quan": articles sharing the most tags (tintuc/related.py)
NEWS_TOPIC_COUNT = 10  # the box "Theo dòng sự kiện": the topic's other articles
# "Tin nổi bật" at the top of the home page: the slugs listed here first, in this order, then
# `Nổi bật: 1, 2, …` by number, then `Nổi bật: có` newest first (docs/huong-dan-bien-tap.md).
NEWS_FEATURED = []
HOME_FEATURED_COUNT = 4
NEWS_NEW_DAYS = 2  # the "Mới" badge on newer/older items; 0 turns it off
HOME_LATEST_COUNT = 6
HOME_CATEGORY_ARTICLES = 4
DEFAULT_PAGINATION = 20
PAGINATED_TEMPLATES = {"index": None, "category": None, "tag": None, "author": None,
                       "period_archives": None, "topic": None}
TEMPLATE_PAGES = {"404.html": "404.html", "sitemap.xml": "sitemap.xml",
                  "robots.txt": "robots.txt", "search.html": "tim-kiem/index.html"}
# Photos: resized WebP/JPEG variants, thumbnails, og:image crops, no metadata (docs/photos.md).
PHOTOS = {
    "widths": [360, 720, 960, 1200],
    "thumb_widths": [240, 480],
    "og_size": [1200, 630],
    "quality": {"jpeg": 80, "webp": 75},
    "max_pixels": 40_000_000,
    "on_error": "warn",  # publishconf.py: "stop"
    "originals": "clean",  # published originals lose their EXIF/GPS too
}
# The search page /tim-kiem/ and its Pagefind index (docs/search.md).
SEARCH_INDEX = {"enabled": True, "folder": "pagefind"}
SUMMARY_MAX_LENGTH = 50

# --- URLs (see docs/urls.md) ------------------------------------------------------------
ARTICLE_URL = "{slug}.html"
ARTICLE_SAVE_AS = "{slug}.html"
# Drafts are never written by a real build; `invoke livereload --drafts` overrides this.
DRAFT_URL = "ban-nhap/{slug}.html"
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "chuyen-muc/{slug}/"
CATEGORY_SAVE_AS = "chuyen-muc/{slug}/index.html"
CATEGORIES_URL = "chuyen-muc/"
CATEGORIES_SAVE_AS = "chuyen-muc/index.html"
TAG_URL = "the/{slug}/"
TAG_SAVE_AS = "the/{slug}/index.html"
TAGS_URL = "the/"
TAGS_SAVE_AS = "the/index.html"
AUTHOR_URL = "tac-gia/{slug}/"
AUTHOR_SAVE_AS = "tac-gia/{slug}/index.html"
AUTHORS_URL = "tac-gia/"
AUTHORS_SAVE_AS = "tac-gia/index.html"
# The register of documents ("Văn bản"): the newest year at van-ban/, each year at its own.
DOCUMENTS_URL = "van-ban/"
DOCUMENTS_SAVE_AS = "van-ban/index.html"
DOCUMENTS_YEAR_URL = "van-ban/{year}/"
DOCUMENTS_YEAR_SAVE_AS = "van-ban/{year}/index.html"
TOPIC_URL = "su-kien/{slug}/"
TOPIC_SAVE_AS = "su-kien/{slug}/index.html"
TOPICS_URL = "su-kien/"
TOPICS_SAVE_AS = "su-kien/index.html"
ARCHIVES_URL = "luu-tru/"
ARCHIVES_SAVE_AS = "luu-tru/index.html"
YEAR_ARCHIVE_URL = "luu-tru/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "luu-tru/{date:%Y}/index.html"
MONTH_ARCHIVE_URL = "luu-tru/{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = "luu-tru/{date:%Y}/{date:%m}/index.html"
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/trang/{number}/", "{base_name}/trang/{number}/index.html"),
)

# --- Feeds (publishconf.py turns them on with absolute URLs) -------------------------------
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# --- Theme and plugins --------------------------------------------------------------------
THEME = "theme"
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}
JINJA_FILTERS = {**jinja_filters.FILTERS, **theme_filters.FILTERS, **assets.FILTERS}
# The project's plugins are installed with it (`pip install -e .`) as the package
# `tintuc_plugins` (the folder plugins/). legacy_redirects before page_writer: at `finalized` it
# writes its pages while the previous build's output is still there to move unchanged ones
# back from (any order works). warning_groups last: it holds back the warnings the others log
# (even at `finalized`) and tells a warning repeated at many files as one line.
PLUGINS = [f"tintuc_plugins.{name}" for name in (
    "build_guard", "content_guard", "legacy_redirects", "page_writer", "constant_time_lists",
    "vn_reader", "photos", "news_lists", "topics", "documents", "visitor_counter",
    "search_index", "admin_cms", "warning_groups")]
# build_guard fails the build when any of these did not load (Pelican only logs it).
REQUIRED_PLUGINS = list(PLUGINS)
# Places named in a grouped warning line; 0 prints every warning (`invoke build --verbose`).
NEWS_WARNING_GROUPS = 3

# --- Visitor counter (CONTRACT §4; production paths in publishconf.py) --------------------
# The legacy site's running total when its counter stopped; visits after it are added.
VISITOR_COUNTER_BASELINE = {"total": 7558632, "as_of": "13/11/2022 21:12"}
VISITOR_COUNTER_LOGS = []
VISITOR_COUNTER_STATE = None  # in memory only: a local build never touches production state
VISITOR_COUNTER_COUNT_BOTS = True
VISITOR_COUNTER_THOUSANDS_SEP = ","
VISITOR_COUNTER_MOST_READ_DAYS = 7
VISITOR_COUNTER_MOST_READ_COUNT = 5

# Redirects from the legacy NukeViet URLs (`Đường dẫn cũ`, categories, tags, feeds, print);
# the defaults and the other keys are in plugins/legacy_redirects/redirects.py.
LEGACY_REDIRECTS = {"enabled": True}

# --- Web editor at /quan-tri/ (Decap CMS; docs/quan-tri-web.md) --------------------------------
# The Git host editors' saves are committed to; `invoke admin` edits this checkout instead.
ADMIN_CMS = {
    "enabled": True,
    "path": "quan-tri",
    # name: github, gitlab or gitea; repo: "owner/name"; GitLab/Gitea on the organisation's
    # own server also need api_root and base_url (docs/quan-tri-web.md).
    "backend": {"name": "github", "repo": "tinhdoan-caobang/tintuc", "branch": "main"},
    # Saves become pull/merge requests a second person approves (GitHub, GitLab).
    "editorial_workflow": True,
}

DELETE_OUTPUT_DIRECTORY = True
# The output holds only this build's files, but the previous build's are first set aside, so an
# unchanged file is moved back rather than written again (tintuc/fresh_output.py).
NEWS_FRESH_OUTPUT = True
LOAD_CONTENT_CACHE = False
# Our reader gives every document its slug; URL de-duplication replaces translation grouping.
ARTICLE_TRANSLATION_ID = None
PAGE_TRANSLATION_ID = None
