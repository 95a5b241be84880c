"""Pages rendered once: only when what they show has changed, and on every core.

`PageWriter` replaces Pelican's writer (`get_writer`): every page is keyed by what it is drawn
from and taken from CACHE_PATH when the key is known (render_cache.py, stored in a few pack
files: page_store.py); the article generator's pages are rendered in forked processes at
`article_writer_finalized`; the cache drops pages no longer used at `finalized`. With
NEWS_FRESH_OUTPUT the previous build's output is set aside when the build starts
(`get_generators`, sent by `Pelican.run()` only: creating Pelican to serve a folder must never
touch it) and unchanged files are moved back instead of written (tintuc/fresh_output.py).
The cycle collector runs less often while building, and a one-shot build leaves its objects
to the exit (collector.py). Output is byte-for-byte the same as a sequential build without a cache
(tests/test_page_writer.py).
"""

from pelican import signals

from .collector import collect_as_before, collect_less, leave_to_exit
from .writer import finish_build, flush_pages, page_writer, set_output_aside


def register():
    signals.initialized.connect(collect_less)
    signals.get_generators.connect(set_output_aside)
    signals.get_writer.connect(page_writer)
    signals.article_writer_finalized.connect(flush_pages)
    signals.finalized.connect(finish_build)
    signals.finalized.connect(collect_as_before)
    signals.finalized.connect(leave_to_exit)
