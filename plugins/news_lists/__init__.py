"""Newer/older lists on every article, and what the theme's listings need, computed once."""

from pelican import signals

from .lists import attach_lists, complete_feed_items


def register():
    signals.article_generator_finalized.connect(attach_lists)
    signals.feed_generated.connect(complete_feed_items)
