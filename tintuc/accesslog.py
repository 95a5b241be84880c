"""Web-server access logs in the nginx/Apache "combined" format, read as bytes.

A log is data from strangers: paths and User-Agents may hold any byte, a crash may cut a line
short, and logrotate gzips old files. Nothing here decodes more than it must, and nothing here
decides what a line means for the counter (that is `tintuc.visits`).
"""

import calendar
import glob
import gzip
import io
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, NamedTuple

# `%h %l %u [%t] "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`. The address is kept to the
# characters of IPv4, IPv6 (with a zone) and host names, so the NUL run that a crash leaves
# in front of a line makes it unreadable instead of inventing a client. Quoted fields allow
# Apache's backslash escapes (nginx writes `\x22`, which needs nothing special). Fields that
# some configurations append after the User-Agent are ignored. The quantifiers are possessive:
# nothing inside a quoted field is ever given back, so a long field costs one pass and no
# backtracking memory, however many escapes it holds.
_QUOTED = rb'"([^"\\]*+(?:\\.[^"\\]*+)*+)"'
# Groups, in order: address, time, request, status, User-Agent (read with `.groups()`, the
# cheapest way to get them all).
LINE = re.compile(
    rb"([0-9A-Za-z.:%_-]+) \S+ \S+ "
    rb"\[(\d\d/[A-Za-z]{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\] "
    + _QUOTED + rb" (\d{3}) (?:\d+|-) "
    + rb'"[^"\\]*+(?:\\.[^"\\]*+)*+" '
    + _QUOTED + rb"(?=\s|$)"
)

