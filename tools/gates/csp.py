"""The `csp` gate: the built pages need nothing the Content-Security-Policy forbids."""

import base64
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from tintuc_tools.gates.base import PROJECT, Finding
from tintuc_tools.gates.pages import BuiltSite, Reference

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
