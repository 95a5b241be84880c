"""The names plugins share: attributes one plugin gives Pelican's documents, and keys one puts
in the context, that another plugin (or the theme) reads. Written here once, so that a plugin
reading another's work says so in its imports.

Who sets each, and who reads it:
- `title_text`, `summary_text` (the text as typed, before typography): set by vn_reader; read
  by the theme (<title>, feeds, JSON-LD), news_lists (feeds), search_index, legacy_redirects;
- `source_lines` (the line of each front-matter key): vn_reader; read by vn_reader.urls and
  legacy_redirects, to name file:line in their errors;
- `slug_pinned` (the editor wrote `Đường dẫn`), `legacy_urls`: vn_reader; read by
  vn_reader.urls, legacy_redirects;
- `scheduled`, `expired` (by the build's clock): vn_reader; read by the theme;
- `newer_articles`, `older_articles`, `related_articles`, `is_recent`: news_lists; read by the
  theme and page_writer (a page's own document counts with the documents it lists);
- `topic`, `topic_articles`: topics; read by the theme and legacy_redirects;
- `featured_photo_version`: photos; read by page_writer (the photo's file is part of a page);
- context `nav_categories`, `news_home`, `archive_years`, `news_feed_articles`: news_lists;
  read by the theme and news_lists' feeds; context `topics`: topics; document attribute
  `attachments` and context `document_years`: documents; context `search_bundles`,
  `search_words`: search_index; context `visitor_counter`, `most_read`: visitor_counter (the
  theme's live blocks); context `article_views` and the Jinja global `views_of`:
  visitor_counter, drawn by page_writer after rendering; the Jinja global `photo`: photos.
"""

TITLE_TEXT = "title_text"
SUMMARY_TEXT = "summary_text"
SOURCE_LINES = "source_lines"
SLUG_PINNED = "slug_pinned"
LEGACY_URLS = "legacy_urls"
SCHEDULED = "scheduled"
EXPIRED = "expired"
NEWER_ARTICLES = "newer_articles"
OLDER_ARTICLES = "older_articles"
RELATED_ARTICLES = "related_articles"
IS_RECENT = "is_recent"
TOPIC = "topic"
TOPIC_ARTICLES = "topic_articles"
FEATURED_PHOTO_VERSION = "featured_photo_version"

NAV_CATEGORIES = "nav_categories"
NEWS_HOME = "news_home"
ARCHIVE_YEARS = "archive_years"
NEWS_FEED_ARTICLES = "news_feed_articles"
TOPICS = "topics"
ATTACHMENTS = "attachments"
DOCUMENT_YEARS = "document_years"
SEARCH_BUNDLES = "search_bundles"
SEARCH_WORDS = "search_words"
VISITOR_COUNTER = "visitor_counter"
MOST_READ = "most_read"
ARTICLE_VIEWS = "article_views"
VIEWS_OF = "views_of"
