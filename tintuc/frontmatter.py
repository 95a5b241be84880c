"""Reading an article file: bytes → NFC text → front-matter fields + Markdown body.

The format is CONTRACT.md §1: `Khóa: giá trị` lines at the top, optionally fenced by `---`,
keys matched case- and diacritic-insensitively, values plain text. Every problem becomes a
`Problem` naming the file and line; nothing here raises on bad content.
"""

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from tintuc import paths
from tintuc.dates import EXAMPLES as DATE_EXAMPLES
from tintuc.dates import DateError, parse_date
from tintuc.problems import ERROR, WARNING, Problem
from tintuc.text import fold, matches_with_marks_omitted, nfc, slugify


@dataclass(frozen=True)
class Key:
    name: str  # the metadata name Pelican and the theme use
    label: str  # how the editor guide and messages name it
    spellings: tuple[str, ...]
    kind: str = "text"


KEYS = (
    Key("title", "Tiêu đề", ("Tiêu đề", "Title")),
    Key("date", "Ngày đăng", ("Ngày đăng", "Ngày", "Date"), kind="date"),
    Key("category", "Chuyên mục", ("Chuyên mục", "Category"), kind="name"),
    Key("modified", "Cập nhật", ("Cập nhật", "Ngày cập nhật", "Modified"), kind="date"),
    # "khoá" is the older tone placement of "khóa"; both are in daily use.
    Key("tags", "Thẻ", ("Thẻ", "Từ khóa", "Từ khoá", "Tags"), kind="names"),
    Key("authors", "Tác giả", ("Tác giả", "Author", "Authors"), kind="names"),
    Key("source", "Nguồn tin", ("Nguồn tin", "Nguồn", "Source"), kind="source"),
    Key("external_url", "Liên kết ngoài", ("Liên kết ngoài", "External_url"), kind="web_address"),
    Key("summary", "Tóm tắt", ("Tóm tắt", "Mô tả", "Summary")),
    Key("image", "Ảnh đại diện", ("Ảnh đại diện", "Ảnh", "Image"), kind="image"),
    Key("image_caption", "Chú thích ảnh", ("Chú thích ảnh", "Image_caption")),
    # A document of the register ("Văn bản", Nghị định 42/2022): its number makes it one.
    Key("document_number", "Số hiệu", ("Số hiệu", "Số văn bản", "Document_number")),
    Key("document_kind", "Loại văn bản", ("Loại văn bản", "Document_kind"), kind="name"),
    Key("issued", "Ngày ban hành", ("Ngày ban hành", "Issued"), kind="date"),
    Key("effective", "Ngày hiệu lực", ("Ngày hiệu lực", "Effective"), kind="date"),
    Key("document_file", "Tệp văn bản", ("Tệp văn bản", "Document_file"), kind="image"),
    Key("slug", "Đường dẫn", ("Đường dẫn", "Slug"), kind="slug"),
    Key("status", "Trạng thái", ("Trạng thái", "Status"), kind="status"),
    Key("featured", "Nổi bật", ("Nổi bật", "Featured"), kind="featured"),
    Key("legacy_urls", "Đường dẫn cũ", ("Đường dẫn cũ", "Legacy_url"), kind="old_addresses"),
    Key("expires", "Hết hạn", ("Hết hạn", "Expires"), kind="date"),
    Key("topic", "Sự kiện", ("Sự kiện", "Dòng sự kiện", "Topic"), kind="name"),
    # Pelican's own keys that have a use here beyond the contract's table.
    Key("lang", "Ngôn ngữ", ("Ngôn ngữ", "Lang"), kind="language"),
    Key("template", "Mẫu trang", ("Mẫu trang", "Template"), kind="template"),
)
KEYS_BY_NAME = {key.name: key for key in KEYS}
ARTICLE_REQUIRED = ("title", "date", "category")
PAGE_REQUIRED = ("title",)

