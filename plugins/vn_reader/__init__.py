"""The Vietnamese front-matter reader and stable, unique URLs (CONTRACT §1–§2)."""

from pelican import signals

from .reader import add_reader
from .urls import settle_articles, settle_pages


def register():
    signals.readers_init.connect(add_reader)
    signals.article_generator_pretaxonomy.connect(settle_articles)
    signals.page_generator_finalized.connect(settle_pages)
