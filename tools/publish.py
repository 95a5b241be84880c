"""`invoke publish` and `invoke verify`: build for production, pass the gates, then deploy.

Nobody may ever see a half-written or broken site (issue 6). So a publication is:

1. the `content` gate, then a build with publishconf.py into a FRESH folder, errors fatal
   (the `build` gate); the live site is never a build's output folder;
2. the gates that read the built folder (tools/gates/); any failure stops here, before a
   single byte reaches the target;
3. pre-compressed `.gz`/`.br` copies of text files, for the web server's gzip_static and
   brotli_static;
4. the deploy, to one of three targets:
   - a local folder: the target becomes a symlink to a release folder built beside it, and is
     swapped in one rename(2), so a reader gets either the old site or the new one, never a mix;
   - `rsync` over ssh (`--delay-updates --delete-after`: files land in temporary names and are
     renamed at the end, deletions come last);
   - a `gh-pages` branch pushed with ghp-import, to a remote URL or a local bare repository.

`--dry-run` does steps 1–3 and prints what the deploy would change, changing nothing.
Operator messages are in Vietnamese; gate names stay English. Paths given to the tasks are
relative to the project folder, like `invoke build`'s.
"""

import ctypes
import ctypes.util
import datetime as dt
import errno
import fcntl
import filecmp
import glob
import gzip
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from invoke import task
from invoke.exceptions import Exit

from tintuc.processes import worker_count
from tintuc_tools import gates

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEFAULT_SETTINGS = "publishconf.py"

COMPRESSIBLE = {".html", ".css", ".js", ".xml", ".json", ".txt", ".svg", ".map"}
COMPRESS_MIN_BYTES = 256  # below this a compressed copy saves less than its own headers cost
LEGACY_MAP_FILE = "legacy-redirects.map"  # plugins/legacy_redirects' default `map_file`


def say(text: str = "") -> None:
    print(text, flush=True)


class PublishFailed(Exception):
    """Publishing stopped; the message tells the operator why, and that nothing changed."""


# --- targets -------------------------------------------------------------------------------------


@dataclass
class Target:
    kind: str  # folder, rsync or gh-pages
    location: str
    port: int | None = None
    key: str = ""
    known_hosts: str = ""
    branch: str = "gh-pages"
    cname: str = ""

    def describe(self) -> str:
        return f"{self.kind}:{self.location}"


def parse_target(spec: str, **options) -> Target:
    """`folder:PATH` (or just a path), `rsync:USER@HOST:PATH`, `gh-pages:REMOTE`."""
    spec = spec.strip()
    if not spec:
        raise PublishFailed(
            "Chưa chọn đích xuất bản: dùng --target folder:/srv/www/tintuc, "
            "--target rsync:user@host:/srv/www/tintuc hoặc --target gh-pages:REMOTE "
            "(hoặc đặt biến môi trường PUBLISH_TARGET).")
    kind, _, rest = spec.partition(":")
    if kind in ("folder", "rsync", "gh-pages") and rest:
        location = rest
    elif spec.startswith(("/", ".", "~")) or ":" not in spec:
        kind, location = "folder", spec
    elif "@" in spec.split(":", 1)[0]:
        kind, location = "rsync", spec
    else:
        raise PublishFailed(f"Không hiểu đích “{spec}”: viết folder:…, rsync:… hoặc gh-pages:….")
    if kind == "rsync" and ":" not in location:
        raise PublishFailed(f"Đích rsync “{location}” phải có dạng user@host:/đường/dẫn.")
    options = {name: value for name, value in options.items() if value not in (None, "", 0)}
    return Target(kind, location, **options)


def _project_path(path: str | Path) -> Path:
    path = Path(os.path.expanduser(str(path)))
    return path if path.is_absolute() else PROJECT / path


# --- the build gate ---------------------------------------------------------------------------


_LOG_LINE = re.compile(r"^(?:\[\d\d:\d\d:\d\d\])?\s*(DEBUG|INFO|WARNING|ERROR|CRITICAL)\s+(.*)$")
_LOG_SOURCE = re.compile(r"\s{2,}[\w.]+\.py:\d+$")


def build_errors(output: str) -> list[str]:
    """The ERROR and CRITICAL messages of Pelican's console log, one line each.

    Pelican's "plain" log handler prints nothing once a plugin has added a handler of its own
    (build_guard does), so the build runs with the default one, which lays records out in
    columns: a time, the level, the message (continued on indented lines), the source file.
    """
    messages: list[str] = []
    keeping = False
    for raw in output.splitlines():
        line = _LOG_SOURCE.sub("", raw.rstrip())
        match = _LOG_LINE.match(line)
        if match:
            keeping = match.group(1) in ("ERROR", "CRITICAL")
            text = match.group(2).strip()
            if keeping and text != "RuntimeError: Warning or error encountered":
                messages.append(text)
        elif keeping and line.strip() and messages:
            messages.append(line.strip())
    return messages


