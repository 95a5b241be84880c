"""Rendered pages by key, kept in a few large files ("packs") instead of one file each.

On the file systems builds run on, creating a small file costs far more than writing its
bytes (here about 0.3 ms against 0.01 ms for the 17 kB of a page): a cold build of 10,000
articles stored 13,000 pages, one file each, for about 4 s of system time. A pack is written by
one process, appending each page as a record; any number of processes (the forked renderers)
write packs of their own side by side, so no locking is needed.

A record: a header (magic, key length, data length, CRC-32 of the data), the key, the page
as UTF-8. A record cut short (a crash mid-write) or whose data does not match its CRC is
never served. When a key is in several records, the newest pack's wins.

`sweep` keeps the folder small: packs holding no page of this build are deleted, and packs
mostly holding pages no longer used, or too many small packs, are rewritten into one.

No Pelican here; tests/test_page_store.py tests it alone.
"""

import os
import struct
import time
import zlib
from pathlib import Path

MAGIC = b"TTP1"
_HEADER = struct.Struct(">4sHII")  # magic, key length, data length, CRC-32 of the data
PACK_PREFIX = "pack-"
PACK_SUFFIX = ".bin"
# A pack whose live records are less than this share of it is rewritten at the sweep.
MIN_LIVE_SHARE = 0.5
# More packs than this after a sweep: the smaller ones are merged.
MAX_PACKS = 8


class PageStore:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        # key → (pack path, offset of the data, length of the data, its CRC-32)
        self.index: dict[str, tuple[str, int, int, int]] = {}
        self._readers: dict[str, tuple[int, int]] = {}  # pack → (pid, descriptor)
        self._writer: tuple[int, int, str] | None = None  # (pid, descriptor, pack)
        self._writer_end = 0
        self.index = self._scan()

    # --- reading ----------------------------------------------------------------------------

    def _packs(self) -> list[str]:
        try:
            names = os.listdir(self.folder)
        except FileNotFoundError:
            return []
        # Names start with the time they were made: sorted, the newest pack comes last.
        return [os.path.join(self.folder, name) for name in sorted(names)
                if name.startswith(PACK_PREFIX) and name.endswith(PACK_SUFFIX)]

    @staticmethod
    def _records(pack: str) -> list[tuple[str, int, int, int]]:
        """(key, offset of data, length of data, CRC-32) of each whole record of a pack, in
        order."""
        found = []
        try:
            with open(pack, "rb") as stream:
                size = os.fstat(stream.fileno()).st_size
                offset = 0
                while offset + _HEADER.size <= size:
                    stream.seek(offset)
                    magic, key_length, length, crc = _HEADER.unpack(stream.read(_HEADER.size))
                    start = offset + _HEADER.size + key_length
                    if magic != MAGIC or start + length > size:
                        break  # cut short or damaged: nothing after it can be trusted
                    key = stream.read(key_length).decode("ascii", "replace")
                    found.append((key, start, length, crc))
                    offset = start + length
        except OSError:
            return []
        return found

    def _scan(self) -> dict[str, tuple[str, int, int, int]]:
        index = {}
        for pack in self._packs():
            for key, *place in self._records(pack):
                index[key] = (pack, *place)
        return index

    def stored(self) -> set[str]:
        return set(self.index)

    def has(self, key: str) -> bool:
        return key in self.index

    def _reader(self, pack: str) -> int:
        # A descriptor per process: pread() needs no shared position, but a forked child
        # closing its parent's descriptor must not happen, so each opens its own.
        pid = os.getpid()
        found = self._readers.get(pack)
        if found is None or found[0] != pid:
            found = self._readers[pack] = (pid, os.open(pack, os.O_RDONLY))
        return found[1]

    def load(self, key: str) -> str | None:
        found = self.index.get(key)
        if found is None:
            return None
        pack, start, length, crc = found
        try:
            data = os.pread(self._reader(pack), length, start)
            if len(data) != length or zlib.crc32(data) != crc:
                return None
            return data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    # --- writing ----------------------------------------------------------------------------

    def _writing(self) -> int:
        pid = os.getpid()
        if self._writer is None or self._writer[0] != pid:
            # A child inherits its parent's writer: it must start a pack of its own.
            self.folder.mkdir(parents=True, exist_ok=True)
            pack = os.path.join(self.folder,
                                f"{PACK_PREFIX}{time.time_ns():020d}-{pid}{PACK_SUFFIX}")
            descriptor = os.open(pack, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND,
                                 0o644)
            self._writer, self._writer_end = (pid, descriptor, pack), 0
        return self._writer[1]

    def store(self, key: str, text: str) -> None:
        data = text.encode("utf-8")
        name = key.encode("ascii")
        descriptor = self._writing()
        crc = zlib.crc32(data)
        record = _HEADER.pack(MAGIC, len(name), len(data), crc) + name + data
        view = memoryview(record)
        while view:
            view = view[os.write(descriptor, view):]
        start = self._writer_end + _HEADER.size + len(name)
        self._writer_end += len(record)
        self.index[key] = (self._writer[2], start, len(data), crc)

    def close(self) -> None:
        """Closes this process's files (a forked child calls it before it leaves)."""
        pid = os.getpid()
        if self._writer is not None and self._writer[0] == pid:
            os.close(self._writer[1])
        self._writer = None
        for pack, (owner, descriptor) in list(self._readers.items()):
            if owner == pid:
                os.close(descriptor)
            del self._readers[pack]

    # --- keeping it small -------------------------------------------------------------------

    def sweep(self, used: set[str]) -> int:
        """Keep only the pages in `used` (a pack mostly in use keeps its few others until it
        is rewritten): returns how many records left the disk. Reads the packs
        again first, so that pages stored by other processes count; anything else in the
        folder (an older cache's files) goes."""
        self.close()
        packs = self._packs()
        records = {pack: self._records(pack) for pack in packs}
        newest: dict[str, tuple] = {}
        for pack, found in records.items():
            for key, *place in found:
                newest[key] = (pack, *place)
        live: dict[str, list] = {pack: [] for pack in packs}
        for key, (pack, *place) in newest.items():
            if key in used:
                live[pack].append((key, *place))

        def size(found) -> int:
            return sum(_HEADER.size + len(key) + length for key, _, length, _ in found)

        rewrite = [pack for pack in packs
                   if live[pack] and size(live[pack]) < MIN_LIVE_SHARE * size(records[pack])]
        kept = sorted((pack for pack in packs if live[pack] and pack not in rewrite),
                      key=lambda pack: size(live[pack]), reverse=True)
        if len(kept) + bool(rewrite) > MAX_PACKS:
            rewrite += kept[MAX_PACKS - 1:]
            kept = kept[:MAX_PACKS - 1]
        for pack in rewrite:
            with open(pack, "rb") as stream:
                for key, start, length, crc in live[pack]:
                    stream.seek(start)
                    data = stream.read(length)
                    if zlib.crc32(data) == crc:
                        self.store(key, data.decode("utf-8"))
        dropped = sum(len(records[pack]) - len(live[pack]) for pack in packs if pack not in kept)
        written = self._writer[2] if self._writer else None
        self.close()
        for name in os.listdir(self.folder) if self.folder.is_dir() else []:
            path = os.path.join(self.folder, name)
            if path not in kept and path != written:
                if os.path.isdir(path) and not os.path.islink(path):
                    continue
                os.unlink(path)
        self.index = self._scan()
        return dropped