STATUSES = {"công bố": "published", "published": "published", "nháp": "draft",
            "draft": "draft", "ẩn": "hidden", "hidden": "hidden"}
YES_NO = {"có": True, "yes": True, "true": True, "không": False, "no": False, "false": False}


def _key_form(text: str) -> str:
    return " ".join(nfc(text).replace("_", " ").replace("-", " ").casefold().split())


_SPELLINGS_BY_FOLDED: dict[str, list[tuple[str, str, Key]]] = {}
for _key in KEYS:
    for _spelling in _key.spellings:
        _SPELLINGS_BY_FOLDED.setdefault(fold(_key_form(_spelling)), []).append(
            (_key_form(_spelling), _spelling, _key)
        )

_KEY_LINE = re.compile(r"(?P<key>[^\W\d][\w ._-]{0,39}?)\s*:\s?(?P<value>.*)")
_FENCE = "---"


@lru_cache(maxsize=1024)
def find_key(typed: str) -> Key | None:
    """The key a typed name means: case, NFC and omitted diacritics don't matter."""
    typed_form = _key_form(typed)
    for form, _spelling, key in _SPELLINGS_BY_FOLDED.get(fold(typed_form), ()):
        if matches_with_marks_omitted(typed_form, form):
            return key
    return None


@lru_cache(maxsize=256)
def closest_key(typed: str) -> str | None:
    """The spelling to suggest for an unknown key (`Tiêu để` → `Tiêu đề`)."""
    candidates = list(_SPELLINGS_BY_FOLDED)
    found = difflib.get_close_matches(fold(_key_form(typed)), candidates, n=1, cutoff=0.6)
    if not found:
        return None
    return _SPELLINGS_BY_FOLDED[found[0]][0][1]


@dataclass
class Field:
    value: object
    line: int
    typed_key: str


@dataclass
class Document:
    """A file split into its front-matter fields and its Markdown body."""

    path: str
    fields: dict[str, Field] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    header_end_line: int = 1
    problems: list[Problem] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(problem.is_error for problem in self.problems)

    def get(self, name: str, default=None):
        found = self.fields.get(name)
        return found.value if found else default

    def error(self, line: int, code: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.path, line, code, message, hint, ERROR))

    def warn(self, line: int, code: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.path, line, code, message, hint, WARNING))


def decode(data: bytes, path: str) -> tuple[str | None, Problem | None]:
    """Bytes → NFC text with LF line ends; a file that is not UTF-8 is a problem."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        guess = guess_legacy_encoding(data)
        likely = f"có lẽ tệp được lưu bằng bảng mã {guess}" if guess else (
            "có lẽ tệp được lưu bằng một bảng mã cũ (Windows-1258, TCVN3 hoặc VNI)"
        )
        return None, Problem(
            path, line, "not-utf8",
            f"tệp không phải UTF-8 (byte 0x{data[error.start]:02X} ở dòng {line}): {likely}",
            "mở tệp bằng trình soạn thảo và lưu lại với bảng mã UTF-8 "
            "(Unikey: Công cụ chuyển mã → đích Unicode)",
        )
    text = nfc(text.replace("\r\n", "\n").replace("\r", "\n"))
    control = _CONTROL_CHARACTER.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        return None, Problem(
            path, line, "control-character",
            f"dòng {line} có ký tự điều khiển U+{ord(control.group()):04X}, không hiển thị được "
            "trên trang web (thường do dán từ tệp khác hoặc tệp không phải văn bản)",
            "xóa ký tự đó: gõ lại dòng này, hoặc dán văn bản qua Notepad trước khi dán vào bài")
    return text, None


# C0 controls but tab and line ends, and DEL: invalid in HTML, and NUL cuts names in C code.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# Bytes that carry Vietnamese letters in each legacy encoding, for a best guess only.
_CP1258_TONES = frozenset(b"\xcc\xec\xd2\xde\xf2")
_TCVN3_LETTERS = frozenset(b"\xa7\xae\xb5\xb8\xb6\xb7\xb9\xa9\xca\xcb\xd5\xd6\xdf\xe0\xe8\xf1\xf9")
_VNI_LETTERS = frozenset(b"\xf8\xf9\xfa\xf5\xf3\xf2\xef\xd1\xf1")


def guess_legacy_encoding(data: bytes) -> str | None:
    """Name the legacy Vietnamese encoding a non-UTF-8 file most likely uses."""
    high = [byte for byte in data if byte >= 0x80]
    if not high:
        return None
    scores = {
        "Windows-1258": sum(byte in _CP1258_TONES for byte in high),
        "TCVN3 (ABC)": sum(byte in _TCVN3_LETTERS for byte in high),
        "VNI Windows": sum(byte in _VNI_LETTERS for byte in high),
    }
    best = max(scores, key=scores.get)
    return best if scores[best] * 4 >= len(high) else None


def _split_header(lines: list[str], document: Document) -> tuple[list[tuple[int, str]], int]:
    """The header lines with their numbers, and the index of the body's first line."""
    if lines and lines[0].strip() == _FENCE:
        for index in range(1, len(lines)):
            if lines[index].strip() == _FENCE:
                return list(enumerate(lines[1:index], start=2)), index + 1
        document.error(1, "unclosed-fence", "phần đầu mở bằng “---” nhưng không có dòng “---” đóng",
                       "thêm một dòng “---” sau dòng khóa cuối cùng")
        return [], len(lines)
    if not lines or not _KEY_LINE.fullmatch(lines[0]):
        return [], 0
    end = next((index for index, line in enumerate(lines) if not line.strip()), len(lines))
    return list(enumerate(lines[:end], start=1)), end + 1