def run_build(content: Path, output: Path, settings_file: Path) -> gates.GateResult:
    """Pelican in its own process, as CI runs it: a fresh interpreter, errors fatal."""
    command = [str(BIN / "pelican"), str(content), "-s", str(settings_file), "-o", str(output),
               "--fatal", "errors"]
    start = time.perf_counter()
    # Wide columns: one log record per line, never wrapped mid-message.
    run = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True,
                         env={**os.environ, "COLUMNS": "400"}, timeout=3600)
    result = gates.GateResult("build", seconds=time.perf_counter() - start)
    text = run.stdout + run.stderr
    if run.returncode != 0:
        shown = build_errors(text) or [line.rstrip() for line in text.splitlines()[-20:]]
        result.findings = [gates.Finding("", 0, line) for line in shown if line.strip()]
        result.findings.append(gates.Finding(
            "", 0, f"Pelican thoát với mã {run.returncode} (lệnh: {shlex.join(command)})"))
    else:
        done = [line.strip() for line in text.splitlines() if "Done:" in line]
        result.notes = [_LOG_SOURCE.sub("", line) for line in done[-1:]]
    return result


def read_settings(settings_file: Path) -> dict:
    """The settings as a build with `settings_file` sees them: Pelican's defaults for what the
    file leaves out, its paths made absolute. Not `tintuc.files.load_settings` (the file's own
    names): the gates judge the site by what it was built with (the names a page may not
    take come from every *_SAVE_AS, Pelican's defaults included)."""
    from pelican.settings import read_settings as pelican_read_settings

    return pelican_read_settings(str(settings_file))


# --- compression -------------------------------------------------------------------------------


@dataclass
class CompressionStats:
    files: int = 0
    original: int = 0
    gzip: int = 0
    brotli: int = 0
    seconds: float = 0.0


def _gzip_bytes(data: bytes, level: int) -> bytes:
    # mtime 0 and no file name in the header: the same input gives the same bytes, so rsync
    # --checksum and git see no change where there is none.
    return gzip.compress(data, compresslevel=level, mtime=0)


# Pages change with every build (the visitor counter is on each of them, rebuilt hourly): brotli
# quality 7 compresses them 40 times faster than 11 for about 8% more bytes (measured on the
# sample site). Stylesheets, scripts and the like change rarely and are cached for a year:
# they get the slowest, smallest setting.
PAGE_SUFFIXES = {".html", ".xml", ".txt"}
# `fast_folders`: big third-party bundles that would cost seconds on every publication at the
# slowest setting; they get the pages' quality (the web editor's 5 MB Decap CMS at /quan-tri/:
# 19 s at 11, 0.8 s at 7 for 12% more bytes, loaded by editors only).
DEFAULT_COMPRESSION = {"gzip_level": 9, "brotli_quality": 11, "brotli_quality_pages": 7,
                       "fast_folders": []}


def compress_tree(root: Path, settings: dict | None = None, workers: int | None = None,
                  skip: frozenset[str] = frozenset()) -> CompressionStats:
    """Write FILE.gz and FILE.br beside every text file worth it; both are deterministic.

    `skip`: paths relative to `root` that are not for readers (the nginx redirect map): a
    compressed copy would be one more name for the web server to hide."""
    import brotli

    options = {**DEFAULT_COMPRESSION, **(settings or {})}
    start = time.perf_counter()
    candidates = [path for path in sorted(root.rglob("*"))
                  if path.suffix.lower() in COMPRESSIBLE and path.is_file()
                  and path.relative_to(root).as_posix() not in skip
                  and path.stat().st_size >= COMPRESS_MIN_BYTES]

    fast = tuple(f"{folder.strip('/')}/" for folder in options.get("fast_folders") or ())

    def one(path: Path) -> tuple[int, int, int]:
        data = path.read_bytes()
        quick = path.suffix.lower() in PAGE_SUFFIXES or (
            bool(fast) and path.relative_to(root).as_posix().startswith(fast))
        quality = options["brotli_quality_pages" if quick else "brotli_quality"]
        sizes = [len(data), 0, 0]
        for index, (suffix, packed) in enumerate(
                ((".gz", _gzip_bytes(data, options["gzip_level"])),
                 (".br", brotli.compress(data, quality=quality))), start=1):
            if len(packed) < len(data):  # a copy no smaller than the file helps nobody
                path.with_name(path.name + suffix).write_bytes(packed)
                sizes[index] = len(packed)
            else:
                sizes[index] = len(data)
        return sizes[0], sizes[1], sizes[2]

    stats = CompressionStats()
    # Brotli and zlib release the GIL while they work, so threads use every core.
    with ThreadPoolExecutor(max_workers=worker_count(workers)) as pool:
        for original, gz, br in pool.map(one, candidates):
            stats.files += 1
            stats.original += original
            stats.gzip += gz
            stats.brotli += br
    stats.seconds = time.perf_counter() - start
    return stats


