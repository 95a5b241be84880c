"""Python's cycle collector, run less often during a build.

A build makes millions of objects that live until it ends (articles, their HTML, the context
of every page). With the default threshold (a collection every 700 new objects, a full one
every 100 of those) the collector walks that growing heap again and again: at 10,000 articles
it was about 3 s of the reading and 2 s of the writing. Collecting every 50,000 objects keeps
the cycles that do occur (a few per page) from piling up while costing almost nothing.
The old thresholds are put back at `finalized`, so a process that runs several builds (the
tests do) is left as it was.
"""

import gc

BUILD_THRESHOLD = (50_000, 20, 100)
_saved: list[tuple[int, int, int]] = []


def collect_less(pelican=None) -> None:
    if not _saved:
        _saved.append(gc.get_threshold())
    gc.set_threshold(*BUILD_THRESHOLD)


def collect_as_before(pelican=None) -> None:
    if _saved:
        gc.set_threshold(*_saved.pop())