def parse(text: str, path: str, *, required: tuple[str, ...] = ARTICLE_REQUIRED,
          folder: str | None = None) -> Document:
    """Split NFC text into fields and body, collecting every problem on the way.

    `folder` is the file's folder relative to the content folder, for the links of its body
    that are relative to it (None: only links from the content folder's root are judged)."""
    document = Document(path)
    lines = text.split("\n")
    header, body_start = _split_header(lines, document)
    document.body = "\n".join(lines[body_start:])
    document.body_line = body_start + 1
    document.header_end_line = header[-1][0] if header else 1

    entries: list[list] = []  # [line, typed key, value]
    for number, line in header:
        if not line.strip():
            continue
        if line[0].isspace() and entries:
            entries[-1][2] = f"{entries[-1][2]} {line.strip()}".strip()
            continue
        match = _KEY_LINE.fullmatch(line)
        if not match:
            document.error(
                number, "not-a-key-line", f"dòng “{line.strip()[:60]}” nằm trong phần đầu "
                "nhưng không có dạng “Khóa: giá trị”",
                "nếu đây là nội dung bài, hãy để một dòng trống giữa phần đầu và nội dung",
            )
            continue
        entries.append([number, match["key"].strip(), match["value"].strip()])

    for number, typed_key, value in entries:
        key = find_key(typed_key)
        if key is None:
            suggestion = closest_key(typed_key)
            document.warn(
                number, "unknown-key", f"khóa “{typed_key}” không có trong danh sách nên bị bỏ qua",
                f"có phải ý bạn là “{suggestion}”?" if suggestion else
                "xem danh sách khóa trong docs/huong-dan-bien-tap.md",
            )
            continue
        if key.name in document.fields:
            earlier = document.fields[key.name]
            document.warn(
                number, "duplicate-key", f"khóa “{key.label}” đã có ở dòng {earlier.line}; "
                "giá trị ở dòng này được dùng", "xóa một trong hai dòng",
            )
        if not value and key.name not in required:
            # `invoke new` writes every key; one left empty simply is not given.
            continue
        converted = _convert(key, value, number, document)
        if converted is not None:
            document.fields[key.name] = Field(converted, number, typed_key)

    _check_body(document, folder)
    if any(problem.code == "unclosed-fence" for problem in document.problems):
        return document  # the keys are all there, only the fence is open: one error is enough
    for name in required:
        if name in document.fields:
            continue
        key = KEYS_BY_NAME[name]
        typed = next((entry for entry in entries if find_key(entry[1]) is key), None)
        if typed is None:
            document.error(
                document.header_end_line, f"missing-{name}",
                f"thiếu khóa bắt buộc “{key.label}”",
                f"thêm dòng “{key.label}: …” vào phần đầu tệp"
                + (f" (ngày theo dạng {DATE_EXAMPLES})" if key.kind == "date" else ""),
            )
    return document


