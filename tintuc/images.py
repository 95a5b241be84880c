"""Photos for the web: settings, variant planning, processing, the cache and the HTML.

Pure: nothing here imports Pelican, so the Pelican side (`plugins/photos`) stays a thin layer
of signal handlers and this module is tested directly. Messages are Vietnamese; they are
shown to editors by the plugin with the article's file and line.

What one source image becomes (each an *entry* in the cache, one per role):
- `content`: WebP and JPEG (PNG when the photo uses transparency) at the widths of
  PHOTOS["widths"] that are smaller than the photo, plus the photo's own width capped at the
  largest — never upscaled, and never more pixels than a 4:3 photo at the largest width.
  Used in articles, the featured image included.
- `thumb`: the same at PHOTOS["thumb_widths"], cropped to PHOTOS["thumb_ratio"] (the
  listing cards' CSS box), for featured images only. Small on purpose: a listing page
  shows twenty of them, and every width is two more URLs in its HTML.
- `og`: one JPEG cropped to PHOTOS["og_size"] (1200×630 when the photo is large enough).
- `original`: the published copy of the file itself, upright and without metadata, when the
  editor's file carries any (GPS, camera serials, faces' names in XMP…). Same pixels.

Every output is upright (EXIF orientation applied), in sRGB (other ICC profiles converted),
and carries no EXIF, GPS, XMP, IPTC, comments or ICC profile. An entry's id is the sha256 of
the source bytes' sha256, the role and every setting that changes the role's bytes, so an
unchanged photo is never processed twice and a changed setting never serves stale files.
(The id also holds the file's readable name, which the output names carry.)
"""

from __future__ import annotations

import concurrent.futures
import difflib
import hashlib
import html
import io
import json
import math
import multiprocessing
import os
import re
import shutil
import tempfile
import unicodedata
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import PIL
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from tintuc.files import write_atomically

# Bump when a change here changes the bytes written for the same settings: every entry's id
# changes with it, so old cache entries and old URLs are simply no longer used.
PROCESSOR_VERSION = 2  # 2: smaller sizes resized from the next larger one

PROCESSED_EXTENSIONS = frozenset({".jpg", ".jpeg", ".jpe", ".png", ".webp", ".tif", ".tiff",
                                  ".bmp"})
ROLES = ("content", "thumb", "og", "original")

# The theme's boxes (theme/static/css/tin.css), for the browser to pick a width before any
# CSS is loaded. The article column is 776 px wide from 1140 px up, the viewport minus the
# sidebar (300 px) and gaps (64 px) from 900 px up, and the viewport minus 2rem below that.
# libwebp's effort, 0–6. Measured on the sample photos: 6 gives WebP files about 6 % smaller
# than 4 (the default) for up to a fifth more encoding time, paid once per photo (the cache).
WEBP_METHOD = 6

_ARTICLE_COLUMN = "(min-width: 1140px) 776px, (min-width: 900px) calc(100vw - 364px), " \
                  "calc(100vw - 2rem)"
DEFAULT_SIZES = {
    "content": _ARTICLE_COLUMN,
    "lead": _ARTICLE_COLUMN,
    # Listing rows and cards: 7.5rem on phones, 12rem rows / ~11rem cards from 600 px.
    "teaser": "(min-width: 600px) 240px, 120px",
    # The home page's lead story: three fifths of the column from 1100 px, else the column.
    "teaser-large": "(min-width: 1100px) 452px, (min-width: 900px) calc(100vw - 364px), "
                    "calc(100vw - 2rem)",
}


# --- Settings --------------------------------------------------------------------------------

class PhotoSettingsError(ValueError):
    """PHOTOS is not usable; the message (Vietnamese) says which key and why."""


@dataclass(frozen=True)
class PhotoSettings:
    widths: tuple[int, ...] = (360, 720, 960, 1200)
    thumb_widths: tuple[int, ...] = (240, 480)
    thumb_ratio: tuple[int, int] = (3, 2)
    og_size: tuple[int, int] = (1200, 630)
    jpeg_quality: int = 80
    webp_quality: int = 75
    cache_dir: str | None = None
    output_dir: str = "images/_v"
    on_error: str = "warn"
    max_pixels: int = 40_000_000
    workers: int | None = None
    originals: str = "clean"
    sizes: dict = field(default_factory=lambda: dict(DEFAULT_SIZES))

    def role_digest(self, role: str) -> str:
        """Everything that changes the bytes of one role's files, as text."""
        common = f"v{PROCESSOR_VERSION};pillow {PIL.__version__}"
        if role == "content":
            detail = f"w={self.widths};q={self.jpeg_quality},{self.webp_quality}"
        elif role == "thumb":
            detail = (f"w={self.thumb_widths};r={self.thumb_ratio};"
                      f"q={self.jpeg_quality},{self.webp_quality}")
        elif role == "og":
            detail = f"s={self.og_size};q={self.jpeg_quality}"
        else:
            detail = "original"
        return f"{common};{role};{detail}"


