"""How files are named to people, which files are articles, and reading a settings file
without Pelican — shared by the reader, `invoke check`, `invoke new` and `invoke counter`."""

import contextlib
import os
import runpy
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mkd", ".mdown")


def display_path(path: str | os.PathLike) -> str:
    """The path editors recognise: relative to the working folder when inside it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def load_settings(settings_file: str | os.PathLike) -> dict:
    """The upper-case names a settings file (pelicanconf.py) defines, as Pelican reads them."""
    values = runpy.run_path(str(Path(settings_file)))
    return {name: value for name, value in values.items() if name.isupper()}


# --- replacing a file whole -------------------------------------------------------------------

@contextlib.contextmanager
def replacing(path: str | os.PathLike, *, durable: bool = False,
              mode: int | None = None) -> Iterator[BinaryIO]:
    """A binary stream whose bytes replace `path` whole once the block ends without error:
    readers see the old file or the new one, never a part; on an error the old file stays
    and nothing is left behind.

    The bytes go to a temporary file beside `path` (a name no other process uses, so two
    builds at once never write into each other's), renamed over it; a missing folder is
    made. A file replaced keeps its
    permissions; a new one gets `mode`, else what `open()` would give it. `durable`: the file
    and the rename reach the disk before this returns (state that must survive a power cut).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = _temporary_beside(path)
    try:
        with os.fdopen(fd, "wb") as stream:
            yield stream
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        try:
            shutil.copymode(path, temporary)
        except FileNotFoundError:
            if mode is not None:
                os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    if durable:
        with contextlib.suppress(OSError):
            folder = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)


def write_atomically(path: str | os.PathLike, data: bytes | str, *, durable: bool = False,
                     mode: int | None = None) -> None:
    """`path` replaced whole by `data` (text is written as UTF-8); see `replacing`."""
    with replacing(path, durable=durable, mode=mode) as stream:
        stream.write(data.encode("utf-8") if isinstance(data, str) else data)


def _temporary_beside(path: Path) -> tuple[int, str]:
    # Created as open() creates files (0666 less the umask), not as mkstemp does (0600): a
    # published file must stay readable by the web server.
    while True:
        temporary = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
        try:
            return os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), \
                str(temporary)
        except FileExistsError:
            continue
