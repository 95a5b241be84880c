"""The visitor counter's state file, and reading each log line exactly once across builds.

Which lines are new is decided per file, by content, never by name or time:
- a file is recognised by a digest of its first bytes (up to 4 KiB, the length fixed when it
  is first seen), since rotation renames it (`access.log` → `access.log.1`) and compresses
  it (`access.log.2.gz`) but never changes what it starts with;
- for each file the state keeps how many bytes of its (decompressed) content were read, so a
  renamed or compressed file is continued where it was left and a finished one is skipped;
- a gzip file whose recorded uncompressed size (its last four bytes) equals what was read is
  skipped without decompressing, and then by its compressed size: each build reads only the
  heads of old files plus the new lines.
Records of files whose newest line is more than `FILE_MEMORY_DAYS` old are forgotten; lines
at or before the newest forgotten line are then ignored in files the state does not know, so a
very old log put back is never counted twice.

The file is JSON with a format name and a version, written to a temporary file in the same
folder, flushed to disk, then renamed over the old one; the previous version is kept beside it
as `<name>.bak`. A damaged or foreign file stops everything with a message that says what to
do: the counts are never silently started again from zero.
"""

import hashlib
import json
import os
import re
import secrets
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tintuc.accesslog import (
    Lines,
    expand,
    gzip_recorded_size,
    is_gzip,
    line_number,
    open_log,
    read_head,
)
from tintuc.files import write_atomically
from tintuc.problems import Explained
from tintuc.visits import CLOCK_SKEW, EXCLUDED_PREFIXES, BaselineMoved, Batch, Tally, vietnam_time

FORMAT = "tintuc-visitor-counter"
VERSION = 1
HEAD_SIZE = 4096
FILE_MEMORY_DAYS = 400


class CounterStateError(Explained):
    """The state file cannot be used; the message (Vietnamese) tells the operator what to do."""


@dataclass
class FileRecord:
    head: str  # sha256 of the first `head_len` bytes
    head_len: int
    offset: int  # bytes of (decompressed) content read
    gz_size: int | None = None  # compressed size once a gzip file is known to be read whole
    newest: int | None = None  # newest time of a readable line in the file


@dataclass
class IngestReport:
    files: list[Path] = field(default_factory=list)
    unreadable: dict[Path, int] = field(default_factory=dict)
    damaged: list[Path] = field(default_factory=list)  # gzip files cut short
    bytes_read: int = 0
    page_requests: int = 0
    future: int = 0  # lines later than the build's clock allows, ignored
    # (file, line number or None, time) of the first of them
    first_future: tuple[Path, int | None, int] | None = None

    @property
    def unreadable_total(self) -> int:
        return sum(self.unreadable.values())


