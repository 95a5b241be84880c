"""Pelican's side of the news lists: attach them to the articles, put the listings in context.

Everything here runs once, at `article_generator_finalized`, when the articles are read and
sorted and the categories and period archives exist; the templates then only print.
"""

from datetime import datetime, timedelta
from itertools import chain

from tintuc.dates import build_clock
from tintuc.news_lists import latest_by_group, neighbour_lists, ordered_groups, pick_featured
from tintuc.related import related_lists
from tintuc.text import fold
from tintuc_plugins import shared

DEFAULTS = {
    "NEWS_NEIGHBOURS": 10,
    # Items of the newer/older lists published this many days before the build get "Mới".
    "NEWS_NEW_DAYS": 2,
    # The main categories in menu order (pelicanconf.py); others follow alphabetically.
    "NEWS_CATEGORIES": (),
    "HOME_LATEST_COUNT": 6,
    "HOME_CATEGORY_ARTICLES": 4,
    "NEWS_RELATED": 5,
    "NEWS_FEATURED": (),
    "HOME_FEATURED_COUNT": 4,
}


def setting(settings, name):
    return settings.get(name, DEFAULTS[name])


def publication_key(article):
    """CONTRACT §3's order: publication time, then the source path inside the content folder."""
    return (article.date, article.relative_source_path)


def category_of(article):
    return getattr(article, "category", None)


def attach_lists(generator) -> None:
    settings = generator.settings
    count = int(setting(settings, "NEWS_NEIGHBOURS"))
    listed_ids = {id(article) for article in generator.articles}
    # Timsort sees the two (already sorted) runs, so this is close to a merge.
    ordered = sorted(chain(generator.articles, generator.hidden_articles), key=publication_key)
    lists = neighbour_lists(ordered, category_of, count, lambda article: id(article) in listed_ids)
    # The "Mới" badge is each article's own flag rather than a comparison with the clock in
    # the template: a page then changes only when an article it lists stops being new.
    related = related_lists(ordered, lambda article: [tag.slug for tag in
                                                      getattr(article, "tags", None) or ()],
                            category_of, lambda article: article.date.timestamp(),
                            int(setting(settings, "NEWS_RELATED")),
                            lambda article: id(article) in listed_ids)
    since = recent_since(settings)
    for article, found, alike in zip(ordered, lists, related, strict=True):
        article.newer_articles = found.newer
        article.older_articles = found.older
        article.related_articles = alike
        article.is_recent = since is not None and article.date >= since

    newest_first = [article for article in reversed(ordered) if id(article) in listed_ids]
    categories = menu_categories(generator.categories, setting(settings, "NEWS_CATEGORIES"))
    context = generator.context
    context[shared.NAV_CATEGORIES] = categories
    context[shared.NEWS_HOME] = home_listing(newest_first, categories, settings)
    context[shared.ARCHIVE_YEARS] = archive_index(generator.period_archives)
    context[shared.NEWS_FEED_ARTICLES] = {article.url: article for article in generator.articles}


def menu_categories(categories, preferred) -> list:
    """The categories in menu order: `NEWS_CATEGORIES` first, then the others alphabetically.

    Alphabetical in Vietnamese terms: marks and đ folded, so "Đoàn" sorts beside "Doanh".
    """
    by_name = {category.name: category for category, _articles in categories}
    names = ordered_groups(by_name, list(preferred), sort_key=lambda name: (fold(name), name))
    return [by_name[name] for name in names]


def home_listing(newest_first, categories, settings) -> dict:
    by_slug = {article.slug: article for article in newest_first}
    pinned = [by_slug[slug] for slug in setting(settings, "NEWS_FEATURED") if slug in by_slug]
    featured = pick_featured(newest_first, lambda article: getattr(article, "featured", False),
                             int(setting(settings, "HOME_FEATURED_COUNT")), pinned)
    lead = featured[0] if featured else None
    shown = {id(article) for article in featured}
    latest_count = int(setting(settings, "HOME_LATEST_COUNT"))
    latest = [article for article in newest_first if id(article) not in shown][:latest_count]
    per_category = latest_by_group(
        (article for article in newest_first if id(article) not in shown),
        category_of,
        int(setting(settings, "HOME_CATEGORY_ARTICLES")),
        groups=categories,
    )
    return {
        "lead": lead,
        "featured": featured[1:],
        "latest": latest,
        "sections": [(category, items) for category, items in per_category.items() if items],
    }


def archive_index(period_archives) -> list[dict]:
    """Years, newest first, each with its months newest first: what `luu-tru/` shows."""
    years = {}
    for archive in period_archives.get("year", ()):
        (year,) = archive["period_num"]
        years[year] = {"year": year, "url": archive["url"],
                       "count": len(archive["articles"]), "months": []}
    for archive in period_archives.get("month", ()):
        year, month = archive["period_num"]
        if year in years:
            years[year]["months"].append({"year": year, "month": month, "url": archive["url"],
                                          "count": len(archive["articles"])})
    for entry in years.values():
        entry["months"].sort(key=lambda item: item["month"], reverse=True)
    return [years[year] for year in sorted(years, reverse=True)]


def recent_since(settings) -> datetime | None:
    days = setting(settings, "NEWS_NEW_DAYS")
    if not days:
        return None
    return build_clock(settings.get("NEWS_BUILD_TIME")) - timedelta(days=float(days))


def complete_feed_items(context, feed) -> None:
    """Feed items as the article page shows them.

    Pelican builds each item from `article.title` (typogrified HTML: curly quotes, no-break
    spaces) and `article.content`, from which the reader took the lead out. At
    `feed_generated` the items are still open: each gets its article's title as typed, its
    full text with the lead first, and the organisation as author when it has none (an Atom
    entry needs one; the site sets no AUTHOR, which would credit every story to it).
    """
    articles = context.get(shared.NEWS_FEED_ARTICLES) or {}
    organisation = context.get("ORGANIZATION") or {}
    fallback_author = (context.get("AUTHOR") or organisation.get("short_name")
                       or context.get("SITENAME"))
    base = (context.get("SITEURL") or "").rstrip("/")
    for item in feed.items:
        link = item.get("link") or ""
        path = link[len(base):] if base and link.startswith(base) else link
        article = articles.get(path.split("?", 1)[0].lstrip("/"))
        if article is not None:
            item["title"] = getattr(article, shared.TITLE_TEXT, None) or item["title"]
            summary = getattr(article, "summary", "")
            if item.get("content") is not None and summary:
                item["content"] = f"<p><strong>{summary}</strong></p>" + item["content"]
        if not str(item.get("author_name") or "") and fallback_author:
            item["author_name"] = fallback_author
