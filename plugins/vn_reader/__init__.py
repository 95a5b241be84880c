"""The Vietnamese front-matter reader and stable, unique URLs (CONTRACT §1–§2)."""

from pelican import signals

from .reader import (
    add_reader,
    finish_session,
    prepare_articles,
    prepare_pages,
    publish_lead_links,
    start_session,
)
from .urls import settle_articles, settle_pages


def register():
    signals.initialized.connect(start_session)
    signals.readers_init.connect(add_reader)
    signals.article_generator_init.connect(prepare_articles)
    signals.page_generator_init.connect(prepare_pages)
    signals.article_generator_pretaxonomy.connect(settle_articles)
    signals.page_generator_finalized.connect(settle_pages)
    signals.article_generator_finalized.connect(publish_lead_links)
    signals.page_generator_finalized.connect(publish_lead_links)
    signals.all_generators_finalized.connect(finish_session)
