"""One fixture builds real sites: `build_site(files or folder, settings)` → `Site`.

Builds run Pelican in this process with the project's `pelicanconf.py`, so they are fast and
see the real plugins and theme. Pelican keeps state between runs (signal receivers, the
de-duplication of log messages); the fixture undoes both after every build.
"""

import logging
import os
import shutil
import subprocess
import sys
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pelican import Pelican
from pelican.log import LimitFilter
from pelican.plugins import signals as pelican_signals
from pelican.settings import read_settings

PROJECT = Path(__file__).resolve().parents[1]
SETTINGS_FILE = PROJECT / "pelicanconf.py"
SCENARIOS = Path(__file__).resolve().parent / "scenarios"
PELICAN = Path(sys.executable).with_name("pelican")


@dataclass
class Site:
    content: Path
    output: Path
    exception: BaseException | None = None
    messages: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.exception is None

    @property
    def errors(self) -> list[str]:
        return [text for level, text in self.messages if level in ("ERROR", "CRITICAL")]

    @property
    def warnings(self) -> list[str]:
        return [text for level, text in self.messages if level == "WARNING"]

    def read(self, relpath: str) -> str:
        return (self.output / relpath).read_text(encoding="utf-8")

    def html(self, relpath: str) -> BeautifulSoup:
        return BeautifulSoup(self.read(relpath), "html.parser")

    def exists(self, relpath: str) -> bool:
        return (self.output / relpath).exists()

    def files(self, pattern: str = "**/*.html") -> list[str]:
        return sorted(str(path.relative_to(self.output)) for path in self.output.glob(pattern))

    def written(self) -> dict[str, bytes]:
        """Every file the build wrote, by path, for byte-for-byte comparisons of two builds.

        Pagefind's index is left out: two runs over the same pages name its files
        differently; tests/test_search.py checks what the index finds instead."""
        return {name: (self.output / name).read_bytes() for name in self.files("**/*")
                if (self.output / name).is_file() and not name.startswith("pagefind/")}


class _Recorder(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.messages: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            self.messages.append((record.levelname, record.getMessage()))


def _all_signals():
    return [value for value in vars(pelican_signals).values()
            if hasattr(value, "receivers") and hasattr(value, "disconnect")]


def _disconnect_new_receivers(before: dict) -> None:
    for signal in _all_signals():
        for key, receiver in list(signal.receivers.items()):
            if key in before.get(signal, ()):
                continue
            if isinstance(receiver, weakref.ref):
                receiver = receiver()
            if receiver is not None:
                signal.disconnect(receiver)


def write_files(folder: Path, files: dict[str, str | bytes]) -> None:
    for relpath, data in files.items():
        path = folder / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8", newline="")
        else:
            path.write_bytes(data)


def build(root: Path, files: dict | Path, settings: dict | None = None,
          settings_file: Path = SETTINGS_FILE, copy: bool = True) -> Site:
    """Build `files` (a dict of relpath → text/bytes, or a folder, copied unless `copy` is
    False) into `root/output`."""
    content = root / "content"
    if isinstance(files, Path) and not copy:
        content = files
    elif isinstance(files, Path):
        shutil.copytree(files, content, dirs_exist_ok=True)
    else:
        content.mkdir(parents=True, exist_ok=True)
        write_files(content, files)
    output = root / "output"
    override = {"PATH": str(content), "OUTPUT_PATH": str(output),
                "CACHE_PATH": str(root / "cache"), **(settings or {})}

    before = {signal: set(signal.receivers) for signal in _all_signals()}
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()
    recorder = _Recorder()
    logging.getLogger().addHandler(recorder)
    site = Site(content, output, messages=recorder.messages)
    try:
        Pelican(read_settings(str(settings_file), override=override)).run()
    except Exception as error:  # the build's failure is what many tests assert on
        site.exception = error
    finally:
        logging.getLogger().removeHandler(recorder)
        _disconnect_new_receivers(before)
    return site


@pytest.fixture
def build_site(tmp_path):
    counter = iter(range(1, 1000))

    def _build(files: dict | Path, settings: dict | None = None, **kwargs) -> Site:
        return build(tmp_path / f"site{next(counter)}", files, settings, **kwargs)

    return _build


def scenario(name: str) -> Path:
    """A content folder under tests/scenarios/, named for the case it shows."""
    return SCENARIOS / name


def run_pelican_cli(content: Path, output: Path, *args: str) -> subprocess.CompletedProcess:
    """The contract's command line, exactly as operators and CI run it."""
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [str(PELICAN), str(content), "-s", str(SETTINGS_FILE), "-o", str(output), *args],
        cwd=PROJECT, capture_output=True, text=True, env=env, timeout=300,
    )
