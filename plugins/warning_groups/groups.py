"""Holding back and grouping the console's warnings (see __init__)."""

import atexit
import logging
import os

from tintuc.problems import Problem
from tintuc.warning_groups import NAMED, group, message_kind, problem_kind
from tintuc_plugins.pelican_compat import console_handlers

SETTING = "NEWS_WARNING_GROUPS"
VERBOSE_HINT = "invoke build --verbose"


class HeldWarnings(logging.Filter):
    """On a console handler: warnings with a place are kept, to be told at the end."""

    def __init__(self, handler: logging.Handler, named: int):
        super().__init__()
        self.handler, self.named = handler, named
        self.held: list[tuple[logging.LogRecord, tuple, str]] = []
        self.pid = os.getpid()  # a forked worker that inherited this tells nothing

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.CRITICAL:
            self.flush()  # the build is ending (Pelican's last word): the warnings go first
        if record.levelno != logging.WARNING or getattr(record, "tintuc_told", False):
            return True
        found = _kind_and_place(record)
        if found is None:
            return True
        self.held.append((record, *found))
        return False

    def flush(self) -> None:
        held, self.held = self.held, []
        if not held or os.getpid() != self.pid:
            return
        # In the order of the files, as `invoke check` tells them, not in the order the
        # reading processes happened to finish.
        held.sort(key=lambda found: _place_order(found[2]))
        by_record = {id(record): (kind, place) for record, kind, place in held}
        for item in group([record for record, _, _ in held], lambda r: by_record[id(r)],
                          self.named, text=lambda r: r.getMessage()):
            record = item if isinstance(item, logging.LogRecord) else _grouped(item)
            record.tintuc_told = True
            self.handler.handle(record)


def _kind_and_place(record: logging.LogRecord) -> tuple[tuple, str] | None:
    args = record.args
    if isinstance(args, tuple) and len(args) == 1 and isinstance(args[0], Problem):
        problem = args[0]
        return problem_kind(problem), f"{problem.path}:{problem.line}"
    try:
        return message_kind(record.getMessage())
    except (TypeError, ValueError):
        return None  # a malformed message: let the handler say so, as before


def _place_order(place: str) -> tuple[str, int]:
    path, _, line = place.rpartition(":")
    return path, int(line)


def _grouped(found) -> logging.LogRecord:
    first = found.items[0]
    record = logging.makeLogRecord(dict(first.__dict__))
    record.msg, record.args = found.line(verbose_hint=VERBOSE_HINT), ()
    return record


_filters: list[HeldWarnings] = []


def start(pelican) -> None:
    flush()
    for held in _filters:
        held.handler.removeFilter(held)
    _filters.clear()
    named = pelican.settings.get(SETTING, NAMED)
    # Pelican's --verbose and --debug ask for everything.
    if not named or logging.getLogger().getEffectiveLevel() <= logging.INFO:
        return
    for handler in console_handlers():
        held = HeldWarnings(handler, int(named))
        handler.addFilter(held)
        _filters.append(held)


def flush(*_args) -> None:
    for held in _filters:
        held.flush()


# A build that stops (an error, --fatal) never reaches `finalized`: what was held is told
# on the way out, before logging shuts down.
atexit.register(flush)
