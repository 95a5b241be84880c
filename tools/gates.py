"""The gates a built site passes before any byte of it is published (issue 6).

Each gate is a function that returns findings (file, line, message); a gate with findings has
failed. `tools/publish.py` runs them in order between the build and the deploy, and
`invoke verify` runs them alone. Messages are for the operator, in Vietnamese; gate names stay
English so that logs, docs and CI settings can name them.

| gate    | checks                                                                      |
|---------|-----------------------------------------------------------------------------|
| content | every content file reads without errors (the editor's own `invoke check`)   |
| build   | Pelican builds with publishconf.py, errors fatal (in tools/publish.py)      |
| files   | no symbolic link in the output; no uploaded file a browser would run        |
| links   | every internal href/src/srcset/action, CSS url() and sitemap <loc> resolves |
| budget  | per-file size limits (HTML, CSS, JS, images) and the whole site's size      |
| csp     | the built pages need nothing the Content-Security-Policy forbids            |
| html    | the Nu Html Checker (vnu.jar) finds no error                                |
"""

import base64
import fnmatch
import hashlib
import json
import multiprocessing
import os
import posixpath
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_VNU_JAR = PROJECT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# The order gates run in: cheap ones first, so an operator waits least for the usual failures.
GATES = ("content", "build", "files", "links", "budget", "csp", "html")
OUTPUT_GATES = ("files", "links", "budget", "csp", "html")
GATE_TITLES = {
    "content": "kiểm tra nội dung",
    "build": "dựng trang, lỗi là dừng",
    "files": "không có liên kết tượng trưng hay tệp chạy được do người dùng tải lên",
    "links": "liên kết nội bộ và ảnh",
    "budget": "giới hạn dung lượng",
    "csp": "chính sách bảo mật nội dung (Content-Security-Policy)",
    "html": "HTML hợp lệ (Nu Html Checker)",
}
MAX_FINDINGS_SHOWN = 50


@dataclass(frozen=True)
class Finding:
    path: str  # relative to the folder the gate checked
    line: int  # 0 when a line means nothing (a file's size)
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}" if where else self.message