@dataclass
class CounterState:
    tally: Tally = field(default_factory=Tally)
    files: list[FileRecord] = field(default_factory=list)
    forgotten_until: int | None = None
    salt: str = field(default_factory=lambda: secrets.token_hex(16))

    # -- reading logs --

    def ingest(self, patterns: Iterable[str], *,
               article_paths: re.Pattern[bytes] | None = None,
               excluded: tuple[bytes, ...] = EXCLUDED_PREFIXES,
               latest: int | None = None) -> IngestReport:
        """Read the new lines of every log the patterns match, and count them.

        Lines later than `latest` (the build's clock and `CLOCK_SKEW`) are read but never
        counted; the report says how many and where the first one is.
        """
        batch = Batch(bytes.fromhex(self.salt), article_paths=article_paths, excluded=excluded)
        report = IngestReport(files=expand(patterns))
        for path in report.files:
            self._read_file(path, batch, report, latest)
        report.page_requests = len(batch)
        self.tally.absorb(batch)
        self._forget_old_files()
        return report

    def _match(self, head: bytes) -> FileRecord | None:
        best = None
        digests: dict[int, str] = {}
        for record in self.files:
            if record.head_len > len(head):
                continue
            if record.head_len not in digests:
                digests[record.head_len] = hashlib.sha256(head[:record.head_len]).hexdigest()
            if digests[record.head_len] == record.head and (
                best is None or (record.head_len, record.offset) > (best.head_len, best.offset)
            ):
                best = record
        return best

    def _read_file(self, path: Path, batch: Batch, report: IngestReport,
                   latest: int | None = None) -> None:
        size = path.stat().st_size
        if size == 0:
            return
        gz = is_gzip(path)
        head = read_head(path, gz, HEAD_SIZE)
        if not head:
            report.damaged.append(path)
            return
        record = self._match(head)
        if record is not None:
            if gz and record.gz_size == size:
                return
            if gz and gzip_recorded_size(path) == record.offset % (1 << 32):
                # Compressed after we had read it all (logrotate's `delaycompress`).
                record.gz_size = size
                return
            if not gz and size <= record.offset:
                return
        ignore_until = None if record is not None else self.forgotten_until
        start = record.offset if record is not None else 0

        with open_log(path, gz) as stream:
            lines = Lines(stream, start, gz)
            scan = batch.feed(lines, complete=gz, ignore_until=ignore_until, latest=latest)
        if lines.damaged:
            # What came before the damage is counted and recorded like any line; the file
            # is then left alone (it cannot change), so the warning is given once.
            report.damaged.append(path)
        report.bytes_read += scan.consumed
        if scan.future:
            report.future += scan.future
            if report.first_future is None:
                offset, time = scan.first_future
                report.first_future = (path, line_number(path, gz, start + offset), time)
        if scan.unreadable:
            report.unreadable[path] = scan.unreadable
        if record is None:
            if scan.consumed == 0 and not gz:
                return  # nothing read: judge it again, with a longer head, next time
            record = FileRecord(hashlib.sha256(head).hexdigest(), len(head), 0)
            self.files.append(record)
        record.offset = start + scan.consumed
        if gz:
            record.gz_size = size
        if scan.newest is not None and (record.newest is None or scan.newest > record.newest):
            record.newest = scan.newest

    def _forget_old_files(self) -> None:
        as_of = self.tally.as_of
        if as_of is None:
            return
        horizon = as_of - FILE_MEMORY_DAYS * 86400
        kept = []
        for record in self.files:
            if record.newest is not None and record.newest < horizon:
                if self.forgotten_until is None or record.newest > self.forgotten_until:
                    self.forgotten_until = record.newest
            else:
                kept.append(record)
        self.files = kept

    # -- the file --

    def to_json(self) -> dict:
        tally = self.tally
        return {
            "format": FORMAT,
            "version": VERSION,
            "salt": self.salt,
            "as_of": tally.as_of,
            "settled_until": tally.settled_until,
            "baseline_at": tally.baseline_at,
            "after_baseline": tally.after_baseline,
            "daily": dict(sorted(tally.daily.items())),
            "last_visits": tally.last_visits,
            "pending": [[time, digest, int(bot)] for time, digest, bot in tally.pending],
            "views": {day: tally.views[day] for day in sorted(tally.views)},
            "view_totals": dict(sorted(tally.view_totals.items())),
            "files": [vars(record) for record in self.files],
            "forgotten_until": self.forgotten_until,
        }

    @classmethod
    def from_json(cls, data: object) -> "CounterState":
        """Check every field; any surprise is a `ValueError` naming the field.

        Counts are never negative and times are moments a log can hold; times the counting
        derives from *as of* are not later than it.
        """
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise _Foreign()
        version = data.get("version")
        if version != VERSION:
            raise _NewerVersion(version)
        tally = Tally(
            settled_until=_optional_moment(data, "settled_until"),
            as_of=_optional_moment(data, "as_of"),
            # A copy of the setting, which may name any moment: only its type is checked.
            baseline_at=_optional_int(data, "baseline_at"),
            after_baseline=_pair(data.get("after_baseline"), "after_baseline"),
            daily={_day(day, "daily"): _pair(counts, f"daily[{day}]")
                   for day, counts in _mapping(data, "daily").items()},
            last_visits={_text(digest, "last_visits"): _moment(time, "last_visits")
                         for digest, time in _mapping(data, "last_visits").items()},
            pending=[_pending(item) for item in _list(data, "pending")],
            views={_day(day, "views"): {_text(path, "views"): _count(number, f"views[{day}]")
                                         for path, number in _dict(paths, "views").items()}
                   for day, paths in _mapping(data, "views").items()},
        )
        if "view_totals" in data:
            tally.view_totals = {_text(path, "view_totals"): _count(number, "view_totals")
                                 for path, number in _mapping(data, "view_totals").items()}
        else:
            # A state from before the totals were kept: they start from the days it still
            # holds, as close as it can tell (docs/publishing.md).
            for counts in tally.views.values():
                for path, number in counts.items():
                    tally.view_totals[path] = tally.view_totals.get(path, 0) + number
        _check_times(tally)
        files = [_record(item) for item in _list(data, "files")]
        salt = _text(data.get("salt"), "salt")
        try:
            bytes.fromhex(salt)
        except ValueError:
            raise ValueError("salt") from None
        return cls(tally, files, _optional_moment(data, "forgotten_until"), salt)


