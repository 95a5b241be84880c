"""Files editors upload that a browser would run: refused, with the line, before publishing.

An SVG or HTML file under content/images is published as is and opened from the site's own
address, so a `<script>` or an `onload=` in it runs with the site's rights (on GitHub Pages
there is no Content-Security-Policy to stop it). Rather than rewrite such files, the build
refuses them and says what to remove: a photo or a chart never needs a script.

What is refused:
- SVG and other XML: scripts and the elements that embed other documents (`foreignObject`,
  `iframe`, `object`, `embed`), event attributes (`onload=`, …), `javascript:` and other
  non-image `data:` addresses, references to other sites (`href`, `url(…)`, `@import`, which
  also tell those sites who looks at the picture), animations that rewrite a link or an event,
  a DOCTYPE (entity tricks), `xml-stylesheet` instructions (XSLT runs code);
- HTML: the same, through an HTML parser;
- JavaScript files, compressed SVG (`.svgz`, which nobody can read before publishing) and XSLT.

Pure: no Pelican. Used by `invoke check`, the build (plugins/content_guard) and the
`active` publishing gate.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from xml.parsers import expat

XML_SUFFIXES = frozenset({".svg", ".xml"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
REFUSED_SUFFIXES = {
    ".js": "tệp JavaScript", ".mjs": "tệp JavaScript", ".svgz": "ảnh SVG nén (.svgz)",
    ".xsl": "tệp XSLT", ".xslt": "tệp XSLT",
}
CHECKED_SUFFIXES = XML_SUFFIXES | HTML_SUFFIXES | frozenset(REFUSED_SUFFIXES)

_EMBEDDING = frozenset({"script", "foreignobject", "iframe", "frame", "object", "embed",
                        "applet", "handler", "listener", "base", "portal"})
_LINK_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "data", "xlink:href",
                              "poster", "background", "lowsrc", "dynsrc", "codebase"})
_ANIMATIONS = frozenset({"set", "animate", "animatemotion", "animatetransform"})
_SAFE_DATA = re.compile(r"data:image/(?:png|jpe?g|gif|webp|avif);", re.I)
_URL_FUNCTION = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.I)
_IMPORT = re.compile(r"@import", re.I)
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.\-]*):", re.I)
_WHITESPACE_AND_CONTROLS = re.compile(r"[\x00-\x20]+")


@dataclass(frozen=True)
class Finding:
    line: int
    what: str  # in Vietnamese, for the editor


_WEB_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def _reference_problem(value: str, self_contained: bool = True) -> str | None:
    """Why an address inside an uploaded file is refused. A picture (`self_contained`) may
    only point into itself or hold an embedded picture; an HTML page may also link to other
    pages and sites, never to a script."""
    # Browsers ignore spaces and control characters inside a scheme: `java\nscript:`.
    compact = _WHITESPACE_AND_CONTROLS.sub("", value)
    if not compact or compact.startswith("#"):
        return None
    scheme = _SCHEME.match(compact)
    if scheme and scheme.group(1).lower() == "data":
        return None if _SAFE_DATA.match(compact) else "một địa chỉ data: không phải ảnh"
    if not self_contained and (scheme is None or scheme.group(1).lower() in _WEB_SCHEMES):
        return None
    if scheme:
        return f"địa chỉ “{scheme.group(1).lower()}:”"
    return f"tham chiếu tới tệp khác ({value.strip()[:60]})"


def _style_problem(text: str) -> str | None:
    if _IMPORT.search(text):
        return "lệnh @import trong CSS"
    for target in _URL_FUNCTION.findall(text):
        problem = _reference_problem(target)
        if problem:
            return f"url(…) trong CSS: {problem}"
    return None


def _element_problems(name: str, attributes: dict[str, str],
                      self_contained: bool = True) -> list[str]:
    # expat names namespaced items "namespace local"; HTML and undeclared prefixes "p:local".
    local = name.rsplit(" ", 1)[-1].rsplit(":", 1)[-1].lower()
    problems = []
    if local in _EMBEDDING:
        problems.append(f"thẻ <{local}>")
    for attribute, value in attributes.items():
        key = attribute.rsplit(" ", 1)[-1].lower()  # expat's "namespace local" form
        bare = key.rsplit(":", 1)[-1]
        if bare.startswith("on"):
            problems.append(f"thuộc tính sự kiện {bare}=")
        elif key in _LINK_ATTRIBUTES or bare in ("href", "src"):
            problem = _reference_problem(value, self_contained)
            if problem:
                problems.append(f"{bare}=: {problem}")
        elif bare == "style":
            problem = _style_problem(value)
            if problem:
                problems.append(problem)
        elif local in _ANIMATIONS and bare == "attributename" and (
                value.strip().lower().rsplit(":", 1)[-1] in ("href", "src")
                or value.strip().lower().startswith("on")):
            problems.append(f"<{local}> thay đổi thuộc tính {value.strip()}")
        elif "javascript:" in _WHITESPACE_AND_CONTROLS.sub("", value).lower():
            problems.append(f"{bare}= chứa javascript:")
    return problems


def scan_xml(data: bytes, self_contained: bool = True) -> list[Finding]:
    """What would run in an SVG (or other XML) file, and for a picture (`self_contained`)
    what it would load from elsewhere; other XML (a feed) may link to pages."""
    findings: list[Finding] = []
    parser = expat.ParserCreate(namespace_separator=" ")
    in_style = [False]

    def add(what: str) -> None:
        findings.append(Finding(parser.CurrentLineNumber, what))

    def start(name, attributes):
        for what in _element_problems(name, attributes, self_contained):
            add(what)
        in_style[0] = name.rsplit(" ", 1)[-1].rsplit(":", 1)[-1].lower() == "style"

    def end(name):
        in_style[0] = False

    def text(data):
        if in_style[0]:
            problem = _style_problem(data)
            if problem:
                add(problem)

    def doctype(*_args):
        add("khai báo DOCTYPE (có thể chứa thực thể nguy hiểm)")

    def instruction(target, data):
        if target.lower() == "xml-stylesheet":
            add("chỉ thị xml-stylesheet")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    parser.ProcessingInstructionHandler = instruction
    # Never read another file: no external DTD, no external entity.
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.ExternalEntityRefHandler = lambda *args: 0
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        reason = expat.errors.messages[error.code]
        findings.append(Finding(error.lineno, f"tệp không đọc được như XML ({reason})"))
    return findings


class _HtmlScanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.findings: list[Finding] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        line = self.getpos()[0]
        self.findings.extend(Finding(line, what)
                             for what in _element_problems(tag, attributes, False))
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            self.findings.append(Finding(line, "thẻ <meta http-equiv=\"refresh\"> (chuyển trang)"))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            problem = _style_problem(data)
            if problem:
                self.findings.append(Finding(self.getpos()[0], problem))


def scan_html(data: bytes) -> list[Finding]:
    scanner = _HtmlScanner()
    scanner.feed(data.decode("utf-8", errors="replace"))
    scanner.close()
    return scanner.findings


def findings_for(name: str, data: bytes) -> list[Finding]:
    """The findings for a file of that name holding `data` (nothing for other kinds)."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in REFUSED_SUFFIXES:
        return [Finding(1, f"{REFUSED_SUFFIXES[suffix]} không được đăng từ thư mục nội dung")]
    if suffix in XML_SUFFIXES:
        return scan_xml(data, self_contained=suffix == ".svg")
    if suffix in HTML_SUFFIXES:
        return scan_html(data)
    return []


def is_checked(name: str) -> bool:
    return "." in name and "." + name.rsplit(".", 1)[-1].lower() in CHECKED_SUFFIXES


HINT = ("xóa phần đó khỏi tệp (mở bằng trình soạn thảo văn bản), hoặc xuất lại hình ở dạng "
        "PNG/JPEG; ảnh và biểu đồ không cần mã chạy được")


def describe(findings: list[Finding], limit: int = 3) -> str:
    shown = "; ".join(finding.what for finding in findings[:limit])
    more = f" (và {len(findings) - limit} chỗ khác)" if len(findings) > limit else ""
    return f"tệp có nội dung trình duyệt sẽ chạy hoặc tải từ nơi khác: {shown}{more}"
