"""What `invoke check` found in each file last time, so a rebuild checks only what changed.

The check runs before every `invoke build` and reads every file (0.4 ms each: 4 s of a
10,000-article rebuild, alone on one core before Pelican starts). A file's own problems depend
on its bytes, its place (path, folder, how messages name it), the settings, the code, and
which files exist where it points (photos, linked articles). An entry keeps, beside the
problems and the header (what the checks across files read), every one of those lookups and
its answer: the entry is used again only when the bytes' digest, the place and the context
are the same and every lookup still gets the same answer from the folder as it is now. So a
photo added or deleted, a setting or the code changed, gives the same report as a check
without any cache. Deleting the file is always safe; one that cannot be read is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from tintuc.files import write_atomically

FORMAT = 2
_CODE = Path(__file__).resolve().parent


@dataclass
class Entry:
    digest: str  # sha256 of the file's bytes
    place: tuple  # (path as shown, folder, is a page)
    document: object  # tintuc.frontmatter.Document: only what the checks across files read
    problems: list  # the file's own problems (the checks across files are made again)
    lookups: tuple  # ((path relative to the content folder, the listing's answer), …)
    linked: tuple = ()  # files of the folder it links with {static}/{attach}


def context_key(settings: dict) -> str:
    """The code of `tintuc`, the settings and the working folder (messages name files from
    it), as one digest. A value that cannot be written as JSON counts by its name (a
    function) or its `repr`; one whose `repr` changes from run to run only makes it miss."""
    digest = hashlib.sha256(f"{FORMAT};{os.getcwd()}".encode())
    for module in sorted(_CODE.rglob("*.py")):
        digest.update(module.relative_to(_CODE).as_posix().encode() + b"\0"
                      + module.read_bytes())
    values = {name: value for name, value in settings.items() if name.isupper()}
    digest.update(json.dumps(values, sort_keys=True, default=_stable_text).encode())
    return digest.hexdigest()


def _stable_text(value) -> str:
    # Functions (Jinja filters) by name: their `repr` holds an address that changes per run.
    name = getattr(value, "__qualname__", None)
    if callable(value) and name:
        return f"{getattr(value, '__module__', '')}.{name}"
    return repr(value)


class CheckCache:
    """`CheckCache.load(file, settings)`, then `get`/`put` per file, then `save()`."""

    def __init__(self, path: Path | None, context: str, entries: dict[str, Entry]):
        self.path, self.context = path, context
        self.entries = entries  # by path relative to the content folder
        self.seen: dict[str, Entry] = {}
        self.hits = 0
        self.changed = False

    @classmethod
    def load(cls, path: Path | None, settings: dict) -> CheckCache:
        context = context_key(settings)
        entries = {}
        if path is not None:
            try:
                with open(path, "rb") as stream:
                    kept_context, kept = pickle.load(stream)
                if kept_context == context:
                    entries = kept
            except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError,
                    AttributeError, ImportError, IndexError):
                entries = {}  # missing or damaged: everything is checked again
        return cls(path, context, entries)

    def get(self, relative: str, digest: str, place: tuple, find) -> Entry | None:
        """The entry for this file if nothing it depends on changed; `find` answers a
        lookup from the folder as it is now."""
        entry = self.entries.get(relative)
        if (entry is None or entry.digest != digest or entry.place != place
                or any(find(looked) != answer for looked, answer in entry.lookups)):
            return None
        self.hits += 1
        self.seen[relative] = entry
        return entry

    def put(self, relative: str, entry: Entry) -> None:
        self.seen[relative] = entry
        self.changed = True

    def save(self) -> None:
        """Keeps the files of this check only (deleted files leave the cache); writes
        nothing when every file was found as it was."""
        if self.path is None or (not self.changed and self.seen.keys() == self.entries.keys()):
            return
        write_atomically(self.path, pickle.dumps((self.context, self.seen),
                                                 pickle.HIGHEST_PROTOCOL))


class RecordingListing:
    """A `checker._Listing` that remembers every lookup and its answer, for the entry."""

    def __init__(self, listing):
        self.listing, self.root = listing, listing.root
        self.lookups: list[tuple[str, tuple]] = []

    def find(self, relative: str) -> tuple[bool, str | None]:
        answer = self.listing.find(relative)
        self.lookups.append((relative, answer))
        return answer