_SETTING_KEYS = {
    "widths": "danh sách chiều rộng (px) của ảnh trong bài, ví dụ [360, 720, 1200]",
    "thumb_widths": "danh sách chiều rộng (px) của ảnh thu nhỏ trong danh sách tin",
    "thumb_ratio": "tỉ lệ khung ảnh thu nhỏ [rộng, cao], ví dụ [3, 2]",
    "og_size": "kích thước ảnh chia sẻ mạng xã hội [rộng, cao], ví dụ [1200, 630]",
    "quality": "chất lượng nén {\"jpeg\": 1–95, \"webp\": 1–100}",
    "cache_dir": "thư mục bộ nhớ đệm ảnh (mặc định CACHE_PATH/photos)",
    "output_dir": "thư mục ảnh đã xử lý trong trang kết quả (mặc định images/_v)",
    "on_error": "\"stop\" (dừng bản dựng) hoặc \"warn\" (cảnh báo, giữ ảnh gốc)",
    "max_pixels": "số điểm ảnh tối đa của một ảnh, ví dụ 40000000",
    "workers": "số tiến trình xử lý ảnh (0: mỗi nhân một tiến trình; 1: không song song)",
    "originals": "\"clean\" (xuất bản tệp gốc đã xóa siêu dữ liệu) hoặc \"keep\"",
    "sizes": "thuộc tính sizes theo vai trò: content, lead, teaser, teaser-large",
}


def _fail(key: str, problem: str) -> PhotoSettingsError:
    return PhotoSettingsError(f"Cài đặt PHOTOS[\"{key}\"] {problem}: cần {_SETTING_KEYS[key]}.")


def _positive_ints(key: str, value, count: int | None = None) -> tuple[int, ...]:
    if not isinstance(value, list | tuple) or not value or any(
            isinstance(item, bool) or not isinstance(item, int) or item <= 0 for item in value):
        raise _fail(key, f"không hợp lệ ({value!r})")
    if count is not None and len(value) != count:
        raise _fail(key, f"phải có đúng {count} số ({value!r})")
    return tuple(value)


def parse_settings(value) -> PhotoSettings:
    """PHOTOS as written in the settings file → PhotoSettings, or PhotoSettingsError."""
    if value is None:
        return PhotoSettings()
    if not isinstance(value, dict):
        raise PhotoSettingsError(f"Cài đặt PHOTOS phải là một dict, không phải {value!r}.")
    for key in value:
        if key not in _SETTING_KEYS:
            close = difflib.get_close_matches(str(key), list(_SETTING_KEYS), n=1)
            hint = f"; có phải ý bạn là \"{close[0]}\"?" if close else ""
            raise PhotoSettingsError(f"Cài đặt PHOTOS có khóa lạ \"{key}\"{hint} Các khóa "
                                     f"hợp lệ: {', '.join(_SETTING_KEYS)}.")
    found: dict = {}
    if "widths" in value:
        found["widths"] = tuple(sorted(set(_positive_ints("widths", value["widths"]))))
    if "thumb_widths" in value:
        found["thumb_widths"] = tuple(sorted(set(_positive_ints("thumb_widths",
                                                                value["thumb_widths"]))))
    if "thumb_ratio" in value:
        found["thumb_ratio"] = _positive_ints("thumb_ratio", value["thumb_ratio"], 2)
    if "og_size" in value:
        found["og_size"] = _positive_ints("og_size", value["og_size"], 2)
    if "quality" in value:
        quality = value["quality"]
        limits = {"jpeg": 95, "webp": 100}
        if not isinstance(quality, dict) or set(quality) - set(limits) or any(
                isinstance(number, bool) or not isinstance(number, int)
                or not 1 <= number <= limits[name] for name, number in quality.items()):
            raise _fail("quality", f"không hợp lệ ({quality!r})")
        found["jpeg_quality"] = quality.get("jpeg", PhotoSettings.jpeg_quality)
        found["webp_quality"] = quality.get("webp", PhotoSettings.webp_quality)
    for key in ("cache_dir", "output_dir"):
        if key in value:
            text = value[key]
            if not (isinstance(text, str) and text.strip()) and not (key == "cache_dir"
                                                                     and text is None):
                raise _fail(key, f"không hợp lệ ({text!r})")
            found[key] = text.strip("/") if key == "output_dir" else text
    for key, allowed in (("on_error", ("stop", "warn")), ("originals", ("clean", "keep"))):
        if key in value:
            if value[key] not in allowed:
                raise _fail(key, f"không hợp lệ ({value[key]!r})")
            found[key] = value[key]
    if "max_pixels" in value:
        found["max_pixels"] = _positive_ints("max_pixels", [value["max_pixels"]])[0] \
            if isinstance(value["max_pixels"], int) else _positive_ints("max_pixels", None)
    if "workers" in value:
        workers = value["workers"]
        if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                    or workers < 0):
            raise _fail("workers", f"không hợp lệ ({workers!r})")
        found["workers"] = workers
    if "sizes" in value:
        sizes = value["sizes"]
        if not isinstance(sizes, dict) or set(sizes) - set(DEFAULT_SIZES) or not all(
                isinstance(text, str) and text.strip() for text in sizes.values()):
            raise _fail("sizes", f"không hợp lệ ({sizes!r})")
        found["sizes"] = {**DEFAULT_SIZES, **sizes}
    return PhotoSettings(**found)


