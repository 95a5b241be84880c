"""The output folder holds exactly this build's files, and an unchanged file is not rewritten.

Pelican's DELETE_OUTPUT_DIRECTORY empties the folder before a build, so every one of tens of
thousands of files is created again. Instead (NEWS_FRESH_OUTPUT) the previous build's folder is
set aside as `CACHE_PATH/previous-output` when the build starts, the page writer moves a file
back from there when the new page is byte-for-byte the same (a rename instead of a write, and
the file keeps its time, so rsync skips it), and whatever is left is deleted when the build
ends; a failed build's leftovers stay in the cache folder, out of the way, until the next
build. Files named in OUTPUT_RETENTION (a `.git` of a gh-pages checkout) are moved back at
once. Where a rename cannot be done (another filesystem, a mount point) every file is written,
as Pelican does.
"""

import logging
import os
import shutil

logger = logging.getLogger(__name__)

FOLDER = "previous-output"


def _holds_content(output_path: str, content_path: str) -> bool:
    # As Pelican checks before it deletes: never touch an output folder that holds the content.
    output, content = os.path.realpath(output_path), os.path.realpath(content_path)
    return os.path.commonpath([output]) == os.path.commonpath([output, content])


def set_aside(output_path: str, content_path: str, retention, cache_path: str) -> str | None:
    """Move the previous build's output aside; returns where it went, None if there was none."""
    if _holds_content(output_path, content_path):
        return None
    previous = os.path.join(cache_path, FOLDER)
    if os.path.lexists(previous):
        shutil.rmtree(previous)  # left by a build that failed: its output is not to be reused
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


def drop(previous: str | None) -> None:
    if previous and os.path.lexists(previous):
        shutil.rmtree(previous)


def reuse(previous: str | None, output_path: str, path: str, data: bytes) -> bool:
    """Move `path`'s file of the previous build back if it holds exactly `data`."""
    if not previous:
        return False
    old = os.path.join(previous, os.path.relpath(path, output_path))
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
