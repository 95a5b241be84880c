"""Search (CONTRACT §6, issue 7): a Pagefind index of the published articles, at every build,
one bundle per shard of years (the newest alone, older ones grouped), made beside the
rendering (docs/search.md)."""

from pelican import signals

from .indexer import collect_articles, start, write_index


def register():
    signals.initialized.connect(start)
    signals.article_generator_finalized.connect(collect_articles)
    signals.finalized.connect(write_index)