# --- Variants --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Variant:
    file: str  # the file name, the same in the cache entry and in the output folder
    format: str  # "webp", "jpeg" or "png"
    width: int
    height: int
    size: int  # bytes

    @property
    def mime(self) -> str:
        return f"image/{self.format}"


@dataclass(frozen=True)
class Entry:
    """One role's files for one source, as kept in the cache."""

    id: str
    role: str
    variants: tuple[Variant, ...]
    folder: str  # where the files are

    def of_format(self, fmt: str) -> list[Variant]:
        return sorted((v for v in self.variants if v.format == fmt), key=lambda v: v.width)

    @property
    def fallback_format(self) -> str | None:
        formats = {variant.format for variant in self.variants}
        return next((fmt for fmt in ("jpeg", "png", "webp") if fmt in formats), None)

    def to_json(self) -> dict:
        return {"id": self.id, "role": self.role,
                "variants": [vars(variant) for variant in self.variants]}

    @classmethod
    def from_json(cls, data: dict, folder: str) -> Entry:
        return cls(data["id"], data["role"],
                   tuple(Variant(**variant) for variant in data["variants"]), folder)


def entry_id(source_sha: str, role: str, settings: PhotoSettings, stem: str = "") -> str:
    """The cache key of one role's files. `stem` (the readable part of the file names) is in
    it because it is in the files' names: two files with the same bytes under two names get
    their own names, whichever is processed first."""
    key = f"{source_sha}\n{stem}\n{settings.role_digest(role)}"
    return hashlib.sha256(key.encode()).hexdigest()


def scaled_widths(width: int, widths: Iterable[int]) -> list[int]:
    """The widths to write for a picture `width` px wide: never wider than the picture."""
    widths = sorted(widths)
    chosen = [w for w in widths if w < width]
    chosen.append(min(width, widths[-1]))
    return sorted(set(chosen))


