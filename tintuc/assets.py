"""Cache-busting URLs for the theme's stylesheet and scripts (issue 6).

`{{ "css/tin.css"|asset_url }}` gives `SITEURL/theme/css/tin.css?v=<10 hex digits>`, the digits
taken from the file's contents. The template writes the final URL once, in every build (the
local preview too), so no step re-reads pages afterwards to rewrite them; the web server gives
any URL with `?v=` a year-long immutable cache (deploy/nginx/tintuc.conf), and a changed file
gets a new URL the moment a page that links it is rebuilt.
"""

import hashlib
from functools import lru_cache
from pathlib import Path

from jinja2 import pass_context

DIGEST_LENGTH = 10


@lru_cache(maxsize=256)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    # mtime and size are part of the key so that a preview server picks up an edited file.
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            sha.update(block)
    return sha.hexdigest()[:DIGEST_LENGTH]


def file_digest(path: Path) -> str:
    """The first hex digits of the file's SHA-256."""
    stat = path.stat()
    return _digest(str(path), stat.st_mtime_ns, stat.st_size)


def find_theme_file(theme: str, static_paths, relpath: str) -> Path | None:
    """Where Pelican copies `THEME_STATIC_DIR/relpath` from: `THEME/<static path>/relpath`."""
    for static in static_paths or ["static"]:
        candidate = Path(theme) / static / relpath
        if candidate.is_file():
            return candidate
    return None


def versioned_url(siteurl: str, static_dir: str, relpath: str, digest: str) -> str:
    base = f"{siteurl.rstrip('/')}/{static_dir.strip('/')}" if static_dir else siteurl.rstrip("/")
    return f"{base}/{relpath.lstrip('/')}?v={digest}"


@pass_context
def asset_url(context, relpath: str) -> str:
    """The URL of a theme file with its content digest, from the page's settings."""
    relpath = relpath.lstrip("/")
    theme = context.get("THEME") or ""
    source = find_theme_file(theme, context.get("THEME_STATIC_PATHS"), relpath)
    if source is None:
        # A template error stops the build (build_guard): a page must not link a file that
        # the build will not copy.
        raise FileNotFoundError(
            f"asset_url: không có tệp “{relpath}” trong thư mục tĩnh của giao diện ({theme})."
        )
    return versioned_url(
        str(context.get("SITEURL") or ""), str(context.get("THEME_STATIC_DIR", "theme")),
        relpath, file_digest(source),
    )


FILTERS = {"asset_url": asset_url}