def _convert(key: Key, value: str, line: int, document: Document):
    """A raw value in the form the key means, or None after reporting why it can't be."""
    convert = _CONVERTERS.get(key.kind)
    if convert is not None:
        return convert(key, value, line, document)
    if key.name in ARTICLE_REQUIRED and not value:
        document.error(line, f"empty-{key.name}", f"“{key.label}” để trống",
                       f"ghi {key.label.lower()} sau dấu hai chấm")
        return None
    return value


def _date(key: Key, value: str, line: int, document: Document):
    if not value:
        document.error(line, f"empty-{key.name}", f"“{key.label}” để trống",
                       "ghi ngày theo dạng 13/11/2022 21:12")
        return None
    try:
        return parse_date(value)
    except DateError as error:
        document.error(line, f"bad-{key.name}", f"“{key.label}”: {error}",
                       f"các dạng được nhận: {DATE_EXAMPLES}")
        return None


def _list(value: str) -> list[str]:
    items, seen = [], set()
    for item in value.split(","):
        item = " ".join(item.split())
        if item and fold(item) not in seen:
            seen.add(fold(item))
            items.append(item)
    return items


def name_problem(key: Key, name: str) -> tuple[str, str] | None:
    """Why a category, tag or author name cannot be one: each becomes a folder of the site."""
    if len(name) > paths.MAX_NAME:
        return (f"“{key.label}” “{name[:40]}…” dài {len(name)} ký tự (tối đa {paths.MAX_NAME})",
                "có lẽ một đoạn văn bị dán nhầm vào đây; mỗi tên chỉ vài chữ, cách nhau "
                "bằng dấu phẩy")
    if not slugify(name, max_length=None):
        return (f"“{key.label}” “{name}” không có chữ hay số nào nên không đặt được địa chỉ",
                "ghi tên bằng chữ, có thể kèm số")
    return None


def _checked_names(key: Key, names: list[str], line: int, document: Document):
    problem = next(filter(None, (name_problem(key, name) for name in names)), None)
    if problem:
        document.error(line, f"bad-{key.name}", *problem)
        return None
    return names


def _names(key: Key, value: str, line: int, document: Document):
    return _checked_names(key, _list(value), line, document)


def _name(key: Key, value: str, line: int, document: Document):
    name = " ".join(value.split())
    if not name:
        if key.name in ARTICLE_REQUIRED:
            document.error(line, f"empty-{key.name}", f"“{key.label}” để trống",
                           f"ghi {key.label.lower()} sau dấu hai chấm")
        return None
    checked = _checked_names(key, [name], line, document)
    return checked[0] if checked else None


def _slug(key: Key, value: str, line: int, document: Document):
    slug = slugify(value, max_length=None)
    if not slug:
        document.error(line, "bad-slug", f"“{key.label}” “{value}” không có chữ hay số nào",
                       "ghi đường dẫn bằng chữ không dấu, số và dấu gạch ngang")
        return None
    if len(slug) > paths.MAX_SLUG:
        document.error(line, "bad-slug", f"“{key.label}” dài {len(slug)} ký tự "
                       f"(tối đa {paths.MAX_SLUG})", "rút gọn đường dẫn còn vài chữ chính")
        return None
    return slug


