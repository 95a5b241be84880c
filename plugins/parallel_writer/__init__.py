"""Render the article generator's pages on every core (Pelican renders one page at a time).

The writer collects the article generator's page writes, then forks one process per core
at `article_writer_finalized`; each renders its share and the parent waits for all. Output is
byte-for-byte the same as a sequential build (tests/test_parallel_writer.py).
"""

from pelican import signals

from .writer import flush_pages, forking_writer


def register():
    signals.get_writer.connect(forking_writer)
    signals.article_writer_finalized.connect(flush_pages)
