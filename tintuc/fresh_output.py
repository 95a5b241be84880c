"""The output folder holds exactly this build's files, and an unchanged file is not rewritten.

Pelican's DELETE_OUTPUT_DIRECTORY empties the folder before a build, so every one of tens of
thousands of files is created again. Instead (NEWS_FRESH_OUTPUT) the previous build's folder is
set aside as `CACHE_PATH/previous-output` when the build starts, the page writer moves a file
back from there when the new page is byte-for-byte the same (a rename instead of a write, and
the file keeps its time, so rsync skips it; with the ledger of the last build, without even
reading it), and whatever is left is renamed out of the way when the build ends and deleted
by the next build in a background process; a failed build's leftovers stay in the cache
folder, out of the way, until the next build. Files named in OUTPUT_RETENTION (a `.git` of
a gh-pages checkout) are moved back at once. Where a rename cannot be done (another
filesystem, a mount point) every file is written, as Pelican does.

No Pelican here: the page writer (plugins/page_writer) sets the folder aside and drops it; any
plugin writing into the output may call `write` to get the same reuse (legacy_redirects does).
"""

import contextlib
import logging
import os
import pickle
import shutil
import time

from tintuc.files import replacing
from tintuc.processes import start_child

logger = logging.getLogger(__name__)

FOLDER = "previous-output"
# What the page writer knows of the files it wrote: relative path → (what the page was made
# from, size, modification time). A file whose inputs are the same, and whose size and time
# say nobody touched it since, is moved back without being read (`move_back`).
LEDGER = "previous-output.ledger"
# What is left of earlier outputs, deleted in the background by the next build.
TRASH_PREFIX = "previous-output.deleting-"


def _holds_content(output_path: str, content_path: str) -> bool:
    # As Pelican checks before it deletes: never touch an output folder that holds the content.
    output, content = os.path.realpath(output_path), os.path.realpath(content_path)
    return os.path.commonpath([output]) == os.path.commonpath([output, content])


def set_aside(output_path: str, content_path: str, retention, cache_path: str) -> str | None:
    """Move the previous build's output aside; returns where it went, None if there was none."""
    if _holds_content(output_path, content_path) or os.path.islink(output_path):
        # A symbolic link is someone's arrangement (a folder target's `current` release):
        # it is written through, never renamed away.
        return None
    previous = os.path.join(cache_path, FOLDER)
    # Left by a build that failed: its output is not to be reused.
    drop(previous, cache_path)
    if not os.path.isdir(output_path) or not os.listdir(output_path):
        return None
    os.makedirs(cache_path, exist_ok=True)
    try:
        os.rename(output_path, previous)
    except OSError as error:
        # A mount point, or a parent folder we may not write: Pelican's own emptying
        # (DELETE_OUTPUT_DIRECTORY) does the job, without the reuse.
        logger.debug("Không để riêng được bản dựng trước (%s): ghi lại mọi tệp.", error)
        return None
    os.makedirs(output_path)
    for name in retention or ():
        kept = os.path.join(previous, name)
        if os.path.lexists(kept):
            os.rename(kept, os.path.join(output_path, name))
    return previous


def drop(previous: str | None, cache_path: str) -> None:
    """What is left of the previous output goes out of the way at once, renamed; the next
    build deletes it in the background (`empty_trash`). After an unchanged build it is
    thousands of empty folders: half a second to delete, which the next build's first
    seconds, on one core, do not notice."""
    if not (previous and os.path.lexists(previous)):
        return
    trash = os.path.join(cache_path, f"{TRASH_PREFIX}{time.time_ns()}-{os.getpid()}")
    try:
        os.rename(previous, trash)
    except OSError:
        shutil.rmtree(previous)


def empty_trash(cache_path: str) -> int | None:
    """Deletes what earlier builds left (`drop`) in a forked process; returns its pid for
    `tintuc.processes.wait_child`, or None when there is nothing to delete."""
    try:
        names = [name for name in os.listdir(cache_path) if name.startswith(TRASH_PREFIX)]
    except OSError:
        return None
    if not names:
        return None

    def delete() -> None:
        for name in names:
            shutil.rmtree(os.path.join(cache_path, name), ignore_errors=True)

    return start_child(delete)


# The page writer waits for `empty_trash`'s process by this name.


def previous_of(cache_path: str) -> str | None:
    """Where the previous build's output waits while this build runs, if it does."""
    previous = os.path.join(cache_path, FOLDER)
    return previous if os.path.isdir(previous) else None


def write(path: str, data: bytes, output_path: str, cache_path: str) -> None:
    """`path` (inside `output_path`) made to hold `data`: the previous build's file moved back
    when it holds exactly that, else written."""
    if not reuse(previous_of(cache_path), output_path, path, data):
        with open(path, "wb") as stream:
            stream.write(data)


def _previous_file(previous: str | None, relative: str) -> str | None:
    """Where the previous build left the file at `relative`; None for a path outside the
    output (a map file written elsewhere) or when nothing was set aside."""
    if not previous or relative.split(os.sep, 1)[0] == os.pardir:
        return None
    return os.path.join(previous, relative)


def reuse(previous: str | None, output_path: str, path: str, data: bytes) -> bool:
    """Move `path`'s file of the previous build back if it holds exactly `data`."""
    old = _previous_file(previous, os.path.relpath(path, output_path))
    if old is None:
        return False
    try:
        if os.path.getsize(old) != len(data):
            return False
        with open(old, "rb") as stream:
            if stream.read() != data:
                return False
        os.rename(old, path)
    except OSError:
        return False
    return True


def move_back(previous: str | None, relative: str, path: str, size: int,
              mtime_ns: int) -> bool:
    """Move the previous build's file at `relative` back to `path` if it is still the file
    written then (same size and time): for a page whose inputs are unchanged, without
    reading it."""
    old = _previous_file(previous, relative)
    if old is None:
        return False
    try:
        found = os.stat(old)
        if (found.st_size, found.st_mtime_ns) != (size, mtime_ns):
            return False
        os.rename(old, path)
    except OSError:
        return False
    return True


def take_ledger(cache_path: str) -> dict[str, tuple[str, int, int]]:
    """The last build's ledger, removed from the disk as it is read: a build that fails
    leaves none, so the one after it compares bytes instead of trusting it."""
    path = os.path.join(cache_path, LEDGER)
    try:
        with open(path, "rb") as stream:
            ledger = pickle.load(stream)
    except Exception:  # absent or damaged: it only saves time
        ledger = {}
    with contextlib.suppress(OSError):
        os.unlink(path)
    return ledger if isinstance(ledger, dict) else {}


def save_ledger(cache_path: str, ledger: dict[str, tuple[str, int, int]]) -> None:
    with replacing(os.path.join(cache_path, LEDGER)) as stream:
        pickle.dump(ledger, stream, protocol=pickle.HIGHEST_PROTOCOL)