def _language(key: Key, value: str, line: int, document: Document):
    if not paths.LANGUAGE.fullmatch(value):
        document.error(line, "bad-lang", f"“{key.label}” “{value}” không phải mã ngôn ngữ",
                       "ghi mã hai chữ cái như vi hoặc en (hoặc bỏ dòng này: mặc định là vi)")
        return None
    return value


def _template(key: Key, value: str, line: int, document: Document):
    if not paths.TEMPLATE.fullmatch(value):
        document.error(line, "bad-template", f"“{key.label}” “{value}” không phải tên mẫu trang",
                       "ghi tên một mẫu trong theme/templates, không kèm .html và không có "
                       "“/” (ví dụ page), hoặc bỏ dòng này")
        return None
    return value


_IMAGE_PREFIX = re.compile(r"^(?:\{static\}|\{attach\}|\|static\|)")


def _image(key: Key, value: str, line: int, document: Document):
    if re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", value, re.I):
        return value  # another site's photo: `invoke check` warns, nothing is read
    # Editors write `../images/…` from an article's folder; the reader takes it from the
    # content folder, so only what is left after those steps up must stay inside.
    relative = _IMAGE_PREFIX.sub("", value).replace("\\", "/")
    while relative.startswith("../"):
        relative = relative[3:]
    if paths.contained(relative) is None:
        document.error(line, f"bad-{key.name}", f"“{key.label}” “{value}” trỏ ra ngoài thư mục "
                       "nội dung", "ghi đường dẫn tệp trong content/images, ví dụ "
                       "{static}/images/2024/03/anh.jpg")
        return None
    return value


def _old_addresses(key: Key, value: str, line: int, document: Document):
    addresses = _list(value)
    for address in addresses:
        problem = paths.legacy_path_problem(address)
        if problem:
            document.error(line, "bad-legacy-url", f"“{key.label}” “{address[:80]}”: {problem}",
                           "chép nguyên địa chỉ của bài trên trang cũ, ví dụ "
                           "/news/hoat-dong-doan/ten-bai-123.html")
            return None
    return addresses


_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"']+\.[^\s<>\"']+", re.I)
# `Báo Cao Bằng <https://baocaobang.vn/…>`: a source and where it is. Only what has a scheme
# is an address: `Cuộc thi <Em yêu Tổ quốc>` is a name.
_SOURCE_WITH_ADDRESS = re.compile(
    r"(?P<name>.*?)\s*<(?P<address>\s*[A-Za-z][A-Za-z0-9+.-]*:[^<>]*)>\s*")


def _web_address(key: Key, value: str, line: int, document: Document):
    if not _WEB_ADDRESS.fullmatch(value):
        document.error(line, f"bad-{key.name}", f"“{key.label}” “{value[:80]}” không phải địa "
                       "chỉ trang web", "chép nguyên địa chỉ bắt đầu bằng https://, ví dụ "
                       "https://baocaobang.vn/ten-bai.html")
        return None
    return value


def _source(key: Key, value: str, line: int, document: Document):
    """The source's name; with an address in `<…>` after it, that too (`source_url`)."""
    found = _SOURCE_WITH_ADDRESS.fullmatch(value)
    if found is None:
        return value
    address = _web_address(key, found["address"].strip(), line, document)
    if address is None:
        return None
    document.fields["source_url"] = Field(address, line, "")
    return found["name"] or address


def _status(key: Key, value: str, line: int, document: Document):
    return _lookup(STATUSES, key, value, line, document, "công bố, nháp hoặc ẩn")


def _yes_no(key: Key, value: str, line: int, document: Document):
    return _lookup(YES_NO, key, value, line, document, "có hoặc không")


MAX_FEATURED_RANK = 99


def _featured(key: Key, value: str, line: int, document: Document):
    """`có`/`không`, or a place in the home page's "Tin nổi bật" (1 first)."""
    if value.isdigit():
        rank = int(value)
        if 1 <= rank <= MAX_FEATURED_RANK:
            return rank
        document.error(line, f"bad-{key.name}", f"“{key.label}” {value}: thứ tự phải từ 1 đến "
                       f"{MAX_FEATURED_RANK}", "ghi 1 cho tin đứng đầu, 2 cho tin thứ hai…, hoặc "
                       "có/không")
        return None
    return _lookup(YES_NO, key, value, line, document, "có, không, hoặc thứ tự 1, 2, 3…")


