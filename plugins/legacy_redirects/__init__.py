"""Old NukeViet URLs keep working: static redirect pages and an nginx map (issue 10)."""

from pelican import signals

from .redirects import collect_articles, validate_settings, write_redirects


def register():
    signals.initialized.connect(validate_settings)
    signals.article_generator_finalized.connect(collect_articles)
    signals.finalized.connect(write_redirects)
