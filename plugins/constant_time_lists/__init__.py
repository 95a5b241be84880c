"""Pelican's tag, category and author pages without its O(N²) membership tests.

For every tag (and category, author) Pelican runs
`[article for article in self.dates if article in articles]`, a list scan inside a list scan.
Giving those lists a set-backed `in` makes the whole pass O(N · taxonomies) instead of O(N²):
at 10,000 articles it was 8 s of a build. The period archives (year, month, day) had the same
scan, `[a for a in articles if a in dates]` per period; they are grouped in one pass instead.
Pelican slugifies a tag's name on every hash of the tag: the answers are remembered.
"""

from pelican import signals

from .lists import index_taxonomy_lists, remember_slugs, use_linear_period_archives


def register():
    signals.initialized.connect(remember_slugs)
    signals.article_generator_init.connect(use_linear_period_archives)
    signals.article_generator_finalized.connect(index_taxonomy_lists)