def content_widths(width: int, height: int, widths: Iterable[int]) -> list[int]:
    """`scaled_widths`, with the largest file also held to the area of a 4:3 photo at the
    largest width (1200 × 900 for 1200): bytes follow the area, so a portrait photo or a tall
    screenshot would otherwise weigh twice as much as a landscape one on the same screen."""
    widths = sorted(widths)
    area = widths[-1] * widths[-1] * 3 // 4
    limit = min(width, math.isqrt(area * width // height))
    return scaled_widths(max(1, limit), widths)


def crop_box(width: int, height: int, ratio: tuple[int, int]) -> tuple[int, int, int, int]:
    """The largest box of `ratio` in the picture: centred across, a little above the middle
    down, where the people in news photos usually are."""
    want = ratio[0] / ratio[1]
    if width / height > want:
        box_width, box_height = round(height * want), height
    else:
        box_width, box_height = width, round(width / want)
    left = (width - box_width) // 2
    top = round((height - box_height) * 0.4)
    return left, top, left + box_width, top + box_height


def _height_for(box_width: int, box_height: int, width: int) -> int:
    return max(1, round(box_height * width / box_width))


# --- What can go wrong with a file -----------------------------------------------------------

@dataclass(frozen=True)
class Failure:
    kind: str  # missing, not_image, corrupt, too_large, failed
    detail: str = ""
    width: int = 0
    height: int = 0


def _sniff(head: bytes) -> str:
    """What a file that Pillow cannot open most likely is, said for an editor."""
    stripped = head.lstrip().lower()
    if not head:
        return "tệp rỗng (0 byte)"
    if stripped.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")):
        return "đây là một trang web (HTML), thường do tải ảnh về bị lỗi"
    if stripped.startswith(b"<svg") or b"<svg" in stripped[:300]:
        return "đây là hình vẽ SVG, không phải ảnh chụp"
    if head.startswith(b"%PDF"):
        return "đây là tệp PDF"
    if head.startswith(b"PK\x03\x04"):
        return "đây là tệp nén (ZIP, Word, Excel…)"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc", b"ftypmsf1"):
        return "đây là ảnh HEIC của iPhone, trình duyệt không hiển thị được"
    if head[4:8] == b"ftyp":
        return "đây là tệp video hoặc định dạng ảnh không hỗ trợ"
    return "nội dung tệp không phải định dạng ảnh nào đã biết"


def failure_text(failure: Failure, label: str, *, max_pixels: int) -> tuple[str, str]:
    """(message, hint) in Vietnamese for an editor; `label` names the image."""
    if failure.kind == "missing":
        return (f"không tìm thấy {label}",
                "kiểm tra tên tệp (chữ hoa, chữ thường, dấu) và đường dẫn; ảnh phải nằm trong "
                "thư mục content/images/")
    if failure.kind == "not_image":
        hint = ("xuất ảnh ra JPEG (trên iPhone: Cài đặt › Camera › Định dạng › Tương thích "
                "nhất) rồi thay tệp này" if "HEIC" in failure.detail else
                "mở tệp để kiểm tra, lưu lại thành JPEG hoặc PNG rồi thay tệp này")
        return f"{label} không phải là tệp ảnh thật: {failure.detail}", hint
    if failure.kind == "corrupt":
        return (f"{label} bị hỏng, không đọc được ({failure.detail})",
                "tệp có thể bị cắt ngang khi chép hoặc tải lên: chép lại ảnh từ máy ảnh, "
                "điện thoại rồi thay tệp này")
    if failure.kind == "too_large":
        limit = f"{max_pixels / 1e6:g}".replace(".", ",")
        if failure.width:
            megapixels = f"{failure.width * failure.height / 1e6:.1f}".replace(".", ",")
            size = f"{failure.width} × {failure.height} điểm ảnh ({megapixels} megapixel)"
        else:
            size = failure.detail
        return (f"{label} quá lớn: {size}, giới hạn là {limit} megapixel",
                "thu nhỏ ảnh (rộng 2000–4000 px là đủ cho trang tin) rồi thay tệp này")
    return (f"không xử lý được {label} ({failure.detail})",
            "báo cho người phụ trách kỹ thuật, kèm thông báo này")


# --- Processing one source -------------------------------------------------------------------

@dataclass(frozen=True)
class Job:
    source: str  # absolute path
    stem: str  # readable part of the output names
    entries: tuple[tuple[str, str], ...]  # (role, entry id) still to make


@dataclass
class JobResult:
    source: str
    entries: list[dict] = field(default_factory=list)  # Entry.to_json() of each made
    failure: Failure | None = None
    skipped: str = ""  # why the source is left as it is (animated…): not an error


def _is_srgb(profile_bytes: bytes) -> bool:
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(profile_bytes))
        return "srgb" in ImageCms.getProfileDescription(profile).lower().replace(" ", "")
    except (OSError, ImageCms.PyCMSError, TypeError, ValueError):
        # An unreadable profile cannot be converted from: the pixels are taken as sRGB,
        # which is what browsers do with such a file too.
        return True


def _to_srgb(image: Image.Image, profile_bytes: bytes | None) -> Image.Image:
    """Pixels in sRGB: Display P3 (iPhones), Adobe RGB (cameras) and CMYK profiles converted,
    so the colours stay right once the profile is dropped."""
    if not profile_bytes or _is_srgb(profile_bytes):
        return image
    mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") else "RGB"
    if image.mode not in ("RGB", "RGBA", "CMYK", "L"):
        image = image.convert(mode)
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile_bytes))
        converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"),
                                              outputMode=mode if image.mode != "L" else "RGB")
    except (OSError, ImageCms.PyCMSError, ValueError):
        return image
    return converted if converted is not None else image


def _uses_alpha(image: Image.Image) -> bool:
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        alpha = image.convert("RGBA").getchannel("A")
        return alpha.getextrema()[0] < 255
    return False


def _normalise_mode(image: Image.Image, alpha: bool) -> Image.Image:
    if alpha:
        return image if image.mode == "RGBA" else image.convert("RGBA")
    if image.mode in ("RGB", "L"):
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale (scans, some PNG exports): scale down to 8 bits, do not clip.
        return image.point(lambda value: value / 256).convert("L")
    return image.convert("RGB")


