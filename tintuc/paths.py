"""Values that become paths, and the files a build may read: never anything outside.

The rule (docs/security.md): no file whose real path is outside the content folder is read or
copied, and nothing is written outside the output folder. Editors' values that end up in a
path — a language, a template name, a slug, an old address, a `{static}` target — are checked
here, by the reader, `invoke check` and the build alike, so they cannot disagree.

Pure: no Pelican.
"""

import os
import posixpath
import re
from urllib.parse import unquote, urlsplit

from tintuc.problems import ERROR, Problem

# BCP 47 as people write it: `vi`, `en`, `en-US`, `zh-Hant`.
LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3}")
# A template of the theme, named without its `.html`: `page`, `trang-rieng`, `english_page`.
TEMPLATE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
# File names are at most 255 bytes on every filesystem we publish to; a name, tag or slug far
# below that is long already, and leaves room for `-2`, `.html` and the folders above it.
MAX_NAME = 100
MAX_SLUG = 200
# `{static}`, `{attach}` and the older `|static|` (Pelican's intra-site links that copy a file).
_COPYING_LINK = re.compile(r"(?:\{(?P<what>static|attach)\}|\|(?P<old>static)\|)"
                           r"(?P<target>[^\s)\"'<>\]]*)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def contained(relative: str) -> str | None:
    """`relative` (a `/`-separated path inside some root) normalised, or None when it leaves
    the root: `a/../b` → `b`; `../b`, `a/../../b` → None. Backslashes count as separators,
    as Windows editors type them."""
    path = relative.replace("\\", "/")
    if not path or _CONTROL.search(path):
        return None
    normal = posixpath.normpath(path.lstrip("/"))
    if normal == ".." or normal.startswith("../") or posixpath.isabs(normal):
        return None
    return "" if normal == "." else normal


def is_inside(root: str | os.PathLike, path: str | os.PathLike) -> bool:
    """Whether `path`, every symbolic link followed, is `root` or below it."""
    real_root, real = os.path.realpath(root), os.path.realpath(path)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def copying_links(body: str, first_line: int = 1):
    """(line, what, target) of every `{static}`/`{attach}` link of a Markdown body."""
    if "static" not in body and "attach" not in body:
        return
    for match in _COPYING_LINK.finditer(body):
        yield (first_line + body.count("\n", 0, match.start()),
               match["what"] or match["old"], match["target"])


def link_target(folder: str, target: str) -> str | None:
    """A `{static}` target as a path relative to the content folder, Pelican's way (a leading
    `/` starts at the content folder, anything else at the article's `folder`); None when it
    points outside the content folder."""
    path = unquote(urlsplit(target).path)
    if not path.startswith("/"):
        path = posixpath.join(folder, path)
    return contained(path)


def refused_symlinks(root: str | os.PathLike) -> list[tuple[str, str]]:
    """(path, why) of every symbolic link under `root` that a build would follow out of it:
    one pointing outside the folder (`/etc/passwd`, `~/.ssh`), one to a folder (which may hold
    the link itself: a walk would never end), one pointing nowhere. Hidden folders (`.git`)
    are not content and are not walked."""
    refused = []
    real_root = os.path.realpath(root)
    pending = [os.fspath(root)]
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_symlink():
                reason = _symlink_reason(real_root, entry.path)
                if reason:
                    refused.append((entry.path, reason))
            elif entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
    return sorted(refused)


def symlink_problem(shown: str, reason: str) -> Problem:
    return Problem(shown, 1, "symlink",
                   f"đây là liên kết tượng trưng (symlink) {reason}: bản dựng không đọc và "
                   "không đăng tệp nằm ngoài thư mục nội dung",
                   "xóa liên kết này và chép chính tệp cần đăng vào thư mục nội dung (ảnh: "
                   "content/images/NĂM/THÁNG/)", ERROR)


def _symlink_reason(real_root: str, path: str) -> str | None:
    target = os.path.realpath(path)
    if not (target == real_root or target.startswith(real_root.rstrip(os.sep) + os.sep)):
        return f"trỏ ra ngoài thư mục nội dung ({os.readlink(path)})"
    if os.path.isdir(target):
        return "trỏ tới một thư mục"
    if not os.path.exists(target):
        return f"trỏ tới tệp không tồn tại ({os.readlink(path)})"
    return None


def legacy_path_problem(value: str) -> str | None:
    """Why an old address (`Đường dẫn cũ`) cannot be one, or None. Old addresses become keys
    of the server's redirect map and the paths of small redirect pages in the output."""
    if _CONTROL.search(value):
        return "có ký tự điều khiển"
    parts = urlsplit(value.strip())
    if parts.scheme and parts.scheme not in ("http", "https"):
        return f"địa chỉ “{parts.scheme}:” không phải địa chỉ trang web"
    path = unquote(parts.path)
    if not path.startswith("/"):
        return "phải bắt đầu bằng “/” (ví dụ /news/hoat-dong-doan/ten-bai-123.html)"
    if "\\" in path or _CONTROL.search(path):
        return "có ký tự không dùng được trong địa chỉ (\\ hoặc ký tự điều khiển)"
    if any(part in (".", "..") for part in path.split("/")):
        return "có đoạn “.” hoặc “..”"
    return None


# Pelican's own outputs when a settings file does not name them.
_DEFAULT_OUTPUTS = ("index.html", "404.html", "robots.txt", "sitemap.xml", "feeds/")
# Where editors' documents go: the only outputs a slug may choose.
_DOCUMENT_OUTPUTS = frozenset({"ARTICLE_SAVE_AS", "ARTICLE_LANG_SAVE_AS", "PAGE_SAVE_AS",
                               "PAGE_LANG_SAVE_AS", "DRAFT_SAVE_AS", "DRAFT_LANG_SAVE_AS",
                               "DRAFT_PAGE_SAVE_AS", "DRAFT_PAGE_LANG_SAVE_AS"})


def _outputs(settings) -> list[str]:
    """Output paths (patterns) of everything the site writes that is not an editor's
    document: lists, archives, feeds, template pages, static folders, the theme, the search
    index, the old addresses' redirects."""
    found = list(_DEFAULT_OUTPUTS)
    for name, value in settings.items():
        if not isinstance(value, str) or not value or name in _DOCUMENT_OUTPUTS:
            continue
        if name.endswith(("_SAVE_AS", "_ATOM", "_RSS")):
            found.append(value)
    found += [value for value in (settings.get("TEMPLATE_PAGES") or {}).values() if value]
    found += [f"{path}/" for path in settings.get("STATIC_PATHS") or ()]
    found.append(f"{settings.get('THEME_STATIC_DIR') or 'theme'}/")
    for _minimum, _url, save_as in settings.get("PAGINATION_PATTERNS") or ():
        found.append(save_as.replace("{base_name}", "").lstrip("/"))
    search = settings.get("SEARCH_INDEX") or {}
    if search.get("enabled", True):
        found.append(f"{search.get('folder') or 'pagefind'}/")
    # The old site's folders (`news/`, `vi/`) are not: a page there wins over the redirects
    # made for them (plugins/legacy_redirects); only the map file is the site's own.
    redirects = settings.get("LEGACY_REDIRECTS") or {}
    if redirects.get("enabled", True):
        found.append(redirects.get("map_file") or "legacy-redirects.map")
    return found


def reserved_outputs(settings) -> tuple[frozenset[str], frozenset[str]]:
    """(folder names, file names) at the top of the output that the site itself uses: a page
    at `chuyen-muc/` or an article at `index.html` would replace one of its own pages."""
    folders, files = set(), set()
    for pattern in _outputs(settings):
        parts = pattern.lstrip("/").split("/")
        head = parts[0]
        if not head or "{" in head:
            continue
        (folders if len(parts) > 1 else files).add(head.lower())
    return frozenset(folders), frozenset(files)


def takes_reserved(save_as: str, reserved: tuple[frozenset[str], frozenset[str]],
                   slug: str = "") -> bool:
    """Whether a document written at `save_as` would replace one of the site's own outputs.
    With `slug`, only when the slug is what names that top-level folder or file (a draft at
    `ban-nhap/{slug}.html` takes nothing whatever its slug)."""
    folders, files = reserved
    parts = save_as.replace(os.sep, "/").lstrip("/").split("/")
    head = parts[0].lower()
    if slug and slug not in head:
        return False
    return head in folders if len(parts) > 1 else head in files


def reserved_slug_problem(shown: str, line: int, slug: str, save_as: str) -> Problem:
    return Problem(shown, line, "reserved-slug",
                   f"“Đường dẫn” “{slug}” sẽ ghi đè {save_as}, một trang của chính trang web "
                   "(trang chủ, chuyên mục, thẻ, lưu trữ, tìm kiếm, ảnh…)",
                   f"đặt một “Đường dẫn” khác, ví dụ “{slug}-bai-viet”", ERROR)