def not_for_readers(settings: dict) -> frozenset[str]:
    """Files a build writes for the web server, not for readers: the legacy_redirects plugin's
    nginx map (`include`d from the published folder, so that it always matches the site)."""
    redirects = settings.get("LEGACY_REDIRECTS") or {}
    plugins = settings.get("PLUGINS") or ()
    if "tintuc_plugins.legacy_redirects" not in plugins or not redirects.get("enabled", True):
        return frozenset()
    map_file = redirects.get("map_file", LEGACY_MAP_FILE)
    return frozenset({map_file.strip("/")}) if map_file else frozenset()


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.2f} MB"


# --- comparing trees (dry runs) ----------------------------------------------------------------


def files_of(root: Path) -> dict[str, Path]:
    if not root.exists():
        return {}
    return {path.relative_to(root).as_posix(): path
            for path in sorted(root.rglob("*")) if path.is_file() and not path.is_symlink()}


def tree_changes(old: Path, new: Path) -> tuple[list[str], list[str], list[str]]:
    """(added, changed, removed) relative paths between two folders."""
    before, after = files_of(old), files_of(new)
    added = [name for name in after if name not in before]
    removed = [name for name in before if name not in after]
    changed = [name for name in after if name in before
               and not filecmp.cmp(before[name], after[name], shallow=False)]
    return added, changed, removed


def print_changes(added, changed, removed, shown: int = 20) -> None:
    say(f"Sẽ thêm {len(added)} tệp, sửa {len(changed)} tệp, xóa {len(removed)} tệp.")
    for sign, names in (("+", added), ("~", changed), ("-", removed)):
        # Pages first: the search index alone renames dozens of files on every build.
        names = sorted(names, key=lambda name: (not name.endswith(".html"), name))
        for name in names[:shown]:
            say(f"  {sign} {name}")
        if len(names) > shown:
            say(f"  {sign} … và {len(names) - shown} tệp nữa")


# --- folder target -----------------------------------------------------------------------------

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                       _RENAME_EXCHANGE)
    if result != 0:
        error = ctypes.get_errno()
        if error in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: the filesystem can't
            return False
        raise OSError(error, os.strerror(error), str(second))
    return True