def _flatten(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: composite on white, the page's background."""
    if image.mode != "RGBA":
        return image if image.mode in ("RGB", "L") else image.convert("RGB")
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A"))
    return background


def _encode(image: Image.Image, fmt: str, settings: PhotoSettings) -> bytes:
    buffer = io.BytesIO()
    # Nothing of the source's info (EXIF, XMP, ICC, comments, dpi) may reach a file: some
    # encoders take it from `info` when the caller does not pass it.
    image.info.clear()
    if fmt == "jpeg":
        _flatten(image).save(buffer, "JPEG", quality=settings.jpeg_quality, optimize=True,
                             progressive=True)
    elif fmt == "webp":
        image.save(buffer, "WEBP", quality=settings.webp_quality, method=WEBP_METHOD)
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _resize(work: Image.Image, scale: float, box: tuple[int, int, int, int],
            size: tuple[int, int]) -> Image.Image:
    """Crop `box` (in the source's upright pixels) and resize to `size`, from `work`, which
    is the source decoded at `scale` of its size (JPEG draft mode)."""
    work_box = tuple(value * scale for value in box)
    if size == work.size and work_box == (0, 0, *work.size):
        return work.copy()
    return work.resize(size, Image.Resampling.LANCZOS, box=work_box, reducing_gap=3.0)


def _resized(work: Image.Image, scale: float,
             plan: list[tuple[tuple[int, int, int, int], tuple[int, int]]]) -> list[Image.Image]:
    """Every size of one role (one crop box), in the plan's order. The largest is made from
    the source; each smaller one from the one just larger. A Lanczos resize costs in
    proportion to the pixels it reads, so this reads the source once per role instead of once
    per size (a quarter of the resizing time on camera photos, where it is a third of the
    work). Against each size made from the source: 52 dB PSNR at worst on the benchmark's
    photos, 20 dB under what JPEG 80 / WebP 75 themselves change (31.6 dB)."""
    order = sorted(range(len(plan)), key=lambda index: -plan[index][1][0])
    made: dict[int, Image.Image] = {}
    larger = None
    for index in order:
        box, size = plan[index]
        if larger is None or larger.size[0] < size[0] or larger.size[1] < size[1]:
            made[index] = _resize(work, scale, box, size)
        elif larger.size == size:
            made[index] = larger.copy()
        else:
            made[index] = larger.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        larger = made[index]
    return [made[index] for index in range(len(plan))]


_JPEG_KEEP = frozenset({0xE0, 0xEE})  # APP0 (JFIF), APP14 (Adobe: needed to decode colours)


def strip_jpeg_metadata(data: bytes) -> bytes | None:
    """The same JPEG without APP1–APP13/APP15 (EXIF, GPS, XMP, ICC, IPTC…) and comments,
    byte for byte otherwise: no re-encoding, so no quality lost. None if the file is not a
    JPEG this simple walker understands."""
    if not data.startswith(b"\xff\xd8"):
        return None
    out = [b"\xff\xd8"]
    index = 2
    while index + 4 <= len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        if marker == 0xFF:  # fill byte
            index += 1
            continue
        if marker == 0xDA:  # start of scan: the rest is image data
            out.append(data[index:])
            return b"".join(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out.append(data[index:index + 2])
            index += 2
            continue
        length = int.from_bytes(data[index + 2:index + 4], "big")
        segment = data[index:index + 2 + length]
        if not (0xE0 <= marker <= 0xEF or marker == 0xFE) or marker in _JPEG_KEEP:
            out.append(segment)
        index += 2 + length
    return None


def _has_metadata(image: Image.Image, data: bytes) -> bool:
    info = image.info
    if any(key in info for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop",
                                   "icc_profile", "iptc")):
        return True
    # PNG text chunks (tEXt, iTXt: Photoshop, phones write software and dates there).
    return bool(getattr(image, "text", None))


def _clean_original(image: Image.Image, data: bytes, orientation: int, icc: bytes | None,
                    fmt: str) -> tuple[bytes, str] | None:
    """The editor's file as it should be published, or None when it is fine as it is."""
    if fmt not in ("JPEG", "PNG", "WEBP"):
        return None  # browsers do not show the others: re-encoding would not help anyone
    if not _has_metadata(image, data) and orientation in (0, 1):
        return None
    if fmt == "JPEG" and orientation in (0, 1) and (not icc or _is_srgb(icc)):
        stripped = strip_jpeg_metadata(data)
        if stripped is not None:
            return (stripped, "jpeg") if stripped != data else None
    if fmt == "PNG" and orientation in (0, 1) and (not icc or _is_srgb(icc)):
        # Lossless either way; keeping the mode keeps a palette logo small.
        image.load()
        transparency = image.info.get("transparency")
        image.info.clear()
        buffer = io.BytesIO()
        extra = {} if transparency is None else {"transparency": transparency}
        image.save(buffer, "PNG", optimize=True, **extra)
        return buffer.getvalue(), "png"
    # Rotated, or a profile to convert: re-encode, at a quality that keeps the original's
    # look (it is the file a "see the original" link leads to).
    image.load()
    upright = _to_srgb(ImageOps.exif_transpose(image), icc)
    alpha = _uses_alpha(upright)
    upright = _normalise_mode(upright, alpha)
    upright.info.clear()
    buffer = io.BytesIO()
    if fmt == "PNG" or (alpha and fmt != "WEBP"):
        upright.save(buffer, "PNG", optimize=True)
        return buffer.getvalue(), "png"
    if fmt == "WEBP":
        upright.save(buffer, "WEBP", quality=90, method=WEBP_METHOD)
        return buffer.getvalue(), "webp"
    _flatten(upright).save(buffer, "JPEG", quality=90, optimize=True, progressive=True)
    return buffer.getvalue(), "jpeg"


_EXTENSIONS = {"jpeg": "jpg", "webp": "webp", "png": "png"}


def _write_entry(cache: Path, entry: str, role: str, files: list[tuple[str, str, int, int, bytes]]
                 ) -> dict:
    """Writes an entry's files and manifest under a temporary name, then renames it into
    place: a build that is stopped, or two builds at once, never leave half an entry."""
    final = cache / entry[:2] / entry
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{entry[:12]}-", dir=final.parent))
    variants = []
    for name, fmt, width, height, data in files:
        (temporary / name).write_bytes(data)
        variants.append({"file": name, "format": fmt, "width": width, "height": height,
                         "size": len(data)})
    manifest = {"id": entry, "role": role, "variants": variants}
    (temporary / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    try:
        os.replace(temporary, final)
    except OSError:
        # Another build wrote the same entry first (a non-empty folder cannot be replaced):
        # the same inputs gave the same files, keep theirs.
        shutil.rmtree(temporary, ignore_errors=True)
    return manifest


def _open(source: str, settings: PhotoSettings) -> tuple[Image.Image, bytes] | Failure:
    try:
        data = Path(source).read_bytes()
    except FileNotFoundError:
        return Failure("missing")
    except OSError as error:
        return Failure("failed", error.strerror or str(error))
    try:
        with warnings.catch_warnings():
            # Pillow warns between its two limits; ours (max_pixels) decides.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as error:
        # Pillow's own limit, far above ours: it refuses before telling the size, only the
        # number of pixels ("Image size (200000000 pixels) exceeds limit…").
        numbers = re.findall(r"\d+", str(error))
        pixels = int(numbers[0]) if numbers else 0
        megapixels = f"{pixels / 1e6:.1f}".replace(".", ",")
        return Failure("too_large", f"{megapixels} megapixel" if pixels else "quá nhiều điểm ảnh")
    except UnidentifiedImageError:
        return Failure("not_image", _sniff(data[:512]))
    except (OSError, SyntaxError, ValueError) as error:
        return Failure("corrupt", _pillow_words(error))
    width, height = image.size
    if width * height > settings.max_pixels:
        return Failure("too_large", "", width, height)
    return image, data


def _pillow_words(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    if "truncated" in text:
        return "tệp bị cắt cụt"
    return f"Pillow: {text}"


def process_job(job: Job, settings: PhotoSettings, cache_dir: str) -> JobResult:
    """Makes the missing entries of one source. Never raises: what goes wrong is returned."""
    result = JobResult(job.source)
    try:
        _process(job, settings, Path(cache_dir), result)
    except MemoryError:
        result.failure = Failure("too_large", "không đủ bộ nhớ để giải nén")
    except Exception as error:  # a bug or a file Pillow chokes on: told, never a traceback
        result.failure = Failure("corrupt" if isinstance(error, OSError | SyntaxError)
                                 else "failed", _pillow_words(error))
    return result


def _process(job: Job, settings: PhotoSettings, cache: Path, result: JobResult) -> None:
    opened = _open(job.source, settings)
    if isinstance(opened, Failure):
        result.failure = opened
        return
    image, data = opened
    fmt = image.format or ""
    if getattr(image, "is_animated", False) and getattr(image, "n_frames", 1) > 1:
        # An animated GIF/WebP/PNG would lose its animation: it stays as the editor made it.
        result.skipped = "animated"
        return
    roles = dict(job.entries)
    original = roles.pop("original", None)
    exif = image.getexif()
    orientation = int(exif.get(0x0112, 1) or 1)
    icc = image.info.get("icc_profile")
    if roles:
        _make_variants(job, image, roles, orientation, icc, settings, cache, result)
    else:
        image.load()  # decoding is the only way to know the file is whole
    if original:
        # A fresh decoder: the one above may have been put in draft (reduced) mode.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            fresh = Image.open(io.BytesIO(data))
        cleaned = _clean_original(fresh, data, orientation, icc, fmt)
        files = []
        if cleaned is not None:
            payload, kind = cleaned
            files.append((f"original.{_EXTENSIONS[kind]}", kind, 0, 0, payload))
        result.entries.append(_write_entry(cache, original, "original", files))


def _make_variants(job: Job, image: Image.Image, roles: dict[str, str], orientation: int,
                   icc: bytes | None, settings: PhotoSettings, cache: Path,
                   result: JobResult) -> None:
    # Sizes in upright pixels: EXIF orientations 5–8 swap width and height.
    stored_width, stored_height = image.size
    width, height = ((stored_height, stored_width) if orientation in (5, 6, 7, 8)
                     else (stored_width, stored_height))
    plans = _plan(roles, width, height, settings)
    # Decode only as many pixels as the largest output needs: libjpeg scales by 1/2, 1/4,
    # 1/8 while decoding, several times faster on camera files than decoding all of them.
    scale_needed = max(target[0] / (box[2] - box[0])
                       for plan in plans.values() for box, target in plan)
    if image.format == "JPEG" and scale_needed < 0.5:
        image.draft("RGB", (math.ceil(stored_width * scale_needed),
                            math.ceil(stored_height * scale_needed)))
    image.load()
    work = _to_srgb(ImageOps.exif_transpose(image), icc)
    alpha = _uses_alpha(work)
    work = _normalise_mode(work, alpha)
    work.info.clear()
    scale = work.size[0] / width

    for role, plan in plans.items():
        formats = ["jpeg"] if role == "og" else ["webp", "png" if alpha else "jpeg"]
        files = []
        pictures = _resized(work, scale, plan)
        for (_box, (target_width, target_height)), picture in zip(plan, pictures, strict=True):
            for variant_format in formats:
                name = (f"{job.stem}-{roles[role][:10]}-{target_width}."
                        f"{_EXTENSIONS[variant_format]}")
                files.append((name, variant_format, target_width, target_height,
                              _encode(picture.copy(), variant_format, settings)))
        result.entries.append(_write_entry(cache, roles[role], role, files))


def _plan(roles: dict[str, str], width: int, height: int, settings: PhotoSettings
          ) -> dict[str, list[tuple[tuple[int, int, int, int], tuple[int, int]]]]:
    """For each role: (crop box in upright source pixels, output size) of every file."""
    plans = {}
    for role in roles:
        if role == "content":
            box = (0, 0, width, height)
            plans[role] = [(box, (w, _height_for(width, height, w)))
                           for w in content_widths(width, height, settings.widths)]
        elif role == "thumb":
            box = crop_box(width, height, settings.thumb_ratio)
            box_width, box_height = box[2] - box[0], box[3] - box[1]
            plans[role] = [(box, (w, _height_for(box_width, box_height, w)))
                           for w in scaled_widths(box_width, settings.thumb_widths)]
        elif role == "og":
            box = crop_box(width, height, settings.og_size)
            box_width, box_height = box[2] - box[0], box[3] - box[1]
            w = min(box_width, settings.og_size[0])
            plans[role] = [(box, (w, _height_for(box_width, box_height, w)))]
    return plans


# --- Running many jobs -----------------------------------------------------------------------

def run_jobs(jobs: list[Job], settings: PhotoSettings, cache_dir: str, workers: int
             ) -> list[JobResult]:
    """Every job, on `workers` processes (1: in this process). The order of the results is
    the order of the jobs, and the files are the same whichever way they were made."""
    if workers <= 1 or len(jobs) <= 1:
        return [process_job(job, settings, cache_dir) for job in jobs]
    # "fork" where there is one (Linux: CI, servers): workers start at once and need not
    # re-import the script that started the build ("spawn" re-runs an unguarded `__main__`).
    # Workers only compute and return; they log nothing, so the parent's logging threads
    # and locks are never touched in them. Elsewhere (Windows), "spawn".
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    results: list[JobResult | None] = [None] * len(jobs)
    try:
        with concurrent.futures.ProcessPoolExecutor(max_workers=min(workers, len(jobs)),
                                                    mp_context=context) as pool:
            futures = {pool.submit(process_job, job, settings, cache_dir): index
                       for index, job in enumerate(jobs)}
            for future in concurrent.futures.as_completed(futures):
                index = futures[future]
                try:
                    results[index] = future.result()
                except Exception as error:  # a worker killed (out of memory…)
                    results[index] = JobResult(jobs[index].source,
                                               failure=Failure("failed", _worker_words(error)))
    except concurrent.futures.process.BrokenProcessPool as error:
        for index, job in enumerate(jobs):
            if results[index] is None:
                results[index] = JobResult(job.source,
                                           failure=Failure("failed", _worker_words(error)))
    return [result for result in results if result is not None]


def _worker_words(error: BaseException) -> str:
    if isinstance(error, concurrent.futures.process.BrokenProcessPool):
        return "tiến trình xử lý ảnh bị dừng đột ngột, có thể do hết bộ nhớ"
    return f"{type(error).__name__}: {error}"


# --- The cache -------------------------------------------------------------------------------

class PhotoCache:
    """Entries under `folder/<id[:2]>/<id>/`, and the sha256 of every source seen, so an
    unchanged file (same size, mtime and ctime) is not even read again."""

    INDEX = "sources.json"

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self._index: dict[str, list] = {}
        self._index_changed = False
        try:
            loaded = json.loads((self.folder / self.INDEX).read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                self._index = loaded
        except (OSError, ValueError):
            pass  # no index yet, or a damaged one: sources are hashed again, nothing is lost

    def source_sha(self, path: str) -> str | None:
        try:
            stat = os.stat(path)
        except OSError:
            return None
        stamp = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]
        known = self._index.get(path)
        if known and known[:3] == stamp:
            return known[3]
        digest = hashlib.sha256()
        try:
            with open(path, "rb") as file:
                for block in iter(lambda: file.read(1 << 20), b""):
                    digest.update(block)
        except OSError:
            return None
        self._index[path] = [*stamp, digest.hexdigest()]
        self._index_changed = True
        return digest.hexdigest()

    def entry(self, entry: str) -> Entry | None:
        folder = self.folder / entry[:2] / entry
        try:
            data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            found = Entry.from_json(data, str(folder))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if all((folder / variant.file).is_file() for variant in found.variants):
            return found
        return None

    def save_index(self) -> None:
        if not self._index_changed:
            return
        write_atomically(self.folder / self.INDEX, json.dumps(self._index))
        self._index_changed = False


def readable_stem(path: str) -> str:
    """An ASCII, URL-safe name from a file name: image search engines read it."""
    stem = os.path.splitext(os.path.basename(path))[0]
    folded = unicodedata.normalize("NFKD", stem.replace("đ", "d").replace("Đ", "D"))
    ascii_only = folded.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")[:60] or "anh"


# --- HTML ------------------------------------------------------------------------------------

# A start tag whose quoted attribute values may hold `>`; `<picture>…</picture>` is already
# done (by us, or by an editor on purpose) and is left alone.
_IMG = re.compile(r"<img\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.IGNORECASE)
_PICTURE = re.compile(r"<picture\b.*?</picture\s*>", re.IGNORECASE | re.DOTALL)
_ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


def tag_attributes(tag: str) -> list[tuple[str, str | None]]:
    """(name, raw value) of a start tag's attributes, in order; values stay HTML-escaped."""
    inner = re.sub(r"^<img\b", "", tag, flags=re.IGNORECASE).rstrip(">").rstrip("/")
    found = []
    for match in _ATTRIBUTE.finditer(inner):
        name, *values = match.groups()
        value = next((value for value in values if value is not None), None)
        found.append((name.lower(), value))
    return found


def rewrite_images(fragment: str,
                   replace: Callable[[int, list[tuple[str, str | None]]], str | None]
                   ) -> tuple[str, int]:
    """Calls `replace(index, attributes)` for every `<img>` outside a `<picture>`, in order;
    a string it returns takes the tag's place. Returns the new HTML and how many changed."""
    if "<img" not in fragment and "<IMG" not in fragment:
        return fragment, 0
    inside_pictures = [match.span() for match in _PICTURE.finditer(fragment)]
    pieces, last, changed = [], 0, 0
    for index, match in enumerate(_IMG.finditer(fragment)):
        if any(start <= match.start() < end for start, end in inside_pictures):
            continue
        new = replace(index, tag_attributes(match.group(0)))
        if new is None:
            continue
        pieces += [fragment[last:match.start()], new]
        last = match.end()
        changed += 1
    pieces.append(fragment[last:])
    return "".join(pieces), changed


def _attribute(name: str, value: str | None) -> str:
    return name if value is None else f'{name}="{value}"'


def srcset(variants: list[Variant], url_of: Callable[[Variant], str]) -> str:
    return ", ".join(f"{url_of(variant)} {variant.width}w" for variant in variants)


def fallback_variant(variants: list[Variant], preferred_width: int = 720) -> Variant:
    """The `src` for browsers without srcset: the file nearest a phone's 2× screen."""
    return min(variants, key=lambda variant: (abs(variant.width - preferred_width),
                                              -variant.width))


def picture_html(entry: Entry, url_of: Callable[[Variant], str], *, sizes: str,
                 attributes: Iterable[tuple[str, str | None]] = (), lazy: bool = True,
                 priority: bool = False, css_class: str = "") -> str:
    """`<picture>` with a WebP `<source>` and a JPEG (or PNG) `<img>`, both with srcset.

    `attributes` are the `<img>`'s own (alt, class, id…, raw HTML-escaped values); the
    ones this function decides (src, srcset, sizes, width, height, loading, decoding,
    fetchpriority) are replaced. `width`/`height` are the largest file's, so the browser
    reserves the box before the picture arrives (no layout shift).
    """
    webp = entry.of_format("webp")
    fallback = entry.of_format(entry.fallback_format or "jpeg")
    largest = fallback[-1]
    owned = {"src", "srcset", "sizes", "width", "height", "loading", "decoding",
             "fetchpriority"}
    kept = [(name, value) for name, value in attributes if name not in owned]
    if css_class and not any(name == "class" for name, _ in kept):
        kept.insert(0, ("class", html.escape(css_class)))
    if not any(name == "alt" for name, _ in kept):
        kept.append(("alt", ""))
    escaped_sizes = html.escape(sizes)
    img = [("src", html.escape(url_of(fallback_variant(fallback)))),
           ("srcset", html.escape(srcset(fallback, url_of))), ("sizes", escaped_sizes),
           ("width", str(largest.width)), ("height", str(largest.height)), *kept]
    if lazy:
        img.append(("loading", "lazy"))
    if priority:
        img.append(("fetchpriority", "high"))
    img.append(("decoding", "async"))
    css = [("class", html.escape(css_class))] if css_class else []
    picture_open = "<picture" + "".join(f" {_attribute(*pair)}" for pair in css) + ">"
    source = ""
    if webp:
        source = (f'<source type="image/webp" srcset="{html.escape(srcset(webp, url_of))}" '
                  f'sizes="{escaped_sizes}">')
    return (picture_open + source + "<img " + " ".join(_attribute(*pair) for pair in img)
            + "></picture>")


def reference_line(source_text: str, reference: str, *, occurrence: int = 0) -> int | None:
    """The line (1-based) of the `occurrence`-th line that mentions `reference`, trying the
    path as written, then its file name; None if the text does not mention it."""
    lines = source_text.splitlines()
    for needle in (reference, os.path.basename(reference)):
        if not needle:
            continue
        found = [number for number, line in enumerate(lines, 1) if needle in line]
        if found:
            return found[min(occurrence, len(found) - 1)]
    return None
