"""Photos (issue 9): variants, EXIF orientation, metadata, the cache, parallel work, bad input.

The first half tests `tintuc.images` directly; the second builds real sites with the `photos`
plugin. Every photo is made here with Pillow, so each test shows exactly what it feeds in.
"""

import io
import logging
import struct
import unicodedata
import zlib

import pytest
from conftest import SETTINGS_FILE
from pelican.settings import get_settings_from_file
from PIL import ExifTags, Image, ImageDraw

from tintuc import images
from tintuc.images import (
    Failure,
    Job,
    PhotoCache,
    PhotoSettings,
    PhotoSettingsError,
    entry_id,
    failure_text,
    parse_settings,
    process_job,
    rewrite_images,
    run_jobs,
    scaled_widths,
    strip_jpeg_metadata,
)

_BASE = get_settings_from_file(str(SETTINGS_FILE))


def with_photos(**photos) -> dict:
    """pelicanconf.py's plugins with `photos` right after `vn_reader` (a no-op once
    pelicanconf.py lists it), and PHOTOS for this test."""
    plugins = [name for name in _BASE["PLUGINS"] if name != "tintuc_plugins.photos"]
    plugins.insert(plugins.index("tintuc_plugins.vn_reader") + 1, "tintuc_plugins.photos")
    return {"PLUGINS": plugins, "REQUIRED_PLUGINS": plugins, "PHOTOS": photos}


# --- Photos made for the tests ---------------------------------------------------------------

