"""The counter's figures and the most-read articles, put into the context every page shares."""

import logging

from markupsafe import Markup
from pelican.generators import ArticlesGenerator

from tintuc.counter_report import CounterSettings, Snapshot, format_number, refresh, views_html
from tintuc_plugins import shared

logger = logging.getLogger(__name__)


def update_counter(generators) -> None:
    """Bring the counter up to date and publish `visitor_counter` and `most_read`.

    A damaged state file or a wrong setting raises: the build must stop rather than show
    figures counted again from zero. "Now" is the build's clock: `NEWS_BUILD_TIME` when the
    settings pin it (`tintuc.dates.build_clock`, read with the other settings).
    """
    # All generators hold the same context dictionary, so one assignment reaches every page.
    context = generators[0].context
    context[shared.VISITOR_COUNTER] = None
    context[shared.MOST_READ] = None
    context[shared.ARTICLE_VIEWS] = {}
    config = CounterSettings.from_mapping(generators[0].settings)
    if config.enabled:
        snapshot = refresh(config)
        for message in snapshot.warnings():
            logger.warning("%s", message)
        context[shared.VISITOR_COUNTER] = snapshot.block()
        articles = next((g.articles for g in generators if isinstance(g, ArticlesGenerator)),
                        [])
        context[shared.MOST_READ] = most_read(snapshot, articles)
        context[shared.ARTICLE_VIEWS] = article_views(snapshot, generators)
    views = ViewCount(context[shared.ARTICLE_VIEWS])
    for generator in generators:
        environment = getattr(generator, "env", None)
        if environment is not None:
            environment.globals[shared.VIEWS_OF] = views


def article_views(snapshot: Snapshot, generators) -> dict[str, str]:
    """Each article's "Lượt xem" (its URL → the figure, as printed) since counting began."""
    totals = snapshot.tally.view_totals
    site_path = snapshot.settings.site_path
    separator = snapshot.settings.thousands_sep
    found = {}
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            for article in generator.articles + generator.hidden_articles:
                count = totals.get(site_path(article.url))
                if count:
                    found[article.url] = format_number(count, separator)
    return found


class ViewCount:
    """`views_of(article)` in templates: "Lượt xem: 1,234", or nothing when nobody has read
    it yet (or the site counts no views). The page writer draws it after rendering instead,
    so a page is not rendered again for a new figure (plugins/page_writer)."""

    def __init__(self, figures: dict[str, str]):
        self.figures = figures

    def __call__(self, document) -> Markup:
        return views_html(self.figures.get(getattr(document, "url", None) or ""))


def most_read(snapshot: Snapshot, articles) -> list | None:
    """(article, views) for the most viewed published articles of the last days, or None."""
    views = snapshot.most_read()
    if not views:
        return None
    site_path = snapshot.settings.site_path
    ranked = []
    for article in articles:
        count = views.get(site_path(article.url))
        if count:
            ranked.append((article, count))
    # Ties go to the newer article, then to the URL, so the block is the same on every build.
    ranked.sort(key=lambda pair: pair[0].url)
    ranked.sort(key=lambda pair: (pair[1], pair[0].date), reverse=True)
    return ranked[: snapshot.settings.most_read_count] or None
