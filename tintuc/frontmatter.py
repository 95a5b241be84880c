"""Reading an article file: bytes → NFC text → front-matter fields + Markdown body.

The format is CONTRACT.md §1: `Khóa: giá trị` lines at the top, optionally fenced by `---`,
keys matched case- and diacritic-insensitively, values plain text. Every problem becomes a
`Problem` naming the file and line; nothing here raises on bad content.
"""

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache

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
    Key("category", "Chuyên mục", ("Chuyên mục", "Category")),
    Key("modified", "Cập nhật", ("Cập nhật", "Ngày cập nhật", "Modified"), kind="date"),
    # "khoá" is the older tone placement of "khóa"; both are in daily use.
    Key("tags", "Thẻ", ("Thẻ", "Từ khóa", "Từ khoá", "Tags"), kind="list"),
    Key("authors", "Tác giả", ("Tác giả", "Author", "Authors"), kind="list"),
    Key("source", "Nguồn tin", ("Nguồn tin", "Nguồn", "Source")),
    Key("summary", "Tóm tắt", ("Tóm tắt", "Mô tả", "Summary")),
    Key("image", "Ảnh đại diện", ("Ảnh đại diện", "Ảnh", "Image")),
    Key("image_caption", "Chú thích ảnh", ("Chú thích ảnh", "Image_caption")),
    Key("slug", "Đường dẫn", ("Đường dẫn", "Slug"), kind="slug"),
    Key("status", "Trạng thái", ("Trạng thái", "Status"), kind="status"),
    Key("featured", "Nổi bật", ("Nổi bật", "Featured"), kind="yes_no"),
    Key("legacy_urls", "Đường dẫn cũ", ("Đường dẫn cũ", "Legacy_url"), kind="list"),
    # Pelican's own keys that have a use here beyond the contract's table.
    Key("lang", "Ngôn ngữ", ("Ngôn ngữ", "Lang")),
    Key("template", "Mẫu trang", ("Mẫu trang", "Template")),
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
    return nfc(text.replace("\r\n", "\n").replace("\r", "\n")), None


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


def parse(text: str, path: str, *, required: tuple[str, ...] = ARTICLE_REQUIRED) -> Document:
    """Split NFC text into fields and body, collecting every problem on the way."""
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
    if key.kind == "date":
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
    if key.kind == "list":
        items, seen = [], set()
        for item in value.split(","):
            item = " ".join(item.split())
            if item and fold(item) not in seen:
                seen.add(fold(item))
                items.append(item)
        return items
    if key.kind == "slug":
        slug = slugify(value, max_length=None)
        if not slug:
            document.error(line, "bad-slug", f"“{key.label}” “{value}” không có chữ hay số nào",
                           "ghi đường dẫn bằng chữ không dấu, số và dấu gạch ngang")
            return None
        return slug
    if key.kind == "status":
        return _lookup(STATUSES, key, value, line, document, "công bố, nháp hoặc ẩn")
    if key.kind == "yes_no":
        return _lookup(YES_NO, key, value, line, document, "có hoặc không")
    if key.name in ARTICLE_REQUIRED and not value:
        document.error(line, f"empty-{key.name}", f"“{key.label}” để trống",
                       f"ghi {key.label.lower()} sau dấu hai chấm")
        return None
    return value


def _lookup(table: dict, key: Key, value: str, line: int, document: Document, allowed: str):
    for word, meaning in table.items():
        if matches_with_marks_omitted(value, word):
            return meaning
    document.error(line, f"bad-{key.name}", f"“{key.label}” không nhận giá trị “{value}”",
                   f"ghi một trong: {allowed}")
    return None


def read_source(data: bytes, path: str, *, required=ARTICLE_REQUIRED) -> Document:
    """The whole pipeline for one file's bytes."""
    text, problem = decode(data, path)
    if problem:
        return Document(path, problems=[problem])
    return parse(text, path, required=required)
