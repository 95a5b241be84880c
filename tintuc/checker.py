"""`invoke check`: everything the reader rejects, plus what hurts readers, without building.

Pure: no Pelican. The front-matter is read by `tintuc.frontmatter.read_source`, exactly as the
build reads it, so the checker can never disagree with the reader about an error. On top of
that come warnings the reader cannot give because they need the whole folder (two articles of
the same day with one title, two files pinning one URL) or the disk (photos that don't exist),
and a few about what readers see (missing alt text, long leads and titles, text in NFD, text
pasted from a legacy Vietnamese encoding).

Only the header is interpreted and the body is scanned with regular expressions: no Markdown
is rendered, so 10,000 articles take seconds (benchmarks/check_bench.py).
"""

import difflib
import functools
import hashlib
import os
import posixpath
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

from tintuc import active_content, paths
from tintuc.check_cache import CheckCache, RecordingListing
from tintuc.check_cache import Entry as CacheEntry
from tintuc.dates import build_clock, format_dateline, format_day, in_vietnam
from tintuc.files import (
    MARKDOWN_EXTENSIONS,
    PAGE,
    content_files,
    display_path,
    folders,
    is_under,
    setting,
    write_atomically,
)
from tintuc.frontmatter import (
    ARTICLE_REQUIRED,
    KEYS_BY_NAME,
    PAGE_REQUIRED,
    Document,
    read_source,
)
from tintuc.legacy_import import strip_prefix, url_path
from tintuc.problems import ERROR, WARNING, Problem
from tintuc.publication import SCHEDULED, status_at
from tintuc.text import fold, nfc, slugify
from tintuc.warning_groups import Group, group_problems

MAX_SUMMARY = 300
MAX_TITLE = 150
_LABEL = {name: key.label for name, key in KEYS_BY_NAME.items()}

# `![alt](src "title")`; the source may be written `<…>` when it holds spaces.
_MD_IMAGE = re.compile(
    r"!\[(?P<alt>(?:[^\[\]\n]|\[[^\]\n]*\])*)\]\(\s*(?P<src><[^>\n]*>|[^\s)]+)"
    r"(?:\s+(?P<title>\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?\s*\)"
)
_MD_IMAGE_REF = re.compile(r"!\[(?P<alt>[^\]\n]*)\]\[(?P<ref>[^\]\n]*)\]")
_REF_DEFINITION = re.compile(r"^ {0,3}\[(?P<ref>[^\]\n]+)\]:\s*<?(?P<src>[^\s>]+)>?", re.M)
_HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.I)
_HTML_ATTRIBUTE = re.compile(
    r"""\b(?P<name>src|alt)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s>]+))""", re.I
)
# Pelican's intra-site links, anywhere in the body (links, images, reference definitions).
_INTRASITE = re.compile(r"(?:\{(?P<what>static|attach|filename)\}|\|(?P<old>static|filename)\|)"
                        r"(?P<target>[^\s)\"'<>\]]*)")
_FENCED_CODE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,}).*?^ {0,3}(?P=fence)[ \t]*$", re.M | re.S)
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)

# Text pasted from a document typed in a legacy encoding, then saved as UTF-8: the legacy
# bytes show as Latin-1 symbols inside words (TCVN3 "§oµn" for "Đoàn", VNI "Ñoaøn"), or
# UTF-8 read once as Windows-1252 ("Đoàn" → "Ä‘oÃ n"). Vietnamese never has these inside a
# word, so three of them in one file are a safe sign.
_TCVN3_SYMBOLS = "¡¢£¤¥¦§¨©ª¬\u00ad®µ¶·¸¹¼½¾¿"  # « » are left out: they are quotes too
_TCVN3_IN_WORD = re.compile(
    f"(?<=[A-Za-zÀ-ÿ])[{_TCVN3_SYMBOLS}]|[{_TCVN3_SYMBOLS}](?=[A-Za-zÀ-ÿ])"
)
_VNI_MARKERS = "øûïöÑñ"
_VNI_IN_WORD = re.compile(r"(?<=[A-Za-z])[øûïö]|[Ññ](?=[a-z])")
# One cheap scan decides whether the three patterns are worth running at all.
_LEGACY_SUSPECT = re.compile(f"[{_TCVN3_SYMBOLS}{_VNI_MARKERS}ÃÄÆº»]")
_DOUBLE_UTF8 = re.compile(r"Ã[\u00a0-\u00bf]|Ä[‘’\u0090\u0091\ufffd]|Æ[°¡¯]|á[º»]")
_UNIKEY_HINT = ("mở văn bản gốc, chuyển mã bằng Unikey (Công cụ chuyển mã: nguồn {source}, "
                "đích Unicode) rồi dán lại đoạn văn")