# --- Loading and saving --------------------------------------------------------------------------

def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def load_state(path: Path, latest: int | None = None) -> tuple[CounterState, bool]:
    """The state kept at `path`, and whether it existed (a new one is empty).

    `latest`: the latest *as of* the build's clock allows; a state counted up to a later
    moment is refused like a damaged one.
    """
    state, existed = _read_state(path)
    as_of = state.tally.as_of
    if latest is not None and as_of is not None and as_of > latest:
        raise CounterStateError(
            f"Tệp trạng thái bộ đếm truy cập {path} ghi lần đếm cuối lúc "
            f"{vietnam_time(as_of):%d/%m/%Y %H:%M}, muộn hơn đồng hồ của bản dựng "
            f"({vietnam_time(latest - CLOCK_SKEW):%d/%m/%Y %H:%M}) quá "
            f"{CLOCK_SKEW // 3600} giờ. Bản dựng dừng lại để “Cập nhật” và “Hôm nay” không bị "
            "treo ở thời điểm đó. Nếu đồng hồ của máy dựng (hoặc NEWS_BUILD_TIME) sai, hãy sửa "
            "rồi dựng lại; nếu đồng hồ đúng thì tệp đã bị sửa hoặc hỏng: hãy khôi phục nó từ "
            f"bản sao lưu ({backup_path(path)}) hoặc từ bộ nhớ đệm (cache) của CI."
        )
    return state, existed


def _read_state(path: Path) -> tuple[CounterState, bool]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return CounterState(), False
    except OSError as error:
        raise CounterStateError(
            f"Không đọc được tệp trạng thái bộ đếm truy cập {path}: {error.strerror}. "
            "Hãy kiểm tra quyền đọc tệp và thư mục chứa nó rồi dựng lại."
        ) from error
    try:
        return CounterState.from_json(json.loads(raw.decode("utf-8"))), True
    except _Foreign:
        raise CounterStateError(
            f"Tệp {path} không phải tệp trạng thái của bộ đếm truy cập (thiếu "
            f"\"format\": \"{FORMAT}\"). Hãy kiểm tra VISITOR_COUNTER_STATE có trỏ nhầm "
            "sang tệp khác không. Bản dựng dừng lại để không ghi đè lên tệp đó."
        ) from None
    except _NewerVersion as error:
        raise CounterStateError(
            f"Tệp trạng thái bộ đếm truy cập {path} có phiên bản {error.version}, phần mềm "
            f"này chỉ đọc phiên bản {VERSION}. Hãy dùng phiên bản mã nguồn đã tạo ra tệp "
            "(cập nhật mã nguồn), hoặc khôi phục tệp cũ từ bản sao lưu."
        ) from None
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise CounterStateError(
            f"Tệp trạng thái bộ đếm truy cập {path} bị hỏng ({_detail(error)}). Bản dựng "
            "dừng lại để không đếm lại từ đầu và làm mất số liệu. Hãy khôi phục tệp này từ "
            f"bản sao lưu ({backup_path(path)}, bản trước lần ghi cuối) hoặc từ bộ nhớ đệm "
            "(cache) của CI, rồi dựng lại. Chỉ khi chắc chắn muốn đếm lại từ mốc "
            "VISITOR_COUNTER_BASELINE mới xóa tệp này."
        ) from None