class FolderTarget:
    """A folder on this machine that a web server serves; it is a symlink to a release.

    Nothing is half done: the target and its parent folder are checked (and written to, once,
    to prove it) before the build starts; a failed publication removes what it created; what a
    killed one left (its `.building` folder, its swap link) is swept by the next one.
    """

    def __init__(self, target: Target, keep: int = 3):
        self.path = _project_path(target.location).absolute()
        self.releases = self.path.parent / f".{self.path.name}.releases"
        self.keep = max(keep, 1)
        self._lock = None
        self._created: list[Path] = []  # folders this publication made, outermost first
        self._deployed = False

    def _swap_link(self, pid: int | str) -> Path:
        return self.path.with_name(f".{self.path.name}.swap-{pid}")

    def _check_target(self) -> None:
        """Refuse, before anything is built or created, a target that cannot be a folder."""
        if self.path.exists() and not self.path.is_dir():
            raise PublishFailed(
                f"{self.path} là một tệp, không phải thư mục: không xuất bản vào đó. Hãy chọn "
                "một thư mục (chưa có cũng được), hoặc xóa/đổi tên tệp đó nếu nó không còn "
                "dùng. Chưa có gì thay đổi.")
        existing = self.path.parent
        while not existing.exists() and not existing.is_symlink():
            existing = existing.parent
        if not existing.is_dir():
            raise PublishFailed(
                f"{existing} là một tệp, không phải thư mục, nên không tạo được {self.path}. "
                "Hãy chọn đích khác. Chưa có gì thay đổi.")

    def _unwritable(self, folder: Path, error: OSError) -> PublishFailed:
        return PublishFailed(
            f"Không ghi được vào thư mục {folder} ({error.strerror or error}): xuất bản vào "
            f"{self.path} cần quyền ghi ở đó (cho liên kết {self.path.name} và thư mục "
            f"{self.releases.name}). Hãy cấp quyền ghi cho người dùng chạy xuất bản (ví dụ "
            f"`chown deploy {folder}`) hoặc chọn đích khác. Chưa có gì thay đổi.")

    def _make_folders(self) -> None:
        missing = []
        folder = self.releases
        while not folder.exists() and not folder.is_symlink():
            missing.append(folder)
            folder = folder.parent
        for folder in reversed(missing):
            try:
                folder.mkdir()
            except OSError as error:
                raise self._unwritable(folder.parent, error) from None
            self._created.append(folder)

    def _probe_parent(self) -> None:
        # Going live creates a symlink beside the target and renames it over the target: prove
        # now, before minutes of building, that this folder takes new names.
        probe = self._swap_link(os.getpid())
        try:
            if probe.is_symlink():
                probe.unlink()
            probe.symlink_to(self.releases.name)
            probe.unlink()
        except OSError as error:
            raise self._unwritable(self.path.parent, error) from None

    def _sweep(self) -> None:
        """What publications killed halfway left: their build folders and swap links. Only
        called with the lock held, so none of them belongs to a running publication."""
        for leftover in self.releases.glob("*.building"):
            shutil.rmtree(leftover, ignore_errors=True)
            say(f"Đã xóa {leftover}: phần dựng dở của một lần xuất bản bị ngắt trước đây.")
        for link in self.path.parent.glob(f".{glob.escape(self.path.name)}.swap-*"):
            if link.is_symlink():
                link.unlink()

    def staging(self, dry_run: bool) -> Path:
        self._check_target()
        if dry_run:  # a dry run leaves no trace beside the target either
            return Path(tempfile.mkdtemp(prefix="tintuc-publish-"))
        try:
            self._make_folders()
            self._probe_parent()
            self._lock = open(self.releases / ".lock", "w")  # noqa: SIM115  held until the end
            try:
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise PublishFailed(f"Một lần xuất bản khác tới {self.path} đang chạy; "
                                    "hãy đợi nó xong rồi chạy lại.") from None
            self._sweep()
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
            # The build happens here, beside the target on the same filesystem, so that going
            # live is a rename and not a copy; no reader can see this folder.
            staging = self.releases / f"{stamp}-{secrets.token_hex(3)}.building"
            staging.mkdir()
        except OSError as error:
            self.close()
            raise self._unwritable(self.releases, error) from None
        except PublishFailed:
            self.close()
            raise
        return staging

    def dry_run(self, staging: Path) -> None:
        live = self.path.resolve() if self.path.exists() else self.path
        print_changes(*tree_changes(live, staging))

    def deploy(self, staging: Path) -> None:
        release = staging.with_name(staging.name.removesuffix(".building"))
        link = self._swap_link(os.getpid())
        try:
            staging.rename(release)
            if link.is_symlink() or link.exists():
                link.unlink()
            link.symlink_to(os.path.relpath(release, self.path.parent))
            self._go_live(link, release)
        except OSError as error:
            # Back to the state before: the build folder as it was, the live site untouched.
            if link.is_symlink():
                link.unlink()
            if release.exists() and not self._is_live(release):
                release.rename(staging)
            raise PublishFailed(
                f"Không chuyển được {self.path} sang bản mới ({error.strerror or error}: "
                f"{error.filename or self.path.parent}). Trang đang chạy không bị thay đổi; "
                "kiểm tra quyền ghi và chỗ trống trên đĩa rồi chạy lại.") from None
        self._deployed = True
        self._prune(release)
        say(f"Đã chuyển {self.path} sang bản mới: {release}")

    def _is_live(self, release: Path) -> bool:
        return self.path.is_symlink() and self.path.resolve() == release.resolve()

    def _go_live(self, link: Path, release: Path) -> None:
        if self.path.is_symlink() or not self.path.exists():
            os.replace(link, self.path)  # rename(2) over a symlink: atomic
        elif self.path.is_dir():
            # The first publication over a folder filled by hand: swap the folder and the new
            # symlink in one step, then keep the old folder as a release to roll back to.
            previous = self.releases / f"{release.name}-truoc-do"
            if _exchange(link, self.path):
                try:
                    link.rename(previous)
                except OSError as error:  # the new site is live already: only say where
                    say(f"Cảnh báo: không chuyển được thư mục cũ vào {previous} "
                        f"({error.strerror}); nó vẫn nằm ở {link}.")
            else:
                say(f"Cảnh báo: hệ thống tệp không đổi chỗ được hai đường dẫn trong một bước; "
                    f"{self.path} vắng mặt trong tích tắc khi đổi sang bản mới.")
                self.path.rename(previous)
                os.replace(link, self.path)
        else:  # became a file since the check: leave it alone
            raise FileExistsError(errno.EEXIST, "đích đã thành một tệp", str(self.path))

    def _prune(self, current: Path) -> None:
        releases = sorted((path for path in self.releases.iterdir()
                           if path.is_dir() and not path.name.endswith(".building")),
                          key=lambda path: path.stat().st_mtime, reverse=True)
        kept = [current, *[path for path in releases if path != current][: self.keep - 1]]
        for path in releases:
            if path not in kept:
                shutil.rmtree(path, ignore_errors=True)

    def discard(self, staging: Path) -> None:
        shutil.rmtree(staging, ignore_errors=True)

    def close(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None
        if not self._deployed:
            # A first publication that stopped leaves no empty folders behind it.
            if self.releases in self._created:
                (self.releases / ".lock").unlink(missing_ok=True)
            for folder in reversed(self._created):
                try:
                    folder.rmdir()
                except OSError:
                    break  # not empty: something else lives there now
        self._created = []


# --- rsync target ------------------------------------------------------------------------------


class RsyncTarget:
    def __init__(self, target: Target, protect: list[str] | None = None):
        self.target = target
        self.protect = protect or []

    def staging(self, dry_run: bool) -> Path:
        return Path(tempfile.mkdtemp(prefix="tintuc-publish-"))

    def ssh_command(self) -> list[str]:
        # BatchMode: never wait for a password; StrictHostKeyChecking: never trust a host key
        # that known_hosts does not already hold (a CI secret, docs/publishing.md).
        command = ["ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                   "-o", "ConnectTimeout=20"]
        if self.target.port:
            command += ["-p", str(self.target.port)]
        if self.target.key:
            command += ["-i", str(Path(self.target.key).expanduser()), "-o", "IdentitiesOnly=yes"]
        if self.target.known_hosts:
            command += ["-o", f"UserKnownHostsFile={Path(self.target.known_hosts).expanduser()}"]
        return command

    def rsync_command(self, staging: Path, dry_run: bool) -> list[str]:
        destination = self.target.location.rstrip("/") + "/"
        command = ["rsync", "-a", "--delay-updates", "--delete-after", "--compress",
                   # Every build rewrites every file: compare contents, not mtimes, so only
                   # what really changed travels and the dry run lists only that.
                   "--checksum",
                   # The web server's user must read what arrives, whoever the CI user was.
                   "--no-owner", "--no-group", "--chmod=D755,F644",
                   "-e", shlex.join(self.ssh_command())]
        command += [f"--filter=P {pattern}" for pattern in self.protect]
        if dry_run:
            command += ["--dry-run", "--itemize-changes"]
        else:
            command += ["--stats"]
        return [*command, f"{staging}/", destination]

    _STATS = ("Number of created files", "Number of deleted files",
              "Number of regular files transferred", "Total transferred file size")

    def _run(self, staging: Path, dry_run: bool) -> None:
        command = self.rsync_command(staging, dry_run)
        run = subprocess.run(command, capture_output=True, text=True, timeout=3600)
        lines = (run.stdout or "").splitlines()
        if not dry_run:  # of --stats, what an operator reads
            lines = [line for line in lines if line.startswith(self._STATS)]
        if lines:
            say("\n".join(lines))
        if run.returncode != 0:
            raise PublishFailed(
                f"rsync tới {self.target.location} không thành công (mã {run.returncode}): "
                f"{run.stderr.strip()[-800:]}\nVới --delay-updates, tệp chỉ được đổi tên vào "
                "chỗ khi đã chép xong: kiểm tra máy chủ rồi chạy lại.")

    def dry_run(self, staging: Path) -> None:
        say("rsync --dry-run --itemize-changes (dấu > là tệp sẽ gửi, *deleting là tệp sẽ xóa):")
        self._run(staging, dry_run=True)

    def deploy(self, staging: Path) -> None:
        self._run(staging, dry_run=False)
        say(f"Đã đồng bộ lên {self.target.location}.")

    def discard(self, staging: Path) -> None:
        shutil.rmtree(staging, ignore_errors=True)

    def close(self) -> None:
        pass


# --- gh-pages target ---------------------------------------------------------------------------


class GhPagesTarget:
    """A branch of a git repository, written with ghp-import in a scratch repository.

    The scratch repository fetches only the branch's last commit and ghp-import adds one on
    top, so a push is a fast-forward: two publications racing fail loudly, never overwrite.
    """

    def __init__(self, target: Target, message: str = ""):
        self.target = target
        location = target.location
        local = _project_path(location)
        self.remote = str(local) if local.exists() else location
        # A remote of the project's own repository ("origin" in CI) is pushed to with that
        # repository's HTTP settings: actions/checkout keeps its token there, not in a URL.
        self.inherited: list[tuple[str, str]] = []
        url = self._project_git("remote", "get-url", location)
        if url:
            self.remote = url
            listing = self._project_git("config", "--get-regexp", r"^http\.")
            self.inherited = [tuple(line.split(" ", 1)) for line in listing.splitlines()
                              if " " in line]
        self.message = message
        self.scratch: Path | None = None

    @staticmethod
    def _project_git(*args: str) -> str:
        run = subprocess.run(["git", "-C", str(PROJECT), *args], capture_output=True, text=True)
        return run.stdout.strip() if run.returncode == 0 else ""

    def staging(self, dry_run: bool) -> Path:
        return Path(tempfile.mkdtemp(prefix="tintuc-publish-"))

    def _git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        run = subprocess.run(["git", "-C", str(self.scratch), *args], capture_output=True,
                             text=True, env=self._env(), timeout=1800)
        if check and run.returncode != 0:
            raise PublishFailed(f"git {' '.join(args[:2])} không thành công: "
                                f"{run.stderr.strip()[-800:]}")
        return run

    @staticmethod
    def _env() -> dict:
        env = dict(os.environ)
        # ghp-import signs the commit as the committer; CI machines often have no git identity.
        env.setdefault("GIT_COMMITTER_NAME", "Tin tức publish")
        env.setdefault("GIT_COMMITTER_EMAIL", "publish@localhost")
        return env

    def _commit(self, staging: Path, push: bool) -> bool:
        """ghp-import in the scratch repository; True when the branch existed before."""
        self.scratch = Path(tempfile.mkdtemp(prefix="tintuc-gh-pages-"))
        self._git("init", "-q")
        for key, value in self.inherited:
            self._git("config", "--add", key, value)
        self._git("remote", "add", "target", self.remote)
        branch = self.target.branch
        heads = self._git("ls-remote", "--heads", "target", branch, check=False)
        if heads.returncode != 0:
            raise PublishFailed(f"Không đọc được kho {self.remote}: {heads.stderr.strip()[-500:]}")
        existed = bool(heads.stdout.strip())
        if existed:
            self._git("fetch", "-q", "--depth=1", "target",
                      f"+refs/heads/{branch}:refs/remotes/target/{branch}")
        command = [str(BIN / "ghp-import"), "-n", "-b", branch, "-r", "target",
                   "-m", self.message or "Xuất bản trang"]
        if self.target.cname:
            command += ["-c", self.target.cname]
        if push:
            command.append("-p")
        run = subprocess.run([*command, str(staging)], cwd=self.scratch, capture_output=True,
                             text=True, env=self._env(), timeout=3600)
        if run.returncode != 0:
            raise PublishFailed(f"ghp-import không thành công: "
                                f"{(run.stderr or run.stdout).strip()[-800:]}")
        return existed

    def dry_run(self, staging: Path) -> None:
        existed = self._commit(staging, push=False)
        branch = self.target.branch
        if existed:
            diff = self._git("diff", "--name-status", f"target/{branch}", branch).stdout
        else:
            diff = self._git("show", "--name-status", "--format=", branch).stdout
        lines = [line.split("\t", 1) for line in diff.splitlines() if "\t" in line]
        added = [name for status, name in lines if status == "A"]
        changed = [name for status, name in lines if status == "M"]
        removed = [name for status, name in lines if status == "D"]
        say(f"Nhánh {branch} của {self.remote}" + ("" if existed else " (chưa có, sẽ tạo mới)")
            + ":")
        print_changes(added, changed, removed)

    def deploy(self, staging: Path) -> None:
        self._commit(staging, push=True)
        say(f"Đã đẩy nhánh {self.target.branch} lên {self.remote}.")

    def discard(self, staging: Path) -> None:
        shutil.rmtree(staging, ignore_errors=True)

    def close(self) -> None:
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None


# --- the whole publication ---------------------------------------------------------------------


@dataclass
class Outcome:
    results: list[gates.GateResult] = field(default_factory=list)
    compression: CompressionStats | None = None

    @property
    def failed(self) -> list[str]:
        return [result.name for result in self.results if not result.ok]


def _gate(outcome: Outcome, result: gates.GateResult) -> None:
    outcome.results.append(result)
    say(result.report())


def _settings_path(settings: str | Path) -> Path:
    path = _project_path(settings)
    if not path.is_file():
        raise PublishFailed(f"Không có tệp cấu hình {path}.")
    return path


def build_and_check(content: Path, staging: Path, settings_file: Path, settings: dict,
                    skip: set[str], outcome: Outcome) -> None:
    """The gates in order, building into `staging`; raises at the first stage that fails."""
    if "content" in skip:
        _gate(outcome, gates.GateResult("content", skipped=True))
    else:
        _gate(outcome, gates.timed("content", lambda: gates.check_content(content, settings)))
    if outcome.failed:
        raise PublishFailed(_refusal(outcome))
    if "build" in skip:
        raise PublishFailed("Không thể bỏ qua bước “build”: không có gì để xuất bản.")
    build = run_build(content, staging, settings_file)
    if build.ok:
        build.findings = [gates.Finding("", 0, problem) for problem in site_problems(staging)]
    _gate(outcome, build)
    if outcome.failed:
        raise PublishFailed(_refusal(outcome))
    os.chmod(staging, 0o755)  # mkdtemp's 0700 would travel with rsync -a and lock nginx out
    gates.run_output_gates(staging, settings, skip, lambda result: _gate(outcome, result),
                           base=settings_file.parent)
    if outcome.failed:
        raise PublishFailed(_refusal(outcome))


def site_problems(folder: Path) -> list[str]:
    """Why a folder is not a built site (empty when it is one). Every gate passes over an
    empty folder, so this is asked first: a wrong path must never pass as a good site."""
    if folder.is_file():
        return [f"{folder} là một tệp, không phải thư mục kết quả của bản dựng."]
    if not folder.is_dir():
        return [f"Không có thư mục {folder}: hãy dựng trang trước (invoke build) hoặc chỉ "
                "đúng thư mục kết quả."]
    if not any(folder.iterdir()):
        return [f"Thư mục {folder} trống: không có trang nào để kiểm tra. Hãy dựng trang "
                "trước (invoke build) hoặc chỉ đúng thư mục kết quả."]
    if not (folder / "index.html").is_file():
        return [f"Thư mục {folder} không có index.html (trang chủ): đây không phải thư mục "
                "kết quả của một bản dựng, hoặc bản dựng hỏng. Hãy dựng lại (invoke build) "
                "hoặc chỉ đúng thư mục kết quả."]
    return []


def _refusal(outcome: Outcome) -> str:
    names = ", ".join(f"“{name}”" for name in outcome.failed)
    return (f"Không xuất bản: bước kiểm tra {names} không đạt (xem chi tiết ở trên). "
            "Trang đang chạy không bị thay đổi.")


def run_publish(target: Target, *, content: str | Path = "content",
                settings: str | Path = DEFAULT_SETTINGS, dry_run: bool = False,
                skip: set[str] | None = None, message: str = "") -> Outcome:
    """Everything `invoke publish` does; raises PublishFailed with the operator's message."""
    skip = set(skip or ())
    unknown = skip - set(gates.GATES)
    if unknown:
        raise PublishFailed(f"Không có bước kiểm tra {', '.join(sorted(unknown))}; "
                            f"các bước: {', '.join(gates.GATES)}.")
    settings_file = _settings_path(settings)
    content_path = _project_path(content)
    outcome = Outcome()
    site_settings = read_settings(settings_file)
    if target.kind == "folder":
        deployer = FolderTarget(target, keep=int(site_settings.get("PUBLISH_KEEP_RELEASES", 3)))
    elif target.kind == "rsync":
        deployer = RsyncTarget(target, protect=site_settings.get("PUBLISH_PROTECT"))
    else:
        target.cname = target.cname or site_settings.get("PUBLISH_CNAME") or ""
        deployer = GhPagesTarget(target, message or _commit_message(site_settings))
    say(f"Xuất bản {site_settings.get('SITEURL')} tới {target.describe()}"
        + (" (chạy thử: không thay đổi gì)" if dry_run else ""))
    for name in sorted(skip):
        say(f"CẢNH BÁO: bỏ qua bước kiểm tra “{name}” theo yêu cầu (--skip {name}).")
    staging = deployer.staging(dry_run)
    deployed = False
    try:
        build_and_check(content_path, staging, settings_file, site_settings, skip, outcome)
        server_files = not_for_readers(site_settings)
        if target.kind == "gh-pages":
            # GitHub Pages would serve the nginx map to anyone, and has no use for it.
            for name in server_files:
                (staging / name).unlink(missing_ok=True)
        else:
            # GitHub Pages compresses by itself and ignores these copies; elsewhere nginx
            # serves them (gzip_static, brotli_static) without compressing on each request.
            outcome.compression = compress_tree(staging,
                                                site_settings.get("PUBLISH_COMPRESSION"),
                                                skip=server_files)
            stats = outcome.compression
            say(f"Nén sẵn {stats.files} tệp văn bản ({_mb(stats.original)}): "
                f".gz {_mb(stats.gzip)}, .br {_mb(stats.brotli)} ({stats.seconds:.1f} s)")
        if dry_run:
            deployer.dry_run(staging)
            say("Chạy thử xong: đích không bị thay đổi.")
        else:
            deployer.deploy(staging)
            deployed = True
            say(f"Xuất bản xong: {target.describe()}")
    finally:
        if not deployed or target.kind != "folder":
            deployer.discard(staging)
        deployer.close()
    return outcome


def _commit_message(settings: dict) -> str:
    revision = subprocess.run(["git", "-C", str(PROJECT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True).stdout.strip()
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"Xuất bản {settings.get('SITEURL', '')} lúc {when}" + (
        f" từ {revision}" if revision else "")


def run_verify(*, output: str | Path | None = None, content: str | Path = "content",
               settings: str | Path = DEFAULT_SETTINGS, skip: set[str] | None = None) -> Outcome:
    """The gates alone: over an already built folder (`output`), or over a fresh build."""
    skip = set(skip or ())
    settings_file = _settings_path(settings)
    outcome = Outcome()
    if output:
        folder = _project_path(output)
        problems = site_problems(folder)
        if problems:
            raise PublishFailed(" ".join(problems))
        gates.run_output_gates(folder, read_settings(settings_file), skip,
                               lambda result: _gate(outcome, result), base=settings_file.parent)
        if outcome.failed:
            raise PublishFailed(f"Bước kiểm tra {', '.join(outcome.failed)} không đạt.")
        return outcome
    staging = Path(tempfile.mkdtemp(prefix="tintuc-verify-"))
    try:
        build_and_check(_project_path(content), staging, settings_file,
                        read_settings(settings_file), skip, outcome)
    except PublishFailed:
        raise PublishFailed(f"Bước kiểm tra {', '.join(outcome.failed)} không đạt.") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return outcome


def _as_task(work: Callable[[], Outcome], success: str) -> None:
    start = time.perf_counter()
    try:
        work()
    except PublishFailed as failure:
        say(f"✗ {failure}")
        raise Exit(code=1) from None
    say(f"✓ {success} ({time.perf_counter() - start:.1f} s)")


@task(iterable=["skip"], help={
    "target": "folder:/srv/www/tintuc | rsync:user@host:/srv/www/tintuc | gh-pages:REMOTE "
              "(default: $PUBLISH_TARGET)",
    "dry-run": "build and check, then print what would change; change nothing",
    "content": "content folder (content/)",
    "settings": "settings file (publishconf.py)",
    "port": "ssh port (rsync)", "key": "ssh private key file (rsync)",
    "known-hosts": "known_hosts file holding the server's key (rsync)",
    "branch": "branch to write (gh-pages)", "cname": "custom domain (gh-pages)",
    "message": "commit message (gh-pages)",
    "skip": "skip a gate (content, links, budget, csp, html); repeatable; emergencies only",
})
def publish(c, target="", dry_run=False, content="content", settings=DEFAULT_SETTINGS, port=0,
            key="", known_hosts="", branch="gh-pages", cname="", message="", skip=None):
    """Build with publishconf.py, pass every gate, then deploy (folder, rsync or gh-pages)."""
    def work() -> Outcome:
        chosen = parse_target(target or os.environ.get("PUBLISH_TARGET", ""),
                              port=int(port or os.environ.get("PUBLISH_SSH_PORT") or 0),
                              key=key or os.environ.get("PUBLISH_SSH_KEY", ""),
                              known_hosts=known_hosts or os.environ.get("PUBLISH_KNOWN_HOSTS", ""),
                              branch=branch, cname=cname)
        return run_publish(chosen, content=content, settings=settings, dry_run=dry_run,
                           skip=set(skip or ()), message=message)

    _as_task(work, "Chạy thử xong." if dry_run else "Đã xuất bản.")


@task(iterable=["skip"], help={
    "output": "check this already built folder instead of building a fresh one",
    "content": "content folder (content/)", "settings": "settings file (publishconf.py)",
    "skip": "skip a gate; repeatable",
})
def verify(c, output="", content="content", settings=DEFAULT_SETTINGS, skip=None):
    """Run every publishing gate (content, build, links, budget, csp, html); deploy nothing."""
    _as_task(lambda: run_verify(output=output or None, content=content, settings=settings,
                                skip=set(skip or ())), "Mọi bước kiểm tra đều đạt.")