# (pattern, what the text looks like, how to fix it)
_LEGACY_TEXT = (
    (_TCVN3_IN_WORD, "chữ gõ bằng bảng mã TCVN3 (ABC) rồi dán vào",
     _UNIKEY_HINT.format(source="TCVN3 (ABC)")),
    (_VNI_IN_WORD, "chữ gõ bằng bảng mã VNI rồi dán vào", _UNIKEY_HINT.format(source="VNI")),
    (_DOUBLE_UTF8, "chữ bị lỗi mã hóa hai lần, UTF-8 bị đọc nhầm thành Windows-1252",
     "chép lại đoạn văn từ văn bản gốc, hoặc gõ lại"),
)


@dataclass
class Source:
    """One Markdown file of the folder and what was read from it."""

    path: Path  # on disk
    relative: str  # to the content folder, with `/`
    shown: str  # as messages name it
    is_page: bool
    data: bytes = b""
    document: Document | None = None
    digest: str = ""  # sha256 of the bytes, with a cache
    cached: CacheEntry | None = None  # the last check's entry, when still valid
    linked: tuple[str, ...] = ()  # files it links with {static}/{attach}, from the folder


@dataclass
class CheckResult:
    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0
    files_from_cache: int = 0  # of those, found unchanged in the cache (not checked again)
    # Articles dated after the build's clock: (file, when it will appear).
    scheduled: list[tuple[str, datetime]] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(problem.is_error for problem in self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors

    def summary(self) -> str:
        return f"{self.errors} lỗi, {self.warnings} cảnh báo"


def check_folder(content_dir, settings, *, only: Iterable | None = None) -> list[Problem]:
    """Every problem of the Markdown files of a content folder, ordered by file and line."""
    return run_check(content_dir, settings, only=only).problems


def run_check(content_dir, settings, *, only: Iterable | None = None,
              cache_file: Path | None = None) -> CheckResult:
    """`check_folder` with the number of files checked.

    With `only`, problems are reported for those files alone; the others are still read,
    since a title or a URL is a duplicate only against the whole folder.

    With `cache_file`, a file whose bytes, place, settings and the files it points at are
    as in the last full check is not checked again (tintuc.check_cache); the report is the
    same. Only a full check (no `only`) writes the cache.
    """
    root = Path(content_dir)
    refused = paths.refused_symlinks(root)
    sources, stray, uploads = _collect(root, settings, {Path(path) for path, _ in refused})
    wanted = _selection(root, only)
    reported = [source for source in sources if wanted(source.path)]
    problems = [paths.symlink_problem(display_path(path), reason)
                 for path, reason in refused if wanted(Path(path))]
    problems += [problem for path in uploads if wanted(path)
                 for problem in upload_problems(path, display_path(path))]

    listing = _Listing(root)
    cache = CheckCache.load(cache_file, _as_dict(settings)) if cache_file else None
    reported_ids = {id(source) for source in reported}
    for source in sources:
        data = source.path.read_bytes()
        if cache is not None:
            source.digest = hashlib.sha256(data).hexdigest()
            source.cached = cache.get(source.relative, source.digest, _place(source),
                                      listing.find)
            if source.cached is not None:
                source.document, source.linked = source.cached.document, source.cached.linked
                continue
        required = PAGE_REQUIRED if source.is_page else ARTICLE_REQUIRED
        source.document = read_source(data, source.shown, required=required,
                                      folder=posixpath.dirname(source.relative))
        source.linked = _links_of(source)
        source.data = data if id(source) in reported_ids else b""
    # A file an article links with `{static}`/`{attach}` is published, wherever it lies.
    linked = {target for source in sources for target in source.linked}
    problems += [_stray_file_problem(path) for path in stray
                 if wanted(path) and path.relative_to(root).as_posix() not in linked]
    for source in reported:
        if source.cached is not None:
            problems.extend(source.cached.problems)
            continue
        looking = RecordingListing(listing) if cache is not None else listing
        found = _check_one(source, root, settings, looking)
        problems.extend(found)
        source.data = b""  # 10,000 articles are tens of megabytes: keep only their headers
        if cache is not None:
            cache.put(source.relative, CacheEntry(
                source.digest, _place(source), _across_files_only(source.document), found,
                tuple(looking.lookups), source.linked))
    if cache is not None and only is None:
        cache.save()
    reported_paths = {source.shown for source in reported}
    problems.extend(problem for problem in _cross_file_problems(sources)
                    + _legacy_url_problems(sources, settings)
                    if problem.path in reported_paths)
    problems.sort(key=lambda problem: (problem.path, problem.line, problem.level != ERROR))
    return CheckResult(problems, len(reported),
                       sum(source.cached is not None for source in reported),
                       _scheduled(reported, settings))


# The fields the checks across files read (titles, dates, URLs), with their lines.
# `expires` for the articles the report says are scheduled.
_ACROSS_FILES = ("title", "date", "slug", "status", "legacy_urls", "expires")


def _across_files_only(document: Document) -> Document:
    """A document as the cache keeps it: what the checks across files read, and whether it
    has errors (they leave it out); its own problems are kept with the entry."""
    return replace(document, body="", problems=[p for p in document.problems if p.is_error],
                   fields={name: found for name, found in document.fields.items()
                           if name in _ACROSS_FILES})


def _place(source: Source) -> tuple:
    """What a file's own problems depend on besides its bytes: how it is named, where."""
    return source.shown, source.relative, source.is_page


def _scheduled(sources: list[Source], settings) -> list[tuple[str, datetime]]:
    clock = build_clock(setting(settings, "NEWS_BUILD_TIME"))
    found = []
    for source in sources:
        document = source.document
        if source.is_page or document.has_errors:
            continue
        _status, why = status_at(document.get("status", "published"), document.get("date"),
                                 document.get("expires"), clock)
        if why == SCHEDULED:
            found.append((source.shown, document.get("date")))
    return sorted(found, key=lambda pair: (pair[1], pair[0]))


def _links_of(source: Source) -> tuple[str, ...]:
    """The files of the content folder a document links with `{static}`/`{attach}`."""
    folder = posixpath.dirname(source.relative)
    found = (paths.link_target(folder, target)
             for _line, _what, target in paths.copying_links(source.document.body))
    return tuple(sorted({relative for relative in found if relative}))


def _selection(root: Path, only: Iterable | None):
    """Whether a file found under `root` is one of `only` (all files without `only`)."""
    if only is None:
        return lambda path: True
    real_root = root.resolve()
    selected = set()
    for path in only:
        path = Path(path)
        try:
            # The folder resolved, not the file: a symbolic link is judged where it lies.
            selected.add((path.parent.resolve() / path.name).relative_to(real_root))
        except ValueError:
            continue  # outside the content folder: nothing of ours
    # Relative to the root, without resolving each of 10,000 paths (a system call per part).
    return lambda path: path.relative_to(root) in selected


def upload_problems(path: Path, shown: str) -> list[Problem]:
    """An uploaded file a browser would run (tintuc.active_content), as errors."""
    findings = active_content.findings_for(path.name, path.read_bytes())
    if not findings:
        return []
    return [Problem(shown, findings[0].line, "active-content", active_content.describe(findings),
                    active_content.HINT, ERROR)]


def _collect(root: Path, settings, refused: set[Path] = frozenset()
             ) -> tuple[list[Source], list[Path], list[Path]]:
    """The Markdown files a build reads, files an editor may have meant as articles, and
    uploaded files of the kinds a browser may run. Refused links are none of them."""
    found = content_files(root, settings, refused)
    sources = [Source(document.path, document.relative, display_path(document.path),
                      document.kind == PAGE) for document in found.documents]
    return sources, found.stray, found.uploads


def _stray_file_problem(path: Path) -> Problem:
    suffix = path.suffix
    if suffix.lower() in MARKDOWN_EXTENSIONS:
        return Problem(display_path(path), 1, "markdown-suffix-case",
                       f"tệp có đuôi “{suffix}” viết hoa nên sẽ không được đăng",
                       f"đổi tên tệp thành “{path.stem}{suffix.lower()}”", WARNING)
    return Problem(display_path(path), 1, "not-markdown",
                   f"tệp “{path.name}” không phải Markdown (.md) nên sẽ không được đăng",
                   "chép nội dung vào một tệp .md (xem docs/huong-dan-bien-tap.md); nếu là "
                   "tệp đính kèm, hãy để trong content/images/", WARNING)


# --- One file ----------------------------------------------------------------------------


def _check_one(source: Source, root: Path, settings, listing: "_Listing") -> list[Problem]:
    document = source.document
    problems = list(document.problems)
    text = _utf8_text(source.data)
    if text is None:  # not UTF-8: read_source said so and named the likely encoding
        return problems
    problems.extend(_form_problems(source.shown, text))
    title = document.get("title")
    if title and len(title) > MAX_TITLE:
        problems.append(_warn(source, "title", "long-title",
                              f"tiêu đề dài {len(title)} ký tự (nên không quá {MAX_TITLE})",
                              "rút gọn tiêu đề; chi tiết để trong tóm tắt hoặc thân bài"))
    summary = document.get("summary")
    if summary is not None and len(summary) > MAX_SUMMARY:
        problems.append(_warn(source, "summary", "long-summary",
                              f"“{_LABEL['summary']}” dài {len(summary)} ký tự "
                              f"(nên không quá {MAX_SUMMARY})",
                              "rút gọn đoạn tóm tắt còn hai, ba câu"))
    if not source.is_page:
        problems.extend(_category_problems(source, settings))
        problems.extend(_expiry_problems(source))
    problems.extend(_reserved_slug_problems(source, settings))
    problems.extend(_featured_image_problems(source, root, settings, listing))
    problems.extend(_body_problems(source, root, listing))
    return problems


def _warn(source: Source, name: str, code: str, message: str, hint: str) -> Problem:
    found = source.document.fields.get(name)
    line = found.line if found else 1
    return Problem(source.shown, line, code, message, hint, WARNING)


def _utf8_text(data: bytes) -> str | None:
    try:
        return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        return None


def _form_problems(shown: str, text: str) -> list[Problem]:
    problems = []
    if not unicodedata.is_normalized("NFC", text):
        line = next((number for number, line_text in enumerate(text.splitlines(), start=1)
                     if not unicodedata.is_normalized("NFC", line_text)), 1)
        problems.append(Problem(
            shown, line, "not-nfc",
            f"từ dòng {line}, chữ có dấu được gõ ở dạng Unicode tổ hợp (NFD) thay vì Unicode "
            "dựng sẵn (NFC): trang vẫn hiển thị đúng, nhưng tìm kiếm trong trình soạn thảo "
            "và trên GitHub/GitLab sẽ không thấy những chữ này",
            "chạy “invoke check --fix” để chuyển cả tệp sang NFC (bản gốc được giữ trong "
            "tệp .bak), hoặc đặt bộ gõ (Unikey) ở bảng mã “Unicode” thay vì “Unicode tổ hợp”",
            WARNING,
        ))
    legacy = _legacy_text(text)
    if legacy:
        line, sample, looks_like, hint = legacy
        problems.append(Problem(
            shown, line, "legacy-text",
            f"dòng {line} có vẻ là {looks_like} (“{sample}”): trên trang sẽ hiện thành ký tự lạ",
            hint, WARNING,
        ))
    return problems


def _legacy_text(text: str) -> tuple[int, str, str, str] | None:
    """Where pasted legacy text starts: (line, sample, what it looks like, fix), or None."""
    if text.isascii() or not _LEGACY_SUSPECT.search(text):
        return None
    for pattern, looks_like, hint in _LEGACY_TEXT:
        matches = list(pattern.finditer(text))
        if len(matches) >= 3:
            start = matches[0].start()
            line = text.count("\n", 0, start) + 1
            line_start = text.rfind("\n", 0, start) + 1
            sample = text[line_start:line_start + 40].split("\n")[0].strip()
            return line, sample, looks_like, hint
    return None


def _expiry_problems(source: Source) -> list[Problem]:
    date, expires = source.document.get("date"), source.document.get("expires")
    if date is None or expires is None or expires > date:
        return []
    return [_warn(source, "expires", "expires-before-date",
                  f"“{_LABEL['expires']}” ({format_dateline(expires)}) không sau “"
                  f"{_LABEL['date']}” ({format_dateline(date)}): bài sẽ không hiện ở danh sách "
                  "nào", "sửa ngày hết hạn cho sau ngày đăng, hoặc xóa dòng này")]


def _reserved_slug_problems(source: Source, settings) -> list[Problem]:
    """A pinned `Đường dẫn` that would replace one of the site's own pages (the build
    refuses it too: plugins/vn_reader/urls.py)."""
    slug = source.document.get("slug")
    pattern = setting(settings, "PAGE_SAVE_AS" if source.is_page else "ARTICLE_SAVE_AS", "")
    if not slug or not pattern.startswith("{slug}"):
        return []
    save_as = pattern.replace("{slug}", slug, 1)
    if not paths.takes_reserved(save_as, paths.reserved_outputs(_as_dict(settings))):
        return []
    return [paths.reserved_slug_problem(source.shown, source.document.fields["slug"].line, slug,
                                        save_as)]


def _as_dict(settings) -> dict:
    return dict(settings) if isinstance(settings, Mapping) else {
        name: getattr(settings, name) for name in dir(settings) if name.isupper()}


def _category_problems(source: Source, settings) -> list[Problem]:
    categories = [nfc(name) for name in setting(settings, "NEWS_CATEGORIES", None) or []]
    category = source.document.get("category")
    if not categories or not category or category in categories:
        return []
    guess = _closest_category(category, tuple(categories))
    listed = "; ".join(categories)
    hint = (f"có phải ý bạn là “{guess}”? Các chuyên mục: {listed}" if guess
            else f"chọn một trong các chuyên mục: {listed}")
    return [_warn(source, "category", "unknown-category",
                  f"chuyên mục “{category}” không có trong danh sách chuyên mục của trang", hint)]


@functools.lru_cache(maxsize=256)
def _closest_category(category: str, categories: tuple[str, ...]) -> str | None:
    """Imported sites repeat one unknown category in thousands of files: asked once each."""
    by_folded = {fold(name): name for name in categories}
    guess = by_folded.get(fold(category))
    if guess is None:
        close = difflib.get_close_matches(fold(category), list(by_folded), n=1, cutoff=0.6)
        guess = by_folded[close[0]] if close else None
    return guess


# --- Photos and links --------------------------------------------------------------------


class _Listing:
    """Exact file names per folder, read once: `Anh.JPG` is not `anh.jpg` on the server even
    when the editor's computer (Windows, macOS) says it is. Thousands of articles point into
    the same few folders, so each is listed once and every lookup is a dictionary's."""

    def __init__(self, root: Path):
        self.root = root
        # folder relative to root → {name or casefolded name: (name on disk, is a folder)}
        self._folders: dict[str, dict[str, tuple[str, bool]]] = {}

    def _folder(self, relative: str) -> dict[str, tuple[str, bool]]:
        found = self._folders.get(relative)
        if found is None:
            found = {}
            try:
                with os.scandir(os.path.join(self.root, relative)) as entries:
                    for entry in entries:
                        found.setdefault(entry.name.casefold(), (entry.name, entry.is_dir()))
                        found[entry.name] = (entry.name, entry.is_dir())
            except OSError:
                pass
            self._folders[relative] = found
        return found

    def find(self, relative: str) -> tuple[bool, str | None]:
        """(exists exactly, the spelling on disk when only the case differs)."""
        parts = [part for part in relative.split("/") if part]
        if not parts or ".." in parts:
            return False, None
        folder, spelled, exact = "", [], True
        for index, part in enumerate(parts):
            names = self._folder(folder)
            entry = names.get(part) or names.get(part.casefold())
            if entry is None:
                return False, None
            real, is_folder = entry
            if is_folder != (index < len(parts) - 1):
                return False, None
            exact = exact and real == part
            spelled.append(real)
            folder = f"{folder}/{real}" if folder else real
        return exact, None if exact else "/".join(spelled)


def _resolve(source: Source, target: str) -> str:
    """A `{static}`/`{filename}` target as a path relative to the content folder (Pelican's
    rule: a leading `/` starts at the content folder, anything else at the file's folder)."""
    target = unquote(target.split("#", 1)[0].split("?", 1)[0])
    if target.startswith("/"):
        joined = target.lstrip("/")
    else:
        joined = f"{Path(source.relative).parent.as_posix()}/{target}"
    return os.path.normpath(joined).replace(os.sep, "/").removeprefix("./")


def _site_path(target: str) -> str:
    """A plain URL as the browser resolves it from an article at the site root."""
    target = unquote(target.split("#", 1)[0].split("?", 1)[0])
    normal = os.path.normpath("/" + target).replace(os.sep, "/")
    return normal.lstrip("/")


def _featured_image_problems(source, root, settings, listing) -> list[Problem]:
    found = source.document.fields.get("image")
    if found is None or not found.value:
        return []
    value = found.value
    label = _LABEL["image"]
    if _EXTERNAL.match(value):
        return [Problem(source.shown, found.line, "external-image",
                        f"“{label}” là địa chỉ trên trang khác ({value})",
                        "tải ảnh về, đặt vào content/images/NĂM/THÁNG/ rồi ghi "
                        "{static}/images/NĂM/THÁNG/tên-ảnh.jpg", WARNING)]
    # The reader strips these prefixes and the theme prints the rest after SITEURL, so the
    # photo must be a file the build copies: one under STATIC_PATHS.
    relative = re.sub(r"^(?:\{static\}|\{attach\}|\|static\||\.\./)*/*", "", value)
    relative = _site_path(relative)
    problem = _missing(source, found.line, relative, f"ảnh trong “{label}”", listing)
    if problem:
        return [problem]
    if not is_under(relative, folders(settings, "STATIC_PATHS", ["images"])):
        return [Problem(source.shown, found.line, "image-not-static",
                        f"ảnh trong “{label}” ({relative}) không nằm trong thư mục ảnh nên "
                        "không được đưa lên trang",
                        "chuyển ảnh vào content/images/NĂM/THÁNG/ và sửa đường dẫn", WARNING)]
    return []


def _missing(source, line, relative, what, listing, hint="") -> Problem | None:
    exact, spelled = listing.find(relative)
    if exact:
        return None
    if spelled:
        return Problem(source.shown, line, "wrong-case",
                       f"{what}: tệp thật có tên “{spelled}”, khác chữ hoa/chữ thường; trên máy "
                       "chủ đó là hai tên khác nhau nên sẽ không thấy tệp",
                       f"sửa đường dẫn cho đúng từng chữ: “{spelled}”", WARNING)
    return Problem(source.shown, line, "missing-file",
                   f"{what} trỏ tới {display_path(listing.root / relative)} nhưng không có tệp "
                   "đó", hint or "kiểm tra tên tệp (không dấu, chữ thường) và thư mục, hoặc "
                   "tải ảnh vào đúng chỗ đó", WARNING)


def _body_problems(source: Source, root: Path, listing: _Listing) -> list[Problem]:
    body = source.document.body
    if not body:
        return []
    if "```" in body or "~~~" in body:
        # Code samples are shown as written, never resolved: keep their lines, drop the text.
        body = _FENCED_CODE.sub(lambda match: "\n" * match.group(0).count("\n"), body)
    first_line = source.document.body_line

    def line_of(offset: int) -> int:
        return first_line + body.count("\n", 0, offset)

    problems = []
    if "{" in body or "|" in body:
        for match in _INTRASITE.finditer(body):
            what = match["what"] or match["old"]
            target = match["target"]
            line = line_of(match.start())
            if not target:
                problems.append(Problem(source.shown, line, "empty-link",
                                        f"“{{{what}}}” không kèm đường dẫn tệp",
                                        "ghi đường dẫn ngay sau, ví dụ {static}/images/…",
                                        WARNING))
                continue
            if what != "filename" and paths.link_target(
                    posixpath.dirname(source.relative), target) is None:
                continue  # leaves the content folder: the reader's error says so
            relative = _resolve(source, target)
            if what == "filename":
                problem = _missing(source, line, relative, f"liên kết “{{filename}}{target}”",
                                   listing, "kiểm tra tên tệp bài viết được liên kết")
                if problem is None and os.path.splitext(relative)[1] not in MARKDOWN_EXTENSIONS:
                    problem = Problem(source.shown, line, "filename-to-static",
                                      f"“{{filename}}{target}” trỏ tới một tệp không phải bài "
                                      "viết", f"viết “{{static}}{target}”", WARNING)
            else:
                problem = _missing(source, line, relative, f"“{{{what}}}{target}”", listing)
            if problem:
                problems.append(problem)

    if "!" in body:
        references = None
        for match in _MD_IMAGE.finditer(body):
            src = match["src"].strip("<>")
            problems.extend(_image_problems(source, line_of(match.start()), match["alt"], src,
                                            listing))
        for match in _MD_IMAGE_REF.finditer(body):
            if references is None:
                references = {nfc(ref["ref"]).casefold(): ref["src"]
                              for ref in _REF_DEFINITION.finditer(body)}
            name = (match["ref"] or match["alt"]).casefold()
            line = line_of(match.start())
            if name not in references:
                problems.append(Problem(source.shown, line, "undefined-image-reference",
                                        f"ảnh “{match.group(0)}” dùng nhãn “{name}” chưa được "
                                        "định nghĩa", f"thêm dòng “[{name}]: "
                                        "{static}/images/…” ở cuối bài", WARNING))
                continue
            problems.extend(_image_problems(source, line, match["alt"], references[name],
                                            listing))
    if "<img" in body or "<IMG" in body:
        for match in _HTML_IMAGE.finditer(body):
            attributes = {m["name"].lower(): m["dq"] if m["dq"] is not None else
                          m["sq"] if m["sq"] is not None else m["bare"]
                          for m in _HTML_ATTRIBUTE.finditer(match.group(0))}
            problems.extend(_image_problems(source, line_of(match.start()),
                                            attributes.get("alt", ""), attributes.get("src", ""),
                                            listing))
    return problems


def _image_problems(source, line, alt, src, listing) -> list[Problem]:
    problems = []
    if not (alt or "").strip():
        problems.append(Problem(
            source.shown, line, "image-without-alt",
            "ảnh không có mô tả (chữ trong ngoặc vuông): người khiếm thị và máy tìm kiếm "
            "không biết ảnh nói gì, và ảnh không có chú thích",
            "viết mô tả ngắn: ![Đoàn viên trồng cây tại xã Quốc Toản](…)", WARNING,
        ))
    # `{static}`/`{filename}` sources were checked with every intra-site link.
    if not src or _EXTERNAL.match(src) or _INTRASITE.match(src):
        return problems
    if src.startswith("/"):
        problem = _missing(source, line, _site_path(src), f"ảnh “{src}”", listing)
    else:
        beside = _resolve(source, src)
        from_root = _site_path(src)
        problem = _missing(source, line, from_root, f"ảnh “{src}”", listing)
        if problem and listing.find(beside)[0]:
            # The file exists next to the article, but the page is served from the site root,
            # where this relative path points elsewhere.
            problem = Problem(source.shown, line, "relative-image",
                              f"ảnh “{src}” có trong thư mục của bài nhưng trên trang web "
                              "đường dẫn tương đối này không trỏ tới ảnh",
                              f"viết “{{static}}/{beside}”, hoặc tốt hơn: chuyển ảnh vào "
                              "content/images/NĂM/THÁNG/ và ghi “{static}/images/NĂM/THÁNG/…”",
                              WARNING)
    if problem:
        problems.append(problem)
    return problems


# --- Across files ------------------------------------------------------------------------


def _publication_key(source: Source):
    date = source.document.get("date")
    return (date is None, date.timestamp() if date else 0, source.relative)


def _cross_file_problems(sources: list[Source]) -> list[Problem]:
    problems = []
    articles = [source for source in sources
                if not source.is_page and not source.document.has_errors]
    by_title_day: dict[tuple, list[Source]] = {}
    for source in articles:
        title, date = source.document.get("title"), source.document.get("date")
        if title and date:
            key = (" ".join(nfc(title).casefold().split()), in_vietnam(date).date())
            by_title_day.setdefault(key, []).append(source)
    for group in by_title_day.values():
        if len(group) < 2:
            continue
        for source in group:
            others = ", ".join(other.shown for other in group if other is not source)
            day = format_day(source.document.get("date"))
            problems.append(_warn(source, "title", "duplicate-title",
                                  f"cùng ngày {day} đã có bài cùng tiêu đề: {others}",
                                  "nếu là một bài đăng hai lần, hãy xóa một tệp; nếu là hai "
                                  "bài khác nhau, hãy đặt tiêu đề khác"))

    # Pinned URLs: the older document keeps one, the newer gets `-2` at build
    # (plugins/vn_reader/urls.py); articles, pages and drafts have separate URL spaces.
    by_slug: dict[tuple, list[Source]] = {}
    for source in sources:
        if source.document.has_errors or "slug" not in source.document.fields:
            continue
        space = ("page" if source.is_page else "article",
                 source.document.get("status") == "draft")
        by_slug.setdefault((space, source.document.get("slug")), []).append(source)
    for (_space, slug), group in by_slug.items():
        if len(group) < 2:
            continue
        group.sort(key=_publication_key)
        keeper = group[0]
        for number, source in enumerate(group[1:], start=2):
            problems.append(_warn(source, "slug", "duplicate-slug",
                                  f"“{_LABEL['slug']}” “{slug}” đã được {keeper.shown} dùng; "
                                  f"khi dựng, bài này sẽ có đường dẫn “{slug}-{number}”",
                                  f"đặt một “{_LABEL['slug']}” khác cho bài này"))
        others = ", ".join(source.shown for source in group[1:])
        problems.append(_warn(keeper, "slug", "duplicate-slug",
                              f"“{_LABEL['slug']}” “{slug}” cũng được {others} dùng; bài này "
                              "giữ đường dẫn, bài kia nhận thêm số -2, -3…",
                              f"đặt một “{_LABEL['slug']}” khác cho bài kia"))
    return problems


def _document_paths(sources: list[Source], settings) -> set[str]:
    """The addresses the documents will most likely have, in lower case (the build may add
    `-2` to a slug made from a title; that one the build itself judges)."""
    found = set()
    for source in sources:
        document = source.document
        if document.has_errors or document.get("status") == "draft":
            continue
        slug = document.get("slug") or slugify(document.get("title") or "")
        pattern = setting(settings, "PAGE_SAVE_AS" if source.is_page else "ARTICLE_SAVE_AS", "")
        if not slug or not pattern.startswith("{slug}"):
            continue
        save_as = "/" + pattern.replace("{slug}", slug, 1).lower()
        found.add(save_as)
        if save_as.endswith("/index.html"):
            folder = save_as.removesuffix("index.html")
            found.update((folder, folder.rstrip("/")))
    return found


def _legacy_url_problems(sources: list[Source], settings) -> list[Problem]:
    """An old address (`Đường dẫn cube`) equal to one of the new site's, in any case: the
    server's redirect map ignores case, so it would send readers of the real page away."""
    with_old = [source for source in sources if source.document.get("legacy_urls")
                and not source.document.has_errors]
    if not with_old:
        return []
    folders, files = paths.reserved_outputs(_as_dict(settings))
    documents = _document_paths(sources, settings)
    problems = []
    for source in with_old:
        for address in source.document.get("legacy_urls"):
            path = strip_prefix(url_path(address)).lower()
            head = path.lstrip("/").split("/", 1)
            if not (path in documents or path == "/" or path.lstrip("/") in files
                    or (len(head) > 1 and head[0] in folders)):
                continue
            if path in _document_paths([source], settings):
                continue  # the old address is the new one: nothing to redirect
            problem = _warn(source, "legacy_urls", "legacy-url-taken",
                            f"“{_LABEL['legacy_urls']}” {address} trùng với một địa chỉ của "
                            "trang web mới (máy chủ so địa chỉ không phân biệt chữ hoa, chữ "
                            "thường): chuyển hướng nó sẽ làm mất trang thật",
                            f"xóa địa chỉ này khỏi “{_LABEL['legacy_urls']}”")
            problems.append(replace(problem, level=ERROR))
    return problems


# --- Fixing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fixed:
    path: str
    backup: str


def fix_normalisation(content_dir, settings, *, only: Iterable | None = None) -> list[Fixed]:
    """Rewrite every UTF-8 Markdown file that is not NFC in NFC, keeping the original.

    Only the normal form changes: BOM and line endings stay as they were. The original is
    kept beside the file as `name.md.bak` (`name.md.2.bak`, … when that exists): builds
    read only Markdown extensions, so a backup is never published.
    """
    sources, _stray, _uploads = _collect(Path(content_dir), settings,
                                         {Path(path) for path, _ in
                                          paths.refused_symlinks(content_dir)})
    wanted = _selection(Path(content_dir), only)
    fixed = []
    for source in sources:
        if not wanted(source.path):
            continue
        data = source.path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue  # legacy encodings need a human and a converter, not a guess
        if unicodedata.is_normalized("NFC", text):
            continue
        backup = _free_backup_name(source.path)
        backup.write_bytes(data)
        write_atomically(source.path, unicodedata.normalize("NFC", text))
        fixed.append(Fixed(source.shown, display_path(backup)))
    return fixed


def _free_backup_name(path: Path) -> Path:
    candidate = path.with_name(path.name + ".bak")
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.{number}.bak")
        number += 1
    return candidate


# --- Telling ------------------------------------------------------------------------------


def report_text(result: CheckResult, fixed: list[Fixed] = (), verbose: bool = False,
                verbose_hint: str = "invoke check --verbose") -> str:
    """What `invoke check` prints: one line per problem, then the count.

    Unless `verbose`, a warning given in the same words at more than a few places is one
    line naming the first few (tintuc.warning_groups); every error keeps its own line."""
    lines = [f"Đã chuyển sang Unicode dựng sẵn (NFC): {item.path} (bản gốc: {item.backup})"
             for item in fixed]
    told = result.problems if verbose else group_problems(result.problems)
    lines += [item.line(verbose_hint=verbose_hint) if isinstance(item, Group) else str(item)
              for item in told]
    lines += [f"Hẹn giờ: {path} sẽ được đăng lúc {format_dateline(when)} (ở lần dựng trang đầu "
              "tiên sau giờ đó)" for path, when in result.scheduled]
    verdict = ("có lỗi: trang sẽ không dựng được cho tới khi sửa xong" if result.errors
               else "không có lỗi")
    lines.append(f"Đã kiểm tra {result.files_checked} tệp: {result.summary()} ({verdict}).")
    return "\n".join(lines)


def report_json(result: CheckResult, fixed: list[Fixed] = ()) -> dict:
    """What `invoke check --json` prints, for tools: stable English keys and codes."""
    return {
        "files_checked": result.files_checked,
        "errors": result.errors,
        "warnings": result.warnings,
        "fixed": [{"path": item.path, "backup": item.backup} for item in fixed],
        "problems": [problem.as_dict() for problem in result.problems],
        "scheduled": [{"path": path, "at": when.isoformat()} for path, when in result.scheduled],
    }