# Log timestamps are always English, whatever the locale of the machine reading them.
_MONTHS = {
    name: number
    for number, name in enumerate(
        (b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun",
         b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec"),
        start=1,
    )
}
# Times are packed into 32 bits downstream; outside this range a stamp can only be garbage.
_LATEST = 1 << 32

GZIP_MAGIC = b"\x1f\x8b"


class Request(NamedTuple):
    """One readable line. Bytes stay bytes: they are compared and hashed, never shown."""

    ip: bytes
    time: int  # seconds since the epoch
    method: bytes
    target: bytes  # as requested: path and query string, or an absolute URL
    status: int
    user_agent: bytes


class Timestamps:
    """`10/Oct/2023:13:55:36 +0700` → epoch seconds, with no datetime object per line.

    `seconds` maps each stamp already seen to its time, so a line costs one dictionary lookup;
    a miss does the calendar arithmetic once per distinct minute. The map is emptied when it
    grows large, so a log spanning months never holds a month of seconds.
    """

    LIMIT = 200_000

    def __init__(self) -> None:
        self.seconds: dict[bytes, int] = {}
        self._minutes: dict[bytes, int | None] = {}

    def epoch(self, stamp: bytes) -> int | None:
        known = self.seconds.get(stamp)
        if known is not None:
            return known
        minute = stamp[:17] + stamp[20:]
        try:
            base = self._minutes[minute]
        except KeyError:
            base = self._minutes[minute] = _minute_epoch(stamp)
        seconds = int(stamp[18:20])
        if base is None or seconds >= 60:
            return None
        if len(self.seconds) >= self.LIMIT:
            self.seconds.clear()
        known = self.seconds[stamp] = base + seconds
        return known


def _minute_epoch(stamp: bytes) -> int | None:
    month = _MONTHS.get(stamp[3:6])
    if month is None:
        return None
    try:
        moment = datetime(int(stamp[7:11]), month, int(stamp[:2]),
                          int(stamp[12:14]), int(stamp[15:17]))
    except ValueError:  # 31/Feb, hour 25: a damaged line
        return None
    sign = 1 if stamp[21:22] == b"+" else -1
    offset = sign * (int(stamp[22:24]) * 3600 + int(stamp[24:26]) * 60)
    epoch = calendar.timegm(moment.timetuple()) - offset
    return epoch if 0 <= epoch < _LATEST - 60 else None


def split_request(request: bytes) -> tuple[bytes, bytes]:
    """`GET /a?b HTTP/1.1` → (b"GET", b"/a?b"); garbage gives whatever parts it has."""
    method, _, rest = request.partition(b" ")
    return method, rest.split(b" ", 1)[0]


def parse_line(line: bytes, timestamps: Timestamps | None = None) -> Request | None:
    """One log line (with or without its newline) → `Request`, or None when unreadable."""
    found = LINE.match(line)
    if found is None:
        return None
    ip, stamp, request, status, agent = found.groups()
    time = (timestamps or Timestamps()).epoch(stamp)
    if time is None:
        return None
    method, target = split_request(request)
    return Request(ip, time, method, target, int(status), agent)


# --- Files -----------------------------------------------------------------------------------

def expand(patterns: Iterable[str]) -> list[Path]:
    """The files that the glob patterns match, each once (by real path), in name order.

    The order only makes messages stable: counting never depends on it.
    """
    seen: dict[str, Path] = {}
    for pattern in patterns:
        for name in glob.glob(os.path.expanduser(pattern), recursive=True):
            path = Path(name)
            if path.is_file():
                seen.setdefault(os.path.realpath(path), path)
    return sorted(seen.values())


def is_gzip(path: Path) -> bool:
    # By content, not by name: logrotate's `compressext` and hand-made copies vary.
    with open(path, "rb") as raw:
        return raw.read(2) == GZIP_MAGIC


def open_log(path: Path, gz: bool) -> BinaryIO:
    if gz:
        # GzipFile's own readline is slow; a buffer in front of it iterates lines as fast as
        # a plain file does. The buffer stays small because a gzip cut short loses the block
        # being filled when the damage is reached.
        return io.BufferedReader(gzip.GzipFile(path, "rb"), buffer_size=1 << 16)
    return open(path, "rb", buffering=1 << 20)


def read_head(path: Path, gz: bool, size: int) -> bytes:
    """The first `size` bytes of the (decompressed) content, fewer if there are fewer."""
    with open_log(path, gz) as stream:
        try:
            return stream.read(size)
        except (OSError, EOFError, zlib.error):  # a gzip damaged in its first block
            return b""


def gzip_recorded_size(path: Path) -> int:
    """The uncompressed size modulo 2**32, which gzip writes in its last four bytes."""
    with open(path, "rb") as raw:
        raw.seek(-4, os.SEEK_END)
        return int.from_bytes(raw.read(4), "little")


class Lines:
    """The lines of an open log from a byte offset of its (decompressed) content.

    The last line has no newline when the file ends in the middle of one. A gzip file cut
    short or corrupted ends the iteration early and sets `damaged`, so what was read before
    the damage can still be counted and recorded.
    """

    def __init__(self, stream: BinaryIO, offset: int, gz: bool) -> None:
        self._stream = stream
        self._offset = offset
        self._gz = gz
        self.damaged = False

    def __iter__(self) -> Iterator[bytes]:
        if not self._gz:
            if self._offset:
                self._stream.seek(self._offset)
            return iter(self._stream)
        return self._guarded()

    def _guarded(self) -> Iterator[bytes]:
        try:
            remaining = self._offset
            while remaining > 0:  # forward seeks decompress anyway; large reads, flat memory
                block = self._stream.read(min(remaining, 1 << 22))
                if not block:
                    return
                remaining -= len(block)
            yield from self._stream
        except (OSError, EOFError, zlib.error):
            self.damaged = True


def line_number(path: Path, gz: bool, offset: int) -> int | None:
    """The number (from 1) of the line that starts at byte `offset` of the content.

    Read again only to name a line in a warning; None when the file cannot be read so far.
    """
    newlines = 0
    try:
        with open_log(path, gz) as stream:
            remaining = offset
            while remaining > 0:
                block = stream.read(min(remaining, 1 << 20))
                if not block:
                    return None
                newlines += block.count(b"\n")
                remaining -= len(block)
    except (OSError, EOFError, zlib.error):
        return None
    return newlines + 1