_CONVERTERS = {
    "date": _date, "name": _name, "names": _names, "slug": _slug, "status": _status,
    "yes_no": _yes_no, "featured": _featured, "image": _image, "source": _source,
    "web_address": _web_address, "old_addresses": _old_addresses,
    "language": _language, "template": _template,
}


def _lookup(table: dict, key: Key, value: str, line: int, document: Document, allowed: str):
    for word, meaning in table.items():
        if matches_with_marks_omitted(value, word):
            return meaning
    document.error(line, f"bad-{key.name}", f"“{key.label}” không nhận giá trị “{value}”",
                   f"ghi một trong: {allowed}")
    return None


def read_source(data: bytes, path: str, *, required=ARTICLE_REQUIRED,
                folder: str | None = None) -> Document:
    """The whole pipeline for one file's bytes."""
    text, problem = decode(data, path)
    if problem:
        return Document(path, problems=[problem])
    return parse(text, path, required=required, folder=folder)


# --- The body: what Markdown or the build must never be handed ------------------------------

# Python-Markdown recurses once per level of nested lists and quotes: 400 levels overflow the
# stack, 2,000 take gigabytes. No article needs more than a handful.
MAX_NESTING = 16
# Unclosed `[` make its link parser quadratic (6,000 of them: 10 s for one paragraph).
MAX_OPEN_BRACKETS = 32
_CONTAINER = re.compile(r"(?:>|[-*+](?=\s)|\d{1,9}[.)](?=\s))[ \t]?")


def _nesting(line: str) -> int:
    """How many lists and quotes a line is inside: its indentation (4 columns a level) and
    the `>`/list markers it starts with."""
    depth, position = 0, 0
    while True:
        stripped = line[position:]
        indent = len(stripped) - len(stripped.lstrip(" \t"))
        columns = len(stripped[:indent].expandtabs(4))
        depth += columns // 4
        position += indent
        marker = _CONTAINER.match(line, position)
        if not marker:
            return depth
        depth += 1
        position = marker.end()


def _check_body(document: Document, folder: str | None) -> None:
    body, first = document.body, document.body_line
    open_brackets = 0
    for number, line in enumerate(body.split("\n"), start=first):
        if not line.strip():
            open_brackets = 0  # a paragraph ends
            continue
        if _nesting(line) > MAX_NESTING:
            document.error(number, "too-deep", f"danh sách hoặc trích dẫn lồng nhau quá "
                           f"{MAX_NESTING} tầng", "bớt thụt lề hoặc bớt dấu “>”: nội dung "
                           "lồng quá sâu không hiển thị được")
            break
        if "[" in line:
            for char in line:
                if char == "[":
                    open_brackets += 1
                elif char == "]":
                    open_brackets = max(0, open_brackets - 1)
            if open_brackets > MAX_OPEN_BRACKETS:
                document.error(number, "too-many-brackets", f"đoạn văn có hơn "
                               f"{MAX_OPEN_BRACKETS} dấu “[” chưa đóng", "đóng mỗi “[” bằng "
                               "một “]”, hoặc viết \\[ nếu muốn hiện dấu ngoặc vuông")
                break
    for line, what, target in paths.copying_links(body, first):
        judged = target and (target.startswith("/") or folder is not None)
        if judged and paths.link_target(folder or "", target) is None:
            document.error(line, "link-outside", f"“{{{what}}}{target}” trỏ ra ngoài thư mục "
                           "nội dung", "chỉ liên kết tới tệp trong thư mục nội dung, ví dụ "
                           "{static}/images/2024/03/anh.jpg (không dùng “..” để đi ra ngoài)")
