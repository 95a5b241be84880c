"""Files: how they are named to people, reading a settings file without Pelican, which files
of a content folder are articles (pages, static files, stray files), and replacing a file
whole. Shared by the reader, the checker, the tasks and every stage that writes a cache or
state file. No Pelican here."""

import contextlib
import os
import runpy
import secrets
import shutil
from collections.abc import Iterator, Mapping, Set
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from tintuc import active_content

# The extensions the site's Markdown reader takes (plugins/vn_reader/reader.py); Pelican
# matches them case-sensitively, so `Bai.MD` is silently skipped by a build.
MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mkd", ".mdown")
# Files an editor may mean as an article but that no build reads.
_NOT_ARTICLE_SUFFIXES = frozenset({".txt", ".doc", ".docx", ".odt", ".rtf", ".rst", ".html",
                                   ".htm", ".pdf"})
MAYBE_MEANT_AS_ARTICLE = _NOT_ARTICLE_SUFFIXES | set(MARKDOWN_EXTENSIONS)

# What a build makes of a file of the content folder (`kind_of`).
ARTICLE, PAGE, STATIC, STRAY, OTHER = "article", "page", "static", "stray", "other"


def display_path(path: str | os.PathLike) -> str:
    """The path editors recognise: relative to the working folder when inside it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def load_settings(settings_file: str | os.PathLike) -> dict:
    """The upper-case names a settings file (pelicanconf.py) defines, as Pelican reads them
    (without Pelican's defaults for the names it does not define: `setting` gives those)."""
    values = runpy.run_path(str(Path(settings_file)))
    return {name: value for name, value in values.items() if name.isupper()}


def content_folder(settings, settings_file: str | os.PathLike) -> Path:
    """The settings' PATH (default `content`), which Pelican reads relative to the settings
    file."""
    return Path(settings_file).resolve().parent / setting(settings, "PATH", "content")


def setting(settings, name: str, default=None):
    """A setting from a dict (Pelican's settings, `load_settings`) or a module-like object
    (pelicanconf imported)."""
    if isinstance(settings, Mapping):
        return settings.get(name, default)
    return getattr(settings, name, default)


# --- which files are articles -----------------------------------------------------------------

def folders(settings, name: str, default: list[str]) -> list[str]:
    """A setting that lists folders of the content folder (STATIC_PATHS, PAGE_PATHS, …), each
    `/`-separated without a leading or trailing `/` ("" is the content folder itself)."""
    return [path.replace(os.sep, "/").strip("/") for path in setting(settings, name, default)]


def is_under(relative: str, within: list[str]) -> bool:
    """Whether `relative` (to the content folder, `/`-separated) lies in one of `within`."""
    return any(folder == "" or relative.startswith(folder + "/") for folder in within)


@dataclass(frozen=True)
class ContentRules:
    """Pelican's settings that say what each file of the content folder is, with Pelican's
    defaults (Pelican's `get_files`: a folder in ARTICLE_EXCLUDES is the one at that path)."""

    article_paths: list[str]
    article_excludes: list[str]
    page_paths: list[str]
    page_excludes: list[str]
    static_paths: list[str]

    @classmethod
    def of(cls, settings) -> "ContentRules":
        # An empty exclusion names no folder to Pelican (it adds ARTICLE_PATHS, [""], to
        # PAGE_EXCLUDES): it excludes nothing.
        return cls(folders(settings, "ARTICLE_PATHS", [""]),
                   [path for path in folders(settings, "ARTICLE_EXCLUDES", []) if path],
                   folders(settings, "PAGE_PATHS", ["pages"]),
                   [path for path in folders(settings, "PAGE_EXCLUDES", []) if path],
                   folders(settings, "STATIC_PATHS", ["images"]))

    def kind_of(self, relative: str) -> str:
        """ARTICLE or PAGE (a Markdown file the build reads as one), STATIC (copied as it is),
        STRAY (an editor may have meant it as an article, but no build reads it) or OTHER."""
        is_page = is_under(relative, self.page_paths) \
            and not is_under(relative, self.page_excludes)
        excluded = not is_under(relative, self.article_paths) \
            or is_under(relative, self.article_excludes)
        suffix = os.path.splitext(relative)[1]
        if suffix in MARKDOWN_EXTENSIONS and (is_page or not excluded):
            return PAGE if is_page else ARTICLE
        if is_under(relative, self.static_paths):
            return STATIC
        if (is_page or not excluded) and suffix.lower() in MAYBE_MEANT_AS_ARTICLE:
            return STRAY
        return OTHER


def kind_of(relative: str, settings) -> str:
    """What a build makes of the file at `relative` (to the content folder, `/`-separated):
    ARTICLE, PAGE, STATIC, STRAY or OTHER (`ContentRules.kind_of`)."""
    return ContentRules.of(settings).kind_of(relative)


@dataclass(frozen=True)
class ContentFile:
    path: Path  # on disk: under the content folder as it was given
    relative: str  # to the content folder, `/`-separated
    kind: str  # ARTICLE, PAGE, STATIC, STRAY or OTHER


@dataclass
class ContentFiles:
    """Every file of a content folder, in a stable order (sorted, folder by folder), and what
    each is; hidden files and folders (`.git`), editors' backups (`~`) and refused symbolic
    links are nobody's content and are not listed."""

    files: list[ContentFile]
    # Files of the kinds a browser may run (tintuc.active_content checks them), of any kind.
    uploads: list[Path]

    def of_kind(self, *kinds: str) -> list[ContentFile]:
        return [found for found in self.files if found.kind in kinds]

    @property
    def documents(self) -> list[ContentFile]:
        """The Markdown files a build reads: articles and pages, in the folder's order."""
        return self.of_kind(ARTICLE, PAGE)

    @property
    def stray(self) -> list[Path]:
        return [found.path for found in self.of_kind(STRAY)]


def content_files(root: str | os.PathLike, settings,
                  refused: Set[Path] = frozenset()) -> ContentFiles:
    """Which files of the content folder `root` are articles, pages, static files and stray
    files, by `settings` (a dict or a settings module; Pelican's defaults where unset)."""
    root = Path(root)
    rules = ContentRules.of(settings)
    files, uploads = [], []
    for directory, subfolders, names in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(names):
            if name.startswith(".") or name.endswith("~"):
                continue
            path = Path(directory, name)
            if path in refused:
                continue
            if active_content.is_checked(name):
                uploads.append(path)
            relative = path.relative_to(root).as_posix()
            files.append(ContentFile(path, relative, rules.kind_of(relative)))
    return ContentFiles(files, uploads)


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