@dataclass
class GateResult:
    name: str
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # shown on success too (largest files, …)
    skipped: bool = False

    @property
    def ok(self) -> bool:
        return not self.findings

    def report(self) -> str:
        title = GATE_TITLES.get(self.name, self.name)
        if self.skipped:
            return f"[{self.name}] {title}: BỎ QUA theo yêu cầu (--skip {self.name})."
        verdict = "đạt" if self.ok else f"KHÔNG ĐẠT ({len(self.findings)} lỗi)"
        lines = [f"[{self.name}] {title}: {verdict} ({self.seconds:.1f} s)"]
        # One broken link in a template repeats on every page: say it once, with where else.
        groups: dict[str, list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault(finding.message, []).append(finding)
        for shown, (_message, same) in enumerate(groups.items()):
            if shown == MAX_FINDINGS_SHOWN:
                lines.append(f"    … và {len(groups) - shown} lỗi khác nữa.")
                break
            line = f"    {same[0]}"
            if len(same) > 1:
                others = ", ".join(f"{f.path}:{f.line}" if f.line else f.path
                                   for f in same[1:4])
                more = ", …" if len(same) > 4 else ""
                line += f" (cùng lỗi ở {len(same) - 1} chỗ khác: {others}{more})"
            lines.append(line)
        lines += [f"    {note}" for note in self.notes]
        return "\n".join(lines)


def timed(name: str, check: Callable[[], list[Finding] | tuple[list[Finding], list[str]]]):
    start = time.perf_counter()
    outcome = check()
    findings, notes = outcome if isinstance(outcome, tuple) else (outcome, [])
    return GateResult(name, list(findings), time.perf_counter() - start, list(notes))


# --- content -----------------------------------------------------------------------------------


def _is_excluded(relparts: tuple[str, ...], excluded: Iterable[str]) -> bool:
    relpath = "/".join(relparts)
    return any(relpath == ex.strip("/") or relpath.startswith(ex.strip("/") + "/")
               for ex in excluded)


def check_content(content: Path, settings: dict | None = None) -> list[Finding]:
    """Errors in the content folder, as the editors' `invoke check` reports them."""
    from tintuc import checker

    findings = []
    for problem in checker.check_folder(content, settings or {}):
        if problem.is_error:
            message = problem.message + (f". Cách sửa: {problem.hint}" if problem.hint else "")
            findings.append(Finding(str(problem.path), int(problem.line or 0), message))
    return findings


# --- files -------------------------------------------------------------------------------------

# Where the site's own scripts live; a script anywhere else came with the content.
OWN_SCRIPT_FOLDERS = ("theme/", "pagefind/")


def check_files(output: Path, settings: dict | None = None) -> list[Finding]:
    """The output holds plain files only (a symbolic link could publish anything the server can
    read), and no uploaded file a browser would run (tintuc.active_content): whatever the
    build let through, nothing of the kind leaves this machine."""
    from tintuc import active_content

    settings = settings or {}
    static = tuple(f"{path.strip('/')}/" for path in settings.get("STATIC_PATHS") or ("images",))
    search = (settings.get("SEARCH_INDEX") or {}).get("folder") or "pagefind"
    own_scripts = (*OWN_SCRIPT_FOLDERS, f"{search.strip('/')}/")
    admin = settings.get("ADMIN_CMS") or {}
    if admin.get("enabled", True) and admin.get("path"):
        own_scripts += (f"{admin['path'].strip('/')}/",)  # the web editor (Decap CMS)
    findings = []
    for folder, folders, files in os.walk(output):
        for name in sorted(folders + files):
            path = Path(folder, name)
            relpath = path.relative_to(output).as_posix()
            if path.is_symlink():
                findings.append(Finding(relpath, 0, f"là liên kết tượng trưng (symlink) tới "
                                                    f"{os.readlink(path)}: không xuất bản"))
                continue
            if name not in files or not active_content.is_checked(name):
                continue
            suffix = path.suffix.lower()
            if suffix in (".js", ".mjs") and relpath.startswith(own_scripts):
                continue  # the theme's and Pagefind's own scripts
            if suffix in active_content.HTML_SUFFIXES and not relpath.startswith(static):
                continue  # the site's pages, which the csp and html gates read
            found = active_content.findings_for(name, path.read_bytes())
            if found:
                findings.append(Finding(relpath, found[0].line,
                                        active_content.describe(found)))
    return findings


def _shown_path(path: Path) -> str:
    # Project-relative where possible: that is what an editor finds in the repository.
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# --- html ------------------------------------------------------------------------------------


def vnu_jar() -> Path:
    """The Nu Html Checker: $VNU_JAR if set, else the npm package `vnu-jar` of package.json."""
    return Path(os.environ.get("VNU_JAR") or DEFAULT_VNU_JAR)


def check_html(output: Path, jar: Path | None = None) -> list[Finding]:
    jar = jar or vnu_jar()
    java = shutil.which("java")
    if not jar.is_file() or java is None:
        missing = (f"không có {jar} (chạy `npm ci`, hoặc đặt biến VNU_JAR)" if not jar.is_file()
                   else "không có lệnh `java` (apt-get install default-jre-headless)")
        return [Finding("", 0, f"Không chạy được Nu Html Checker: {missing}.")]
    run = subprocess.run(
        [java, "-jar", str(jar), "--skip-non-html", "--errors-only", "--format", "json",
         str(output)],
        capture_output=True, text=True, timeout=1800,
    )
    try:
        messages = json.loads(run.stderr or run.stdout)["messages"]
    except (ValueError, KeyError):
        return [Finding("", 0, f"Nu Html Checker không chạy được: {run.stderr.strip()[-500:]}")]
    findings = []
    root = output.resolve()
    for message in messages:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        url = message.get("url", "")
        path = Path(unquote(urlsplit(url).path)) if url.startswith("file:") else Path(url)
        try:
            shown = str(path.resolve().relative_to(root))
        except ValueError:
            shown = str(path)
        findings.append(Finding(shown, int(message.get("lastLine") or 0),
                                message.get("message", "").strip()))
    if run.returncode and not findings:
        findings.append(Finding("", 0, f"Nu Html Checker thoát với mã {run.returncode}."))
    return sorted(findings, key=lambda f: (f.path, f.line))


# --- parsing built pages once, for links and csp ---------------------------------------------

# Attributes that make the browser fetch or navigate to a URL, per element.
URL_ATTRIBUTES = {
    "a": ("href",), "area": ("href",), "link": ("href",), "img": ("src", "srcset"),
    "script": ("src",), "source": ("src", "srcset"), "iframe": ("src",),
    "video": ("src", "poster"), "audio": ("src",), "track": ("src",), "embed": ("src",),
    "object": ("data",), "input": ("src",), "form": ("action",),
    "image": ("href", "xlink:href"), "use": ("href", "xlink:href"),
}
META_URL_PROPERTIES = {"og:image", "og:url", "og:image:url", "twitter:image"}
NOT_FETCHED_SCRIPT_TYPES = {"application/ld+json", "application/json", "text/template"}


@dataclass
class Reference:
    tag: str
    attribute: str
    url: str
    line: int
    rel: str = ""


@dataclass
class ParsedPage:
    ids: set[str] = field(default_factory=set)
    references: list[Reference] = field(default_factory=list)
    # (kind, text or attribute value, line): kind is script, style, style-attr, event-attr
    inline: list[tuple[str, str, int]] = field(default_factory=list)


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self._raw: tuple[str, int] | None = None  # an inline <script>/<style> being read
        self._raw_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        values = dict(attrs)
        for name in ("id",) + (("name",) if tag == "a" else ()):
            if values.get(name):
                self.page.ids.add(values[name])
        for attribute in URL_ATTRIBUTES.get(tag, ()):
            value = values.get(attribute)
            if value is None:
                continue
            if attribute == "srcset":
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    if url:
                        self.page.references.append(Reference(tag, attribute, url, line))
            else:
                self.page.references.append(
                    Reference(tag, attribute, value.strip(), line, (values.get("rel") or "")))
        if (tag == "meta" and values.get("content")
                and values.get("property", values.get("name")) in META_URL_PROPERTIES):
            self.page.references.append(Reference(tag, "content", values["content"], line))
        if values.get("style") is not None:
            self.page.inline.append(("style-attr", values["style"], line))
        for name, value in attrs:
            if name.startswith("on") and value is not None:
                self.page.inline.append(("event-attr", value, line))
        if tag == "script" and "src" not in values:
            kind = (values.get("type") or "").strip().lower()
            if kind not in NOT_FETCHED_SCRIPT_TYPES:
                self._raw, self._raw_text = ("script", line), []
        elif tag == "style":
            self._raw, self._raw_text = ("style", line), []

    def handle_data(self, data):
        if self._raw is not None:
            self._raw_text.append(data)

    def handle_endtag(self, tag):
        if self._raw is not None and tag == self._raw[0]:
            self.page.inline.append((tag, "".join(self._raw_text), self._raw[1]))
            self._raw = None


def parse_page(text: str) -> ParsedPage:
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    return parser.page


def html_files(output: Path) -> list[Path]:
    return sorted(path for path in output.rglob("*.html") if path.is_file())


@dataclass
class BuiltSite:
    """A built output folder, each page parsed once for every gate that reads pages."""

    root: Path
    siteurl: str
    pages: dict[str, ParsedPage]  # key: path relative to root, posix

    @classmethod
    def read(cls, root: Path, siteurl: str = "") -> "BuiltSite":
        paths = html_files(root)
        relpaths = [path.relative_to(root).as_posix() for path in paths]
        workers = os.cpu_count() or 1
        if workers > 1 and len(paths) > PARALLEL_FROM:
            # html.parser is pure Python: a big site parses in a fraction of the time on
            # every core (10,000 pages take about 30 s on one).
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                parsed = list(pool.map(_parse_file, paths, chunksize=64))
        else:
            parsed = [_parse_file(path) for path in paths]
        return cls(root, siteurl.rstrip("/"), dict(zip(relpaths, parsed, strict=True)))


PARALLEL_FROM = 300


def _parse_file(path: Path) -> ParsedPage:
    return parse_page(path.read_text(encoding="utf-8", errors="replace"))


# --- links -------------------------------------------------------------------------------------

SKIPPED_SCHEMES = {"mailto", "tel", "sms", "javascript", "data", "blob", "about", "geo"}


class SiteUrls:
    """Which URLs point inside the site, and the output file each one is served from."""

    def __init__(self, siteurl: str):
        parts = urlsplit(siteurl)
        self.host = parts.netloc.lower()
        self.prefix = parts.path.rstrip("/")  # "/repo" for a GitHub project site

    def site_path(self, url: str, page_relpath: str) -> str | None:
        """The path of `url` inside the site ("/a/b.html"), or None when it points outside."""
        parts = urlsplit(url)
        if parts.scheme and parts.scheme not in ("http", "https"):
            return None
        if parts.netloc:
            # Another scheme on our own host is still our site: the footer's http:// link to
            # the legacy address is one.
            if parts.netloc.lower() != self.host or not self.host:
                return None
            path = parts.path or "/"
        elif parts.path.startswith("/"):
            path = parts.path
        else:
            base = f"{self.prefix}/{page_relpath}"
            path = urlsplit(urljoin(base, url)).path or base
        if self.prefix:
            if path != self.prefix and not path.startswith(self.prefix + "/"):
                return "\0outside-prefix" + path
            path = path[len(self.prefix):] or "/"
        return path

    @staticmethod
    def file_for(root: Path, site_path: str) -> tuple[Path | None, str]:
        """The file a server sends for `site_path` (index.html for a folder), and its relpath."""
        path = unquote(site_path)
        normal = posixpath.normpath(path)
        if normal.startswith("/..") or normal.startswith(".."):
            return None, path
        relpath = normal.lstrip("/")
        if path.endswith("/") or relpath in ("", "."):
            relpath = posixpath.join(relpath, "index.html") if relpath not in ("", ".") \
                else "index.html"
        candidate = root / relpath
        if candidate.is_dir():
            # nginx answers /folder with a redirect to /folder/, which serves index.html.
            relpath = posixpath.join(relpath, "index.html")
            candidate = root / relpath
        return (candidate if candidate.is_file() else None), relpath


def _describe(reference: Reference) -> str:
    if reference.tag in ("img", "source", "image") or reference.attribute in ("poster",):
        return "ảnh"
    if reference.tag == "meta":
        return f"thẻ {reference.tag}"
    if reference.tag in ("script", "link") and reference.rel != "canonical":
        return "tệp" if reference.tag == "script" else f"liên kết ({reference.rel or 'link'})"
    return "liên kết"


def check_links(site: BuiltSite) -> list[Finding]:
    urls = SiteUrls(site.siteurl)
    findings = []
    for relpath, page in site.pages.items():
        for reference in page.references:
            problem = _broken(site, urls, relpath, page, reference.url)
            if problem:
                findings.append(Finding(
                    relpath, reference.line,
                    f"{_describe(reference)} “{reference.url}” ({reference.tag} "
                    f"{reference.attribute}) {problem}"))
    findings += _check_css(site, urls)
    findings += _check_sitemap(site, urls)
    return findings


def _broken(site: BuiltSite, urls: SiteUrls, relpath: str, page: ParsedPage, url: str):
    if not url or url == "#":
        return None
    parts = urlsplit(url)
    if parts.scheme in SKIPPED_SCHEMES:
        return None
    if "{static}" in url or "{filename}" in url or "{attach}" in url:
        return ("chưa được Pelican giải nghĩa: tệp đích không có trong content/ "
                "(kiểm tra tên tệp sau {static}/{filename})")
    if url.startswith("#"):
        fragment = unquote(url[1:])
        return None if fragment in page.ids else f"trỏ tới id “{fragment}” không có trong trang"
    site_path = urls.site_path(url, relpath)
    if site_path is None:
        return None
    if site_path.startswith("\0outside-prefix"):
        return f"nằm ngoài địa chỉ của trang ({site.siteurl}/)"
    target, target_relpath = urls.file_for(site.root, site_path)
    if target is None:
        return f"không dẫn tới tệp nào trong bản dựng (thiếu {target_relpath})"
    fragment = unquote(parts.fragment)
    if fragment and target_relpath in site.pages and fragment not in site.pages[target_relpath].ids:
        return f"trỏ tới id “{fragment}” không có trong {target_relpath}"
    return None


_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")


def _check_css(site: BuiltSite, urls: SiteUrls) -> list[Finding]:
    findings = []
    for path in sorted(site.root.rglob("*.css")):
        relpath = path.relative_to(site.root).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in _CSS_URL.finditer(text):
            url = (match.group(2) or match.group(4) or "").strip()
            if not url or url.startswith(("data:", "#")):
                continue
            site_path = urls.site_path(url, relpath)
            if site_path is None:
                continue
            target, target_relpath = urls.file_for(site.root, site_path.split("\0")[-1])
            if target is None:
                line = text.count("\n", 0, match.start()) + 1
                findings.append(Finding(relpath, line, f"url(“{url}”) không dẫn tới tệp nào "
                                                       f"trong bản dựng (thiếu {target_relpath})"))
    return findings


_LOC = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>")


def _check_sitemap(site: BuiltSite, urls: SiteUrls) -> list[Finding]:
    findings = []
    for path in sorted(site.root.glob("sitemap*.xml")):
        relpath = path.name
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in _LOC.finditer(text):
            url = match.group(1).replace("&amp;", "&")
            line = text.count("\n", 0, match.start()) + 1
            site_path = urls.site_path(url, relpath)
            if site_path is None or site_path.startswith("\0"):
                findings.append(Finding(relpath, line,
                                        f"<loc> “{url}” không thuộc trang {site.siteurl}/"))
                continue
            if urls.file_for(site.root, site_path)[0] is None:
                findings.append(Finding(relpath, line,
                                        f"<loc> “{url}” không dẫn tới trang nào trong bản dựng"))
    return findings


# --- budget ------------------------------------------------------------------------------------

BUDGET_KINDS = {
    "html_kb": ((".html",), "trang HTML"),
    "css_kb": ((".css",), "tệp CSS"),
    "js_kb": ((".js", ".mjs"), "tệp JavaScript"),
    "image_kb": ((".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg"), "ảnh"),
}
DEFAULT_BUDGET = {"html_kb": 60, "css_kb": 25, "js_kb": 30, "image_kb": None,
                  "site_mb": 2048, "exclude": [], "report": 5}
COMPRESSED_SUFFIXES = (".gz", ".br")


def _kb(size: int) -> str:
    return f"{size / 1024:.1f} KB"


def check_budget(output: Path, budget: dict | None = None) -> tuple[list[Finding], list[str]]:
    """Files over their kind's limit, largest first; notes name the largest of each kind."""
    budget = {**DEFAULT_BUDGET, **(budget or {})}
    shown = int(budget.get("report") or 5)
    by_kind: dict[str, list[tuple[int, str]]] = {kind: [] for kind in BUDGET_KINDS}
    total = 0
    for path in output.rglob("*"):
        if not path.is_file() or path.name.endswith(COMPRESSED_SUFFIXES):
            continue  # the copies a server may send instead are not extra weight for a reader
        size = path.stat().st_size
        total += size
        relpath = path.relative_to(output).as_posix()
        if any(fnmatch.fnmatch(relpath, pattern) for pattern in budget.get("exclude") or ()):
            continue
        for kind, (suffixes, _label) in BUDGET_KINDS.items():
            if path.suffix.lower() in suffixes:
                by_kind[kind].append((size, relpath))
    findings, notes = [], []
    for kind, files in by_kind.items():
        files.sort(reverse=True)
        label = BUDGET_KINDS[kind][1]
        limit = budget.get(kind)
        if limit is not None:
            over = [(size, relpath) for size, relpath in files if size > limit * 1024]
            for size, relpath in over:
                findings.append(Finding(relpath, 0, f"{label} nặng {_kb(size)}, vượt giới hạn "
                                                    f"{limit} KB (PUBLISH_BUDGET[\"{kind}\"])"))
        if files:
            largest = ", ".join(f"{relpath} {_kb(size)}" for size, relpath in files[:shown])
            notes.append(f"{label} lớn nhất: {largest}")
    limit_mb = budget.get("site_mb")
    notes.append(f"Cả trang: {total / 1024 / 1024:.1f} MB trong {output}")
    if limit_mb is not None and total > limit_mb * 1024 * 1024:
        findings.append(Finding("", 0, f"cả trang nặng {total / 1024 / 1024:.1f} MB, vượt giới "
                                       f"hạn {limit_mb} MB (PUBLISH_BUDGET[\"site_mb\"])"))
    return findings, notes


# --- csp ---------------------------------------------------------------------------------------

_CSP_HEADER = re.compile(
    r"""add_header\s+Content-Security-Policy\s+(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""",
    re.IGNORECASE)


def policy_from_nginx(conf: Path) -> str | None:
    """The Content-Security-Policy an nginx configuration sends (its first add_header)."""
    for line in conf.read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("#"):
            continue
        match = _CSP_HEADER.search(line)
        if match:
            return match.group(1) if match.group(1) is not None else match.group(2)
    return None


def parse_policy(policy: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        tokens = part.split()
        if tokens and tokens[0].lower() not in directives:  # the first one wins, as in browsers
            directives[tokens[0].lower()] = tokens[1:]
    return directives


# Fallback chains of CSP Level 3, for the directives a static page can need.
_FALLBACKS = {
    "script-src-elem": ("script-src-elem", "script-src", "default-src"),
    "script-src-attr": ("script-src-attr", "script-src", "default-src"),
    "style-src-elem": ("style-src-elem", "style-src", "default-src"),
    "style-src-attr": ("style-src-attr", "style-src", "default-src"),
    "img-src": ("img-src", "default-src"),
    "media-src": ("media-src", "default-src"),
    "frame-src": ("frame-src", "child-src", "default-src"),
    "object-src": ("object-src", "default-src"),
    "manifest-src": ("manifest-src", "default-src"),
    "connect-src": ("connect-src", "default-src"),
    "form-action": ("form-action",),  # no fallback: absent means anything goes
}


def _sources(policy: dict[str, list[str]], directive: str) -> list[str] | None:
    for name in _FALLBACKS[directive]:
        if name in policy:
            return policy[name]
    return None  # nothing restricts it


def _inline_allowed(sources: list[str] | None, text: str, attribute: bool) -> bool:
    if sources is None:
        return True
    lowered = [source.lower() for source in sources]
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
    hashes = [source for source in sources if source.lower().startswith(("'sha256-", "'sha384-",
                                                                          "'sha512-", "'nonce-"))]
    if f"'sha256-{digest}'" in sources and (not attribute or "'unsafe-hashes'" in lowered):
        return True
    # A hash or nonce in the list makes browsers ignore 'unsafe-inline'.
    return "'unsafe-inline'" in lowered and not hashes


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _url_allowed(sources: list[str] | None, url: str, self_origin: tuple[str, str]) -> bool:
    if sources is None:
        return True
    scheme, host = _origin(url)
    if not scheme:  # relative: the page's own origin
        scheme, host = self_origin
    for source in sources:
        lowered = source.lower()
        if lowered == "'none'":
            continue
        if lowered == "'self'":
            if host == self_origin[1] and (scheme == self_origin[0] or
                                           (self_origin[0], scheme) == ("http", "https")):
                return True
        elif lowered == "*":
            if scheme in ("http", "https", self_origin[0]):
                return True
        elif lowered.endswith(":") and "/" not in lowered:
            if scheme == lowered[:-1] or (lowered == "http:" and scheme == "https"):
                return True
        elif not lowered.startswith("'") and _host_source_matches(
                lowered, scheme, host, urlsplit(url).path):
            return True
    return False


def _host_source_matches(source: str, scheme: str, host: str, path: str) -> bool:
    source_scheme = ""
    if "://" in source:
        source_scheme, source = source.split("://", 1)
        if source_scheme != scheme and not (source_scheme == "http" and scheme == "https"):
            return False
    elif scheme not in ("http", "https"):
        return False
    source_host, _, source_path = source.partition("/")
    host_only = host.split(":")[0]
    source_host_only = source_host.split(":")[0]
    if source_host_only.startswith("*."):
        if not host_only.endswith(source_host_only[1:]):
            return False
    elif source_host_only != host_only:
        return False
    if ":" in source_host and source_host.split(":")[1] not in ("*",) and \
            source_host != host:
        return False
    if source_path:
        wanted = "/" + source_path
        return path == wanted or (wanted.endswith("/") and path.startswith(wanted))
    return True


def _reference_directive(reference: Reference) -> str | None:
    tag, rel = reference.tag, reference.rel.lower().split()
    if tag == "script":
        return "script-src-elem"
    if tag == "link":
        if "stylesheet" in rel:
            return "style-src-elem"
        if "icon" in rel or "apple-touch-icon" in rel:
            return "img-src"
        if "manifest" in rel:
            return "manifest-src"
        return None
    if tag in ("img", "image") or reference.attribute == "poster" or \
            (tag == "input" and reference.attribute == "src"):
        return "img-src"
    if tag == "source":
        return "img-src" if reference.attribute == "srcset" else "media-src"
    if tag in ("video", "audio", "track"):
        return "media-src"
    if tag == "iframe":
        return "frame-src"
    if tag in ("object", "embed"):
        return "object-src"
    if tag == "form":
        return "form-action"
    return None


_INLINE_LABELS = {
    "script": ("script-src-elem", "thẻ <script> viết trong trang"),
    "style": ("style-src-elem", "thẻ <style> viết trong trang"),
    "style-attr": ("style-src-attr", "thuộc tính style=…"),
    "event-attr": ("script-src-attr", "thuộc tính sự kiện on…=…"),
}


def runtime_needs(settings: dict) -> list[tuple[str, str, str]]:
    """(directive, URL, setting) that theme/static/js/analytics.js loads or calls at run time:
    no page names these URLs, so the settings that turn them on are read instead."""
    needs = []
    if settings.get("GOOGLE_ANALYTICS"):
        needs += [("script-src-elem", "https://www.googletagmanager.com/gtag/js",
                   "GOOGLE_ANALYTICS"),
                  ("connect-src", "https://www.google-analytics.com/g/collect",
                   "GOOGLE_ANALYTICS")]
    matomo = settings.get("MATOMO") or {}
    if matomo.get("url") and matomo.get("site_id"):
        needs += [("script-src-elem", f"{matomo['url']}/matomo.js", "MATOMO"),
                  ("connect-src", f"{matomo['url']}/matomo.php", "MATOMO")]
    return needs


def check_csp(site: BuiltSite, policy_text: str | None,
              needs: Iterable[tuple[str, str, str]] = ()) -> tuple[list[Finding], list[str]]:
    """What the built pages use that the policy would make browsers block."""
    if not policy_text:
        return [], ["Không có Content-Security-Policy để so (PUBLISH_CSP, PUBLISH_NGINX_CONF)."]
    policy = parse_policy(policy_text)
    self_origin = _origin(site.siteurl) if site.siteurl else ("", "")
    findings = []
    for relpath, page in site.pages.items():
        for kind, text, line in page.inline:
            directive, label = _INLINE_LABELS[kind]
            if not _inline_allowed(_sources(policy, directive), text,
                                   attribute=kind.endswith("-attr")):
                digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
                findings.append(Finding(relpath, line, (
                    f"{label} bị chặn bởi {directive}: đưa nó vào tệp .css/.js của giao diện, "
                    f"hoặc thêm 'sha256-{digest}' vào chính sách")))
        for reference in page.references:
            if reference.url.lower().startswith("javascript:"):
                if not _inline_allowed(_sources(policy, "script-src-elem"), "\0", attribute=True):
                    findings.append(Finding(relpath, reference.line,
                                            f"liên kết javascript: bị chặn ({reference.url[:40]})"))
                continue
            directive = _reference_directive(reference)
            if directive is None or urlsplit(reference.url).scheme in ("mailto", "tel"):
                continue
            if not _url_allowed(_sources(policy, directive), reference.url, self_origin):
                findings.append(Finding(relpath, reference.line, (
                    f"“{reference.url}” ({reference.tag} {reference.attribute}) bị chặn bởi "
                    f"{directive}: thêm máy chủ của nó vào chính sách, hoặc bỏ nó khỏi trang")))
    for directive, url, setting in needs:
        if not _url_allowed(_sources(policy, directive), url, self_origin):
            origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
            findings.append(Finding("", 0, (
                f"{setting} đang bật nên trang sẽ tải “{url}”, nhưng {directive} chặn nó: "
                f"thêm {origin} vào {directive.removesuffix('-elem')} trong chính sách")))
    return findings, []


def csp_policy(settings: dict, base: Path = PROJECT) -> str | None:
    """The policy to check against: PUBLISH_CSP, else the one in PUBLISH_NGINX_CONF."""
    if settings.get("PUBLISH_CSP"):
        return settings["PUBLISH_CSP"]
    conf = settings.get("PUBLISH_NGINX_CONF")
    if not conf:
        return None
    path = Path(conf) if Path(conf).is_absolute() else base / conf
    return policy_from_nginx(path) if path.is_file() else None


# --- running the output gates ------------------------------------------------------------------


def run_output_gates(output: Path, settings: dict, skip: Iterable[str] = (),
                     announce: Callable[[GateResult], None] = lambda result: None,
                     base: Path = PROJECT) -> list[GateResult]:
    """Every gate that reads the built folder, each reported as it ends; all of them run, so
    one run shows every problem there is."""
    skip = set(skip)
    results = []
    parsed: list[BuiltSite] = []

    def built_site() -> BuiltSite:
        # Pages are parsed once, by the first gate that reads them (its time includes it).
        if not parsed:
            parsed.append(BuiltSite.read(output, settings.get("SITEURL") or ""))
        return parsed[0]

    checks = {
        "files": lambda: check_files(output, settings),
        "links": lambda: check_links(built_site()),
        "budget": lambda: check_budget(output, settings.get("PUBLISH_BUDGET")),
        "csp": lambda: check_csp(built_site(), csp_policy(settings, base),
                                 runtime_needs(settings)),
        "html": lambda: check_html(output),
    }
    for name in OUTPUT_GATES:
        result = GateResult(name, skipped=True) if name in skip else timed(name, checks[name])
        announce(result)
        results.append(result)
    return results