def check_writable(path: Path) -> None:
    """Stop now, before any counting, when the state could not be saved at `path`."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe",
                                         dir=path.parent)
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        raise _unwritable(path, error, before=True) from None


def save_state(state: CounterState, path: Path) -> None:
    """Replace the file atomically: readers see the old version or the new, never a mix."""
    data = json.dumps(state.to_json(), ensure_ascii=True, separators=(",", ":")).encode()
    try:
        if path.exists():
            previous = path.read_bytes()
            if previous == data:
                return  # a build that read nothing new keeps the backup one version behind
            # Durable: the counted visits must survive a power cut. A new file is 0644, as
            # the state holds no secret; a replaced one keeps what the operator gave it.
            write_atomically(backup_path(path), previous, durable=True, mode=0o644)
        write_atomically(path, data, durable=True, mode=0o644)
    except OSError as error:
        raise _unwritable(path, error, before=False) from None


def _unwritable(path: Path, error: OSError, *, before: bool) -> CounterStateError:
    reason = error.strerror or str(error)
    outcome = ("Bản dựng dừng lại trước khi đếm: chưa có gì thay đổi." if before else
               "Tệp cũ vẫn nguyên; lần dựng sau sẽ đếm lại đúng những dòng này.")
    return CounterStateError(
        f"Không ghi được tệp trạng thái bộ đếm truy cập {path} vào thư mục {path.parent} "
        f"({reason}). {outcome} Hãy tạo thư mục đó và cho người chạy bản dựng quyền ghi vào "
        "nó (hoặc sửa VISITOR_COUNTER_STATE cho đúng), rồi dựng lại."
    )




def baseline_moved_error(path: Path | None, error: BaselineMoved) -> CounterStateError:
    day = f"{date.fromisoformat(error.day):%d/%m/%Y}"
    where = f" ({path})" if path else ""
    return CounterStateError(
        f"VISITOR_COUNTER_BASELINE đã đổi sau khi tệp trạng thái{where} đếm được lượt truy cập "
        f"trong ngày {day}, ngày của mốc mới: không thể tách lại lượt trước và sau mốc. Hãy "
        "đặt lại mốc như cũ, hoặc chọn mốc vào một ngày chưa có lượt truy cập nào được đếm."
    )


# --- Checking the JSON -----------------------------------------------------------------------

class _Foreign(Exception):
    pass


class _NewerVersion(Exception):
    def __init__(self, version: object) -> None:
        super().__init__(version)
        self.version = version


class _Invalid(ValueError):
    """A field of the right type whose value cannot be right; `reason` is Vietnamese."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(name)
        self.reason = reason


def _detail(error: Exception) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"JSON sai ở dòng {error.lineno}, cột {error.colno}"
    if isinstance(error, UnicodeDecodeError):
        return "không phải văn bản UTF-8"
    if isinstance(error, _Invalid):
        return f"trường “{error}” {error.reason}"
    return f"trường “{error}” sai kiểu hoặc thiếu"


def _int(value: object, name: str) -> int:
    if type(value) is not int:
        raise ValueError(name)
    return value


def _count(value: object, name: str) -> int:
    if _int(value, name) < 0:
        raise _Invalid(name, f"có số âm ({value})")
    return value


def _moment(value: object, name: str) -> int:
    # Log times are packed into 32 bits (tintuc.accesslog); anything else was never written.
    if not 0 <= _int(value, name) < 1 << 32:
        raise _Invalid(name, f"có thời điểm không thể có ({value})")
    return value


def _optional_int(data: dict, name: str) -> int | None:
    value = data.get(name)
    return None if value is None else _int(value, name)


def _optional_moment(data: dict, name: str) -> int | None:
    value = data.get(name)
    return None if value is None else _moment(value, name)


def _check_times(tally: Tally) -> None:
    """Everything counted is at or before *as of*, the newest page request counted."""
    latest = tally.as_of if tally.as_of is not None else -1
    later = [name for name, times in (
        ("settled_until", [] if tally.settled_until is None else [tally.settled_until]),
        ("pending", [time for time, _, _ in tally.pending]),
        ("last_visits", tally.last_visits.values()),
    ) if any(time > latest for time in times)]
    if later:
        raise _Invalid(later[0], "muộn hơn “as_of”, lần đếm cuối")


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise ValueError(name)
    return value


def _day(value: object, name: str) -> str:
    try:
        date.fromisoformat(_text(value, name))
    except ValueError:
        raise ValueError(name) from None
    return value


def _dict(value: object, name: str) -> dict:
    if not isinstance(value, dict):
        raise ValueError(name)
    return value


def _mapping(data: dict, name: str) -> dict:
    return _dict(data.get(name), name)


def _list(data: dict, name: str) -> list:
    value = data.get(name)
    if not isinstance(value, list):
        raise ValueError(name)
    return value


def _pair(value: object, name: str) -> list[int]:
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError(name)
    return [_count(value[0], name), _count(value[1], name)]


def _pending(item: object) -> tuple[int, str, bool]:
    if not isinstance(item, list) or len(item) != 3 or item[2] not in (0, 1):
        raise ValueError("pending")
    return _moment(item[0], "pending"), _text(item[1], "pending"), bool(item[2])


def _record(item: object) -> FileRecord:
    item = _dict(item, "files")
    gz_size = item.get("gz_size")
    return FileRecord(
        head=_text(item.get("head"), "files.head"),
        head_len=_count(item.get("head_len"), "files.head_len"),
        offset=_count(item.get("offset"), "files.offset"),
        gz_size=None if gz_size is None else _count(gz_size, "files.gz_size"),
        newest=_optional_moment(item, "newest"),
    )
