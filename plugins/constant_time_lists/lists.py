"""Swap the article lists of tags, categories and authors for set-backed ones, in place;
group the period archives in one pass; slugify each name once."""

import calendar
import functools
from collections import defaultdict
from itertools import groupby

from pelican.utils import slugify as _pelican_slugify

from tintuc_plugins import pelican_compat


class MemberList(list):
    """A list whose `in` is a set lookup by identity (Content objects compare by identity)."""

    def __init__(self, items):
        super().__init__(items)
        self._members = {id(item) for item in self}

    def __contains__(self, item) -> bool:
        return id(item) in self._members


def index_taxonomy_lists(generator) -> None:
    # In place: the generator's context holds these very containers.
    for tag, articles in list(generator.tags.items()):
        generator.tags[tag] = MemberList(articles)
    for pairs in (generator.categories, generator.authors):
        for index, (name, articles) in enumerate(pairs):
            pairs[index] = (name, MemberList(articles))


# Pelican's `_build_period_archives` picks each period's articles with
# `[a for a in articles if a in dates]`, a list scan per article per period: O(N²) for each of
# year, month and day. This makes the same archives with one pass per granularity.
_PERIOD_KEYS = {
    "year": lambda article: article.date.year,
    "month": lambda article: (article.date.year, article.date.month),
    "day": lambda article: (article.date.year, article.date.month, article.date.day),
}


def period_archives(sorted_articles, articles, settings) -> dict[str, list[dict]]:
    found = defaultdict(list)
    for granularity, key in _PERIOD_KEYS.items():
        save_as = settings[f"{granularity.upper()}_ARCHIVE_SAVE_AS"]
        if not save_as:
            continue
        url = settings[f"{granularity.upper()}_ARCHIVE_URL"]
        by_period = defaultdict(list)
        for article in articles:
            by_period[key(article)].append(article)
        for period, group in groupby(sorted_articles, key=key):
            dates = list(group)
            members = {id(article) for article in dates}
            moment = dates[0].date
            archive = {
                "dates": dates,
                "articles": [article for article in by_period[period]
                             if id(article) in members],
                "save_as": save_as.format(date=moment),
                "url": url.format(date=moment),
            }
            if granularity == "year":
                archive["period"] = archive["period_num"] = (period,)
            else:
                archive["period"] = (period[0], calendar.month_name[period[1]], *period[2:])
                archive["period_num"] = tuple(period)
            found[granularity].append(archive)
    return found


def use_linear_period_archives(generator) -> None:
    pelican_compat.replace_period_archives(generator, period_archives)


# Pelican makes new Tag, Category and Author objects for every article, and a URLWrapper
# slugifies its name for its slug and again for every hash and comparison (as a dict key, in
# a set): 35,000 slugify calls (unidecode and half a dozen regexes each) for 10,000 articles,
# about half a second of every build. slugify is a pure function of its arguments, so the
# answer is remembered.
@functools.lru_cache(maxsize=1 << 16)
def _slugify_once(value: str, regex_subs: tuple, preserve_case: bool, use_unicode: bool) -> str:
    return _pelican_slugify(value, regex_subs=regex_subs, preserve_case=preserve_case,
                            use_unicode=use_unicode)


def remembered_slugify(value, regex_subs=(), preserve_case=False, use_unicode=False):
    try:
        key = tuple(tuple(pair) for pair in regex_subs)
        return _slugify_once(value, key, preserve_case, use_unicode)
    except TypeError:  # something unhashable: as Pelican would
        return _pelican_slugify(value, regex_subs=regex_subs, preserve_case=preserve_case,
                                use_unicode=use_unicode)


def remember_slugs(pelican=None) -> None:
    pelican_compat.use_slugify(remembered_slugify)
