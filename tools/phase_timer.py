"""A Pelican plugin for `invoke bench --phases`: when each of Pelican's signals was sent.

Listed first in PLUGINS, its receivers run before the others', so the time between two
signals is what the receivers of the first (and Pelican's own work after it) took. Signals
sent once per document keep their first and last time and a count. The plugins' own INFO
summaries (photos, pages, search index, reading) are kept with their times, and not printed.
At exit, everything goes as JSON to the file named by `TINTUC_PHASES` (nothing without it),
times in seconds of the wall clock (`time.time()`), with this process's start time.
"""

import atexit
import json
import logging
import os
import time

from pelican.plugins import signals

OUTPUT = os.environ.get("TINTUC_PHASES", "")
_events: dict[str, dict] = {}
_messages: list[tuple[float, str, str]] = []
_loaded = time.time()
_PID = os.getpid()


def _process_start() -> float:
    with open("/proc/self/stat") as stat:
        ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as uptime:
        boot = time.time() - float(uptime.read().split()[0])
    return boot + ticks / os.sysconf("SC_CLK_TCK")


def _receiver(name: str):
    def receive(*_args, **_kwargs):
        now = time.time()
        event = _events.setdefault(name, {"first": now, "count": 0})
        event["last"] = now
        event["count"] += 1
    receive.__name__ = f"time_{name}"
    return receive


class _Keep(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno == logging.INFO:
            _messages.append((record.created, record.name, record.getMessage()))


def _quiet_info(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING or not record.name.startswith("tintuc_plugins")


_receivers = []  # blinker keeps weak references
_SUMMARIES = ("vn_reader.reader", "photos.photos", "legacy_redirects.redirects",
              "search_index.indexer", "page_writer.writer", "visitor_counter.counter")


def _not_a_page(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith("Writing")


def register():
    if not OUTPUT:
        return
    for name, signal in vars(signals).items():
        if hasattr(signal, "receivers") and hasattr(signal, "connect"):
            receiver = _receiver(name)
            _receivers.append(receiver)
            signal.connect(receiver)
    # Only the loggers that tell a summary, and never the page writer's line per page (its
    # forked writers print with handlers of their own).
    for name in _SUMMARIES:
        logging.getLogger(f"tintuc_plugins.{name}").setLevel(logging.INFO)
    logging.getLogger("tintuc_plugins.page_writer.writer").addFilter(_not_a_page)
    logging.getLogger("tintuc_plugins").addHandler(_Keep())
    for handler in logging.getLogger().handlers:
        handler.addFilter(_quiet_info)
    atexit.register(_dump)


def _dump() -> None:
    if os.getpid() != _PID:
        return
    data = {"process_start": _process_start(), "plugin_loaded": _loaded, "exit": time.time(),
            "events": dict(sorted(_events.items(), key=lambda item: item[1]["first"])),
            "messages": _messages}
    with open(OUTPUT, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=1)
