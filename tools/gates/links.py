"""The `links` gate: every internal href/src/srcset/action, CSS url() and sitemap <loc>
resolves to a file of the build."""

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from tintuc_tools.gates.base import Finding
from tintuc_tools.gates.pages import BuiltSite, ParsedPage, Reference

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
