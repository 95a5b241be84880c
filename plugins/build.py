"""One build's state: created at `initialized`, dropped at `finalized`.

Pelican loads the plugins once per process and may run several builds in it (the tests do,
`invoke livereload` did); a module-level singleton per plugin kept each build's leftovers for
the next. Instead each plugin keeps what one build needs in its field of the `Build` below,
made when Pelican starts a build (build_guard's first `initialized` receiver) and dropped after
the last `finalized` receiver; `last()` keeps the finished one for tests and measurements.

A build that never reached `finalized` (it raised) is handed to the next one as `unfinished`,
so that its background processes are waited for or stopped, never left behind.
"""

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Build:
    settings: dict
    unfinished: "Build | None" = None  # the build before, if it never finished
    errors: int = 0  # build_guard: errors logged so far
    reading: Any = None  # vn_reader: the ReadingSession
    writer: Any = None  # page_writer: the PageWriter
    previous_output: str | None = None  # page_writer: the last build's output, set aside
    ledger: dict = field(default_factory=dict)  # page_writer: what those pages were made of
    trash: int | None = None  # page_writer: the process deleting older outputs
    page_stats: dict = field(default_factory=dict)  # page_writer: pages rendered and reused
    photos: Any = None  # photos: the PhotoState
    search: Any = None  # search_index: its articles, job and outcome
    redirects: Any = None  # legacy_redirects: its settings and the articles it redirects


_current: Build | None = None
_last: Build | None = None


def begin(pelican) -> None:
    """A new build starts (the first `initialized` receiver)."""
    global _current
    _current = Build(pelican.settings, unfinished=_current)


def current() -> Build:
    """The build in progress (one is made if a plugin runs outside Pelican's own signals)."""
    global _current
    if _current is None:
        _current = Build({})
    return _current


def end(pelican=None) -> None:
    """The build is over (the last `finalized` receiver): what it kept goes with it."""
    global _current, _last
    if _current is not None:
        _current.unfinished = None
        _last, _current = _current, None


def last() -> Build | None:
    """The build that finished last in this process, or the one running."""
    return _current or _last