def jpeg(size=(1600, 1200), *, orientation=None, gps=False, icc=False, quality=90) -> bytes:
    """A photo with a red top-left quarter on blue, as the camera stored it."""
    image = Image.new("RGB", size, (20, 40, 200))
    ImageDraw.Draw(image).rectangle((0, 0, size[0] // 2, size[1] // 2), fill=(220, 20, 20))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "EOS 80D"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        info = exif.get_ifd(ExifTags.IFD.GPSInfo)
        info[ExifTags.GPS.GPSLatitudeRef] = "N"
        info[ExifTags.GPS.GPSLatitude] = (22.0, 40.0, 5.5)
        info[ExifTags.GPS.GPSLongitudeRef] = "E"
        info[ExifTags.GPS.GPSLongitude] = (106.0, 15.0, 30.0)
    extra = {}
    if icc:
        from PIL import ImageCms

        extra["icc_profile"] = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, exif=exif, **extra)
    return buffer.getvalue()


def camera_jpeg(size=(4000, 3000), *, seed=9, orientation=None) -> bytes:
    """A 12 MP camera file of about 5 MB: shapes, soft light and sensor noise, which is what
    makes real photos heavy (flat test images compress to nothing)."""
    import random

    from PIL import ImageFilter

    rng = random.Random(seed)
    base = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(base)
    for _ in range(300):
        x, y, diameter = rng.randrange(size[0]), rng.randrange(size[1]), rng.randrange(20, 400)
        draw.ellipse((x, y, x + diameter, y + diameter),
                     fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    noisy = Image.blend(base.filter(ImageFilter.GaussianBlur(3)),
                        Image.effect_noise(size, 60).convert("RGB"), 0.25)
    exif = Image.Exif()
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    buffer = io.BytesIO()
    noisy.save(buffer, "JPEG", quality=92, exif=exif)
    return buffer.getvalue()


def png(size=(1080, 2340), *, transparent=False) -> bytes:
    """A phone screenshot: text-like stripes on white (or a logo on transparency)."""
    mode = "RGBA" if transparent else "RGB"
    image = Image.new(mode, size, (255, 255, 255, 0) if transparent else (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for top in range(40, size[1] - 40, 60):
        draw.rectangle((40, top, size[0] - 40, top + 20), fill=(30, 30, 30, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A PNG header that announces a huge picture: the size is known before any decoding."""
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (struct.pack(">I", len(payload)) + kind + payload
                + struct.pack(">I", zlib.crc32(kind + payload)))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def open_bytes(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def make(tmp_path, name: str, data: bytes, roles=("content",), settings=None):
    """Runs one job; returns (result, {role: [(variant dict, bytes)]})."""
    source = tmp_path / name
    source.write_bytes(data)
    settings = settings or PhotoSettings()
    cache = tmp_path / "cache"
    job = Job(str(source), "anh", tuple((role, entry_id("sha-" + name, role, settings))
                                        for role in roles))
    result = process_job(job, settings, str(cache))
    made = {}
    for entry in result.entries:
        folder = cache / entry["id"][:2] / entry["id"]
        made[entry["role"]] = [(variant, (folder / variant["file"]).read_bytes())
                               for variant in entry["variants"]]
    return result, made


def is_red(pixel) -> bool:
    return pixel[0] > 150 and pixel[2] < 110


def is_blue(pixel) -> bool:
    return pixel[2] > 150 and pixel[0] < 110


# --- Settings --------------------------------------------------------------------------------

def test_settings_default_and_validated():
    assert parse_settings(None) == PhotoSettings()
    chosen = parse_settings({"widths": [1200, 360, 720, 720], "quality": {"webp": 70},
                             "on_error": "stop", "workers": 1})
    assert chosen.widths == (360, 720, 1200)
    assert (chosen.webp_quality, chosen.jpeg_quality) == (70, 80)
    assert (chosen.on_error, chosen.workers) == ("stop", 1)


@pytest.mark.parametrize(("value", "words"), [
    ({"widht": [360]}, ["khóa lạ \"widht\"", "\"widths\""]),
    ({"widths": [0, 360]}, ["PHOTOS[\"widths\"]", "không hợp lệ"]),
    ({"widths": "360"}, ["PHOTOS[\"widths\"]"]),
    ({"quality": {"jpeg": 120}}, ["PHOTOS[\"quality\"]", "1–95"]),
    ({"on_error": "ignore"}, ["PHOTOS[\"on_error\"]", "\"stop\"", "\"warn\""]),
    ({"og_size": [1200]}, ["PHOTOS[\"og_size\"]", "đúng 2 số"]),
    ({"max_pixels": "lots"}, ["PHOTOS[\"max_pixels\"]"]),
    ([360, 720], ["PHOTOS phải là một dict"]),
])
def test_a_bad_setting_is_named(value, words):
    with pytest.raises(PhotoSettingsError) as raised:
        parse_settings(value)
    for word in words:
        assert word in str(raised.value)


# --- Planning --------------------------------------------------------------------------------

def test_widths_never_upscale():
    assert scaled_widths(4000, (360, 720, 1200)) == [360, 720, 1200]
    assert scaled_widths(800, (360, 720, 1200)) == [360, 720, 800]
    assert scaled_widths(720, (360, 720, 1200)) == [360, 720]
    assert scaled_widths(200, (360, 720, 1200)) == [200]


def test_tall_photos_are_held_to_the_area_of_a_landscape_one():
    assert images.content_widths(1600, 1200, (360, 720, 1200)) == [360, 720, 1200]
    assert images.content_widths(4000, 2250, (360, 720, 1200)) == [360, 720, 1200]
    assert images.content_widths(3000, 4000, (360, 720, 1200)) == [360, 720, 900]  # 900×1200
    assert images.content_widths(1080, 2340, (360, 720, 1200)) == [360, 706]
    assert images.content_widths(300, 3000, (360, 720, 1200)) == [300]


def test_crop_boxes_have_the_ratio_and_stay_inside():
    assert images.crop_box(1600, 1200, (1200, 630)) == (0, 144, 1600, 984)  # 0.4 from the top
    assert images.crop_box(1600, 1200, (3, 2)) == (0, 53, 1600, 1120)
    assert images.crop_box(3000, 1000, (3, 2)) == (750, 0, 2250, 1000)


# --- Processing ------------------------------------------------------------------------------

def test_variants_webp_and_jpeg_at_each_width(tmp_path):
    result, made = make(tmp_path, "anh.jpg", jpeg((1600, 1200)), roles=("content", "thumb", "og"))
    assert result.failure is None
    content = [(v["format"], v["width"], v["height"]) for v, _ in made["content"]]
    assert content == [(fmt, w, h) for w, h in ((360, 270), (720, 540), (960, 720), (1200, 900))
                       for fmt in ("webp", "jpeg")]
    assert [(v["format"], v["width"], v["height"]) for v, _ in made["thumb"]] == [
        ("webp", 240, 160), ("jpeg", 240, 160), ("webp", 480, 320), ("jpeg", 480, 320)]
    assert [(v["format"], v["width"], v["height"]) for v, _ in made["og"]] == [
        ("jpeg", 1200, 630)]
    for variants in made.values():
        for variant, data in variants:
            decoded = open_bytes(data)
            assert decoded.format == variant["format"].upper()
            assert decoded.size == (variant["width"], variant["height"])
            assert variant["size"] == len(data)
            assert variant["file"].startswith("anh-")


def test_exif_rotated_photo_gets_upright_variants(tmp_path):
    # Orientation 6: the camera was turned; viewers rotate 90° clockwise to show it, so the
    # stored top-left corner (red) is the upright picture's top-right.
    _, made = make(tmp_path, "xoay.jpg", jpeg((1600, 1200), orientation=6),
                   roles=("content", "thumb", "og", "original"))
    for variant, data in made["content"]:
        picture = open_bytes(data).convert("RGB")
        assert picture.height > picture.width, variant
        w, h = picture.size
        assert is_red(picture.getpixel((w - 5, 5))), variant["file"]
        assert is_blue(picture.getpixel((5, 5))), variant["file"]
        assert is_blue(picture.getpixel((w - 5, h - 5))), variant["file"]
    # Portrait: held to the pixels of a 1200 × 900 photo.
    assert [v["width"] for v, _ in made["content"] if v["format"] == "jpeg"] == [360, 720, 900]
    assert open_bytes(made["content"][-1][1]).size == (900, 1200)
    # The published original is upright too, its own size, and says nothing of the camera.
    (variant, data), = made["original"]
    original = open_bytes(data)
    assert original.size == (1200, 1600)
    assert is_red(original.convert("RGB").getpixel((1195, 5)))
    assert dict(original.getexif()) == {}


def test_gps_and_all_metadata_are_stripped(tmp_path):
    source = jpeg((1600, 1200), gps=True, icc=True)
    assert open_bytes(source).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # it is there to strip
    _, made = make(tmp_path, "gps.jpg", source, roles=("content", "thumb", "og", "original"))
    for role, variants in made.items():
        for variant, data in variants:
            decoded = open_bytes(data)
            assert dict(decoded.getexif()) == {}, (role, variant["file"])
            assert not {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp",
                        "comment"} & set(decoded.info), (role, variant["file"])
            assert b"Exif\x00\x00" not in data and b"Canon" not in data, (role, variant)
    # Upright already: the original loses its metadata without being re-encoded.
    (_, cleaned), = made["original"]
    assert cleaned == strip_jpeg_metadata(source)
    assert open_bytes(cleaned).tobytes() == open_bytes(source).tobytes()
    assert len(cleaned) < len(source)


def test_a_file_without_metadata_is_published_as_it_is(tmp_path):
    plain = io.BytesIO()
    Image.new("RGB", (400, 300), (90, 120, 40)).save(plain, "JPEG")
    result, made = make(tmp_path, "sach.jpg", plain.getvalue(), roles=("original",))
    assert result.failure is None
    assert made["original"] == []  # nothing to clean: Pelican copies the editor's file


def test_a_camera_file_fits_the_budget(tmp_path):
    source = camera_jpeg()
    assert len(source) > 3_000_000
    result, made = make(tmp_path, "may-anh.jpg", source, roles=("content", "thumb", "og"))
    assert result.failure is None
    webp = {v["width"]: v["size"] for v, _ in made["content"] if v["format"] == "webp"}
    assert sorted(webp) == [360, 720, 960, 1200]
    # Whatever width a phone picks (1×, 2×, 3× screens), its WebP is under 120 KB.
    assert max(webp.values()) < 120 * 1024, webp


def test_a_png_loses_its_text_chunks_and_keeps_its_palette(tmp_path):
    from PIL import PngImagePlugin

    logo = Image.new("P", (64, 64), 3)
    logo.putpalette([0, 0, 0, 255, 0, 0, 0, 128, 0, 20, 60, 200] * 64)
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Nguyễn Văn A, 0912 345 678")
    buffer = io.BytesIO()
    logo.save(buffer, "PNG", pnginfo=info, transparency=0)
    _, made = make(tmp_path, "logo.png", buffer.getvalue(), roles=("original",))
    (_, cleaned), = made["original"]
    published = Image.open(io.BytesIO(cleaned))
    assert published.mode == "P" and published.text == {}
    assert published.info.get("transparency") == 0
    assert open_bytes(cleaned).tobytes() == logo.tobytes()


def test_png_screenshot_becomes_webp_and_jpeg(tmp_path):
    _, made = make(tmp_path, "man-hinh.png", png((1080, 2340)))
    sizes = [(v["format"], v["width"], v["height"]) for v, _ in made["content"]]
    assert sizes == [(fmt, w, h) for w, h in ((360, 780), (706, 1530))
                     for fmt in ("webp", "jpeg")]
    for _variant, data in made["content"]:
        decoded = open_bytes(data)
        assert decoded.mode == "RGB"
        # The dark stripes survive as dark stripes (the picture was not lost on the way).
        assert decoded.convert("L").getpixel((decoded.width // 2, round(50 * decoded.height
                                                                          / 2340))) < 90


def test_transparent_png_keeps_its_transparency(tmp_path):
    _, made = make(tmp_path, "logo.png", png((600, 400), transparent=True))
    formats = {v["format"] for v, _ in made["content"]}
    assert formats == {"webp", "png"}  # never JPEG: it would turn the background black or white
    for variant, data in made["content"]:
        decoded = open_bytes(data).convert("RGBA")
        assert decoded.getpixel((2, 2))[3] == 0, variant["file"]


def test_small_photos_are_never_upscaled(tmp_path):
    _, made = make(tmp_path, "nho.jpg", jpeg((300, 200)), roles=("content", "thumb", "og"))
    assert {(v["width"], v["height"]) for v, _ in made["content"]} == {(300, 200)}
    assert {(v["width"], v["height"]) for v, _ in made["thumb"]} == {(240, 160), (300, 200)}
    assert [(v["width"], v["height"]) for v, _ in made["og"]] == [(300, 158)]


def test_strip_jpeg_metadata_keeps_the_picture_bytes():
    source = jpeg((200, 150), gps=True)
    stripped = strip_jpeg_metadata(source)
    assert b"Exif" not in stripped and b"Canon" not in stripped
    scan = source.index(b"\xff\xda")
    assert stripped.endswith(source[scan:])
    assert strip_jpeg_metadata(b"not a jpeg") is None


# --- Bad input (pure) ------------------------------------------------------------------------

BAD_FILES = {
    "cat-cut.jpg": (lambda: jpeg((800, 600))[:3000], "corrupt", "bị hỏng"),
    "trang-web.jpg": (lambda: b"<!DOCTYPE html><html><body>404</body></html>", "not_image",
                      "trang web"),
    "rong.jpg": (lambda: b"", "not_image", "tệp rỗng"),
    "iphone.jpg": (lambda: b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\0" * 64,
                   "not_image", "HEIC"),
    "ban-dieu-tra.jpg": (lambda: b"%PDF-1.7\n" + b"\0" * 64, "not_image", "PDF"),
    "50mp.png": (lambda: png_claiming(8200, 6100), "too_large", "8200 × 6100"),
    # Far above Pillow's own limit: Pillow refuses (DecompressionBombError) before we ask.
    "bom.png": (lambda: png_claiming(20000, 10000), "too_large", "200,0 megapixel"),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_bad_files_are_failures_with_clear_words(tmp_path, name):
    data, kind, words = BAD_FILES[name]
    result, made = make(tmp_path, name, data(), roles=("content", "original"))
    assert result.failure is not None and result.failure.kind == kind
    assert made == {}  # nothing cached: the next build says it again
    message, hint = failure_text(result.failure, f"ảnh “images/{name}”", max_pixels=40_000_000)
    assert words in message and f"“images/{name}”" in message and hint
    assert unicodedata.is_normalized("NFC", message + hint)


def test_missing_file_is_a_failure(tmp_path):
    result = process_job(Job(str(tmp_path / "khong-co.jpg"), "x", (("content", "0" * 64),)),
                         PhotoSettings(), str(tmp_path / "cache"))
    assert result.failure == Failure("missing")


def test_max_pixels_is_a_setting(tmp_path):
    settings = parse_settings({"max_pixels": 1_000_000})
    result, _ = make(tmp_path, "to.jpg", jpeg((1600, 1200)), settings=settings)
    assert result.failure.kind == "too_large"
    assert "giới hạn là 1 megapixel" in failure_text(result.failure, "ảnh", max_pixels=1_000_000)[0]


# --- Cache and parallel work -----------------------------------------------------------------

def test_entry_ids_follow_content_and_settings():
    base = PhotoSettings()
    assert entry_id("a", "content", base) == entry_id("a", "content", PhotoSettings())
    assert entry_id("a", "content", base) != entry_id("b", "content", base)
    assert entry_id("a", "content", base) != entry_id("a", "thumb", base)
    assert entry_id("a", "content", base, "anh-1") != entry_id("a", "content", base, "anh-2")
    assert entry_id("a", "content", base) != entry_id("a", "content",
                                                      parse_settings({"quality": {"webp": 60}}))
    # A setting that does not change the files does not change the id.
    assert entry_id("a", "content", base) == entry_id("a", "content",
                                                      parse_settings({"on_error": "stop"}))


def test_source_hashes_are_remembered(tmp_path):
    photo = tmp_path / "a.jpg"
    photo.write_bytes(b"one")
    cache = PhotoCache(tmp_path / "cache")
    first = cache.source_sha(str(photo))
    cache.save_index()
    again = PhotoCache(tmp_path / "cache")
    assert again.source_sha(str(photo)) == first
    assert not again._index_changed  # known size, mtime and ctime: not read again
    photo.write_bytes(b"two")
    assert again.source_sha(str(photo)) != first


def test_parallel_work_gives_the_same_files_as_sequential(tmp_path):
    settings = PhotoSettings()
    sources = {"a.jpg": jpeg((1600, 1200), orientation=6, gps=True), "b.png": png((900, 1600)),
               "c.jpg": jpeg((640, 480)), "d.png": png((500, 300), transparent=True)}
    outputs = []
    for workers in (1, 2):
        cache = tmp_path / f"cache-{workers}"
        jobs = []
        for name, data in sources.items():
            (tmp_path / name).write_bytes(data)
            jobs.append(Job(str(tmp_path / name), name.split(".")[0],
                            tuple((role, entry_id(name, role, settings))
                                  for role in ("content", "thumb", "og", "original"))))
        results = run_jobs(jobs, settings, str(cache), workers)
        assert [result.source for result in results] == [job.source for job in jobs]
        assert all(result.failure is None for result in results)
        outputs.append({str(path.relative_to(cache)): path.read_bytes()
                        for path in sorted(cache.rglob("*")) if path.is_file()})
    assert outputs[0].keys() == outputs[1].keys() and len(outputs[0]) > 40
    assert outputs[0] == outputs[1]


# --- HTML ------------------------------------------------------------------------------------

def test_rewrite_finds_images_outside_pictures_only():
    fragment = ('<figure><img alt="a > b" src="{static}/images/a.jpg"><figcaption>A'
                '</figcaption></figure><picture><img src="/x.jpg"></picture>'
                "<p><IMG SRC='/images/c.jpg' alt=c></p>")
    seen = []

    def replace(index, attributes):
        seen.append((index, attributes))
        return "<i>ảnh</i>" if index == 0 else None

    html, changed = rewrite_images(fragment, replace)
    assert [index for index, _ in seen] == [0, 2]
    assert seen[0][1] == [("alt", "a > b"), ("src", "{static}/images/a.jpg")]
    assert seen[1][1] == [("src", "/images/c.jpg"), ("alt", "c")]
    assert changed == 1
    assert html.startswith("<figure><i>ảnh</i><figcaption>A</figcaption></figure><picture>")


def test_reference_lines():
    text = "Tiêu đề: A\nẢnh: {static}/images/a.jpg\n\n![x]({static}/images/b.jpg)\n" \
           "![y]({static}/images/a.jpg)\n"
    assert images.reference_line(text, "images/a.jpg") == 2
    assert images.reference_line(text, "images/a.jpg", occurrence=1) == 5
    assert images.reference_line(text, "khac/b.jpg") == 4  # by file name
    assert images.reference_line(text, "images/z.jpg") is None


# --- Builds ----------------------------------------------------------------------------------

def article(title: str, slug: str, body: str, *, image: str = "", caption: str = "",
            date: str = "13/11/2022 21:12") -> str:
    header = [f"Tiêu đề: {title}", f"Ngày đăng: {date}", "Chuyên mục: Hoạt động Đoàn",
              f"Đường dẫn: {slug}"]
    if image:
        header.append(f"Ảnh đại diện: {{static}}/images/{image}")
    if caption:
        header.append(f"Chú thích ảnh: {caption}")
    return "\n".join(header) + "\n\nPhần mở đầu của bài.\n\n" + body + "\n"


def site_files() -> dict:
    return {
        "hoat-dong-doan/co-anh-dai-dien.md": article(
            "Ra quân Ngày môi trường", "ra-quan", "Đoạn một.\n\n"
            '![Đoàn viên thu gom rác]({static}/images/trong-bai.png "Thu gom rác ven suối.")'
            "\n\nĐoạn hai.\n\n![Ảnh nhỏ]({static}/images/nho.jpg)",
            image="xoay-gps.jpg", caption="Đoàn viên xã Quốc Toản dọn vệ sinh."),
        "hoat-dong-doan/khong-anh-dai-dien.md": article(
            "Hội nghị Ban Chấp hành", "hoi-nghi", "![Toàn cảnh hội nghị]({static}/images/a.jpg)"
            "\n\nĐoạn giữa.\n\n![Đại biểu phát biểu]({static}/images/b.jpg)",
            date="14/11/2022 08:00"),
        "images/xoay-gps.jpg": jpeg((1600, 1200), orientation=6, gps=True),
        "images/trong-bai.png": png((1080, 2340)),
        "images/nho.jpg": jpeg((300, 200)),
        "images/a.jpg": jpeg((1200, 800)),
        "images/b.jpg": jpeg((1200, 800), quality=70),
        "images/khong-dung.jpg": jpeg((640, 480), gps=True),
    }


def photo_stats(caplog, when: str = "call") -> dict:
    found = [record.photo_stats for record in caplog.get_records(when)
             if hasattr(record, "photo_stats")]
    assert found, "the photos plugin logged no statistics"
    return found[-1]


def output_urls(soup) -> list[str]:
    urls = []
    for element in soup.select("picture source, picture img"):
        urls += [part.split()[0] for part in element["srcset"].split(",")]
        if element.name == "img":
            urls.append(element["src"])
    return urls


@pytest.fixture
def shared_cache(tmp_path):
    return str(tmp_path / "photo-cache")


@pytest.fixture
def built(build_site, shared_cache, caplog):
    caplog.set_level(logging.INFO, logger="tintuc_plugins.photos")
    site = build_site(site_files(), with_photos(cache_dir=shared_cache))
    assert site.ok, site.exception
    assert site.warnings == [] and site.errors == [], site.messages
    return site


def test_article_images_become_pictures_with_captions(built):
    soup = built.html("ra-quan.html")
    figures = soup.select(".news-body figure")
    assert [figure.figcaption.get_text() for figure in figures] == ["Thu gom rác ven suối.",
                                                                   "Ảnh nhỏ"]
    for figure in figures:
        picture = figure.find("picture")
        assert picture is not None and figure.find("img").parent is picture
        source = picture.find("source")
        assert source["type"] == "image/webp" and source["sizes"]
        assert all(part.strip().split()[0].endswith(".webp")
                   for part in source["srcset"].split(","))
        img = picture.img
        assert img["src"].endswith(".jpg")
        assert all(part.strip().split()[0].endswith(".jpg") for part in img["srcset"].split(","))
        assert img["loading"] == "lazy" and img["decoding"] == "async"  # the lead photo is first
        assert int(img["width"]) > 0 and int(img["height"]) > 0
    screenshot = figures[0].img
    assert (screenshot["width"], screenshot["height"]) == ("706", "1530")
    assert screenshot["alt"] == "Đoàn viên thu gom rác"
    small = figures[1].img  # 300 px wide: one width only, never upscaled
    assert (small["width"], small["height"]) == ("300", "200")
    assert small["srcset"].endswith(" 300w") and "," not in small["srcset"]


def test_the_featured_image_is_first_and_not_lazy(built):
    soup = built.html("ra-quan.html")
    lead = soup.find("figure", class_="lead-photo")
    img = lead.picture.img
    assert "loading" not in img.attrs and img["fetchpriority"] == "high"
    assert (img["width"], img["height"]) == ("900", "1200")  # upright
    assert img["alt"] == "Đoàn viên xã Quốc Toản dọn vệ sinh."
    assert lead.figcaption.get_text() == "Đoàn viên xã Quốc Toản dọn vệ sinh."
    # Without a featured image, the first body photo is the first: not lazy; the next one is.
    body = [figure.img for figure in built.html("hoi-nghi.html").select(".news-body figure")]
    assert "loading" not in body[0].attrs and body[1]["loading"] == "lazy"


def test_og_image_is_the_1200_by_630_crop(built):
    soup = built.html("ra-quan.html")
    og = {meta["property"]: meta["content"] for meta in soup.find_all("meta", property=True)}
    assert og["og:image"].startswith("/images/_v/xoay-gps-")
    assert og["og:image"].endswith("-1200.jpg")
    # Upright 1200×1600: the widest 1200×630 box is 1200 wide already.
    assert (og["og:image:width"], og["og:image:height"]) == ("1200", "630")
    assert open_bytes((built.output / og["og:image"].lstrip("/")).read_bytes()).size == (1200, 630)
    import json
    news = next(data for data in (json.loads(script.string) for script in
                                  soup.find_all("script", type="application/ld+json"))
                if data["@type"] == "NewsArticle")
    assert og["og:image"] in news["image"] and len(news["image"]) == 2


def test_listing_cards_use_cropped_thumbnails(built):
    soup = built.html("chuyen-muc/hoat-dong-doan/index.html")
    card = soup.find("a", href="/ra-quan.html").find_parent("article")
    picture = card.find("picture", class_="teaser-photo")
    assert picture.img["class"] == ["teaser-photo"] and picture.img["alt"] == ""
    assert picture.img["loading"] == "lazy"
    thumb = open_bytes((built.output / picture.img["src"].lstrip("/")).read_bytes())
    assert thumb.width * 2 == thumb.height * 3  # the card's 3:2 box
    assert " 240w" in picture.source["srcset"] and " 480w" in picture.source["srcset"]


def test_every_variant_url_resolves_and_holds_no_metadata(built):
    urls = set()
    for page in ("ra-quan.html", "hoi-nghi.html", "index.html",
                 "chuyen-muc/hoat-dong-doan/index.html"):
        urls |= set(output_urls(built.html(page)))
    assert len(urls) > 20
    for url in urls:
        path = built.output / url.lstrip("/")
        assert path.is_file(), url
        data = path.read_bytes()
        assert b"Exif\x00\x00" not in data and b"Canon" not in data, url


def test_published_originals_lose_gps_unused_ones_too(built):
    for name in ("xoay-gps.jpg", "khong-dung.jpg"):
        published = open_bytes((built.output / "images" / name).read_bytes())
        assert dict(published.getexif()) == {}, name
    upright = open_bytes((built.output / "images" / "xoay-gps.jpg").read_bytes())
    assert upright.size == (1200, 1600)
    # A file that carried nothing is copied byte for byte.
    assert (built.output / "images" / "a.jpg").read_bytes() != b""


def test_a_second_build_processes_nothing(built, build_site, shared_cache, caplog):
    first = photo_stats(caplog, "setup")
    assert first["processed"] == 6 and first["from_cache"] == 0 and first["failed"] == 0
    caplog.clear()
    again = build_site(site_files(), with_photos(cache_dir=shared_cache))
    assert again.ok, again.exception
    second = photo_stats(caplog)
    assert second["processed"] == 0 and second["from_cache"] == 6
    for page in ("ra-quan.html", "hoi-nghi.html", "index.html"):
        assert again.read(page) == built.read(page)
    assert sorted(p.name for p in (again.output / "images" / "_v").iterdir()) == \
        sorted(p.name for p in (built.output / "images" / "_v").iterdir())


def test_parallel_build_output_is_identical_to_sequential(build_site, tmp_path):
    sites = [build_site(site_files(), with_photos(cache_dir=str(tmp_path / f"c{workers}"),
                                                  workers=workers)) for workers in (1, 2)]
    assert all(site.ok for site in sites)
    files = [{str(path.relative_to(site.output)): path.read_bytes()
              for path in sorted((site.output / "images").rglob("*")) if path.is_file()}
             for site in sites]
    assert files[0] == files[1] and len(files[0]) > 30
    for page in ("ra-quan.html", "hoi-nghi.html", "index.html"):
        assert sites[0].read(page) == sites[1].read(page)


def test_a_changed_setting_makes_new_files(build_site, shared_cache, caplog):
    caplog.set_level(logging.INFO, logger="tintuc_plugins.photos")
    build_site(site_files(), with_photos(cache_dir=shared_cache))
    caplog.clear()
    site = build_site(site_files(), with_photos(cache_dir=shared_cache,
                                                quality={"webp": 60, "jpeg": 70}))
    assert site.ok
    assert photo_stats(caplog)["processed"] == 5  # all but the unused photo's clean copy


# --- Bad input in a build --------------------------------------------------------------------

def bad_site() -> dict:
    body = "\n\n".join([
        "![Ảnh tốt]({static}/images/tot.jpg)",
        "![Ảnh thiếu]({static}/images/khong-co.jpg)",
        "![Ảnh hỏng]({static}/images/hong.jpg)",
        "![Ảnh quá lớn]({static}/images/qua-lon.jpg)",
        "![Không phải ảnh]({static}/images/trang-web.jpg)",
    ])
    huge = io.BytesIO()
    Image.new("L", (8200, 6100), 128).save(huge, "JPEG", quality=50)  # a real 50 MP photo
    return {
        "hoat-dong-doan/bai-loi.md": article("Bài có ảnh lỗi", "bai-loi", body,
                                             image="dai-dien-hong.jpg"),
        "images/tot.jpg": jpeg((800, 600)),
        "images/hong.jpg": jpeg((800, 600))[:2500],
        "images/dai-dien-hong.jpg": jpeg((1600, 1200))[:4000],
        "images/qua-lon.jpg": huge.getvalue(),
        "images/trang-web.jpg": "<!DOCTYPE html><html><body>Không tìm thấy</body></html>",
    }


EXPECTED_PROBLEMS = [
    # (line in bai-loi.md, words)
    (5, ["ảnh đại diện “images/dai-dien-hong.jpg”", "bị hỏng"]),
    (11, ["ảnh “images/khong-co.jpg”", "không tìm thấy", "khong-co.jpg"]),
    (13, ["ảnh “images/hong.jpg”", "bị hỏng"]),
    (15, ["ảnh “images/qua-lon.jpg”", "quá lớn", "8200 × 6100", "50,0 megapixel"]),
    (17, ["ảnh “images/trang-web.jpg”", "không phải là tệp ảnh", "trang web"]),
]


def test_bad_photos_warn_with_file_and_line_and_the_build_goes_on(build_site, tmp_path):
    site = build_site(bad_site(), with_photos(cache_dir=str(tmp_path / "c"), on_error="warn"))
    assert site.ok, site.exception
    lines = [line for message in site.warnings for line in message.splitlines()]
    for line_number, words in EXPECTED_PROBLEMS:
        prefix = f"hoat-dong-doan/bai-loi.md:{line_number}: cảnh báo: "
        matching = [line for line in lines if prefix in line]
        assert len(matching) == 1, (prefix, lines)
        for word in words:
            assert word in matching[0], (word, matching[0])
        assert "Cách sửa:" in matching[0]
        assert unicodedata.is_normalized("NFC", matching[0])
    assert not any("Traceback" in text for _, text in site.messages)
    # The good photo is processed; the bad ones are left exactly as the editor wrote them.
    soup = site.html("bai-loi.html")
    sources = [img["src"] for img in soup.select(".news-body img")]
    assert sources[0].startswith("/images/_v/tot-")
    assert sources[1:] == ["/images/khong-co.jpg", "/images/hong.jpg",
                           "/images/qua-lon.jpg", "/images/trang-web.jpg"]
    assert soup.find("figure", class_="lead-photo").img["src"] == "/images/dai-dien-hong.jpg"
    assert soup.find("meta", property="og:image")["content"] == "/images/dai-dien-hong.jpg"


def test_bad_photos_stop_the_build_when_the_setting_says_so(build_site, tmp_path):
    site = build_site(bad_site(), with_photos(cache_dir=str(tmp_path / "c"), on_error="stop"))
    assert not site.ok
    assert type(site.exception).__name__ == "PhotosStopped"
    assert "PHOTOS[\"on_error\"]" in str(site.exception)
    errors = "\n".join(site.errors)
    for line_number, words in EXPECTED_PROBLEMS:
        assert f"hoat-dong-doan/bai-loi.md:{line_number}: lỗi: " in errors
        assert all(word in errors for word in words)
    assert not (site.output / "bai-loi.html").exists()  # stopped before writing


def test_a_bad_photos_setting_stops_the_build_clearly(build_site, tmp_path):
    site = build_site({"hoat-dong-doan/a.md": article("A", "a", "Chữ.")},
                      with_photos(widht=[360]))
    assert not site.ok
    assert "khóa lạ \"widht\"" in str(site.exception) and "\"widths\"" in str(site.exception)


def test_with_static_links_the_editors_files_are_never_touched(build_site, tmp_path):
    """STATIC_CREATE_LINKS: variants are hard links to the cache, and the cleaned original
    replaces the output's link to the editor's file instead of writing through it."""
    site = build_site(site_files(), {**with_photos(cache_dir=str(tmp_path / "c")),
                                     "STATIC_CREATE_LINKS": True})
    assert site.ok, site.exception
    variant = next((site.output / "images" / "_v").iterdir())
    assert variant.stat().st_nlink >= 2
    editors = open_bytes((site.content / "images" / "xoay-gps.jpg").read_bytes())
    assert editors.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # still the camera's file
    published = open_bytes((site.output / "images" / "xoay-gps.jpg").read_bytes())
    assert dict(published.getexif()) == {}


def test_smaller_sizes_made_from_larger_ones_look_like_sizes_made_from_the_source():
    """`_resized` reads the source once per role; each smaller size comes from the one just
    larger. Every size is the planned one, and none differs from a resize of the source by
    more than a fraction of what the JPEG/WebP encoding itself changes."""
    from PIL import ImageChops, ImageFilter, ImageStat

    picture = Image.effect_noise((1700, 1130), 60).convert("RGB").filter(
        ImageFilter.GaussianBlur(1.5))
    ImageDraw.Draw(picture).rectangle((200, 300, 900, 700), fill=(200, 30, 40))
    settings = images.parse_settings(get_settings_from_file(str(SETTINGS_FILE))["PHOTOS"])
    plans = images._plan({"content": "c", "thumb": "t", "og": "o"}, *picture.size, settings)
    assert len(plans["content"]) >= 3
    for plan in plans.values():
        made = images._resized(picture, 1.0, plan)
        assert [item.size for item in made] == [size for _box, size in plan]
        for item, (box, size) in zip(made, plan, strict=True):
            direct = images._resize(picture, 1.0, box, size)
            error = sum(value * value for value in
                        ImageStat.Stat(ImageChops.difference(item, direct)).rms) / 3
            assert error < 2.0  # PSNR above 45 dB; JPEG 80 on the same picture: about 32 dB
