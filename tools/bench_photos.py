"""A few dozen real photos for `invoke bench --photos`, generated once and kept.

News photos are camera JPEGs of 1,200–2,000 px, 100–400 KB once an editor has exported them,
plus a few PNG screenshots and posters. Each is drawn with Pillow from a seed (gradient sky,
blurred shapes, sensor grain), so every machine makes the same pool, and its JPEG quality is
searched until the file lands in the size window: processing cost depends on pixels and
bytes, and those are what a benchmark must get right, not what the picture shows.
"""

import io
import json
import random
from pathlib import Path

POOL_VERSION = 1
PHOTO_COUNT = 36
PNG_EVERY = 6  # one photo in six is a PNG (screenshots, posters)
SIZE_WINDOW = (100_000, 400_000)
NAMES = ("hoi-nghi-tong-ket", "ra-quan-tinh-nguyen", "hien-mau-nhan-dao", "trao-qua-thieu-nhi",
         "giai-bong-da", "tap-huan-ky-nang", "dai-hoi-chi-doan", "trong-cay-xanh",
         "thap-sang-uoc-mo", "mua-he-xanh", "xuan-tinh-nguyen", "chuyen-doi-so")


def _picture(rng: random.Random, width: int, height: int, flat: bool):
    from PIL import Image, ImageDraw, ImageFilter

    def colour():
        return tuple(rng.randint(0, 255) for _ in range(3))

    gradient = Image.linear_gradient("L").rotate(rng.choice((0, 90, 180, 270)))
    picture = Image.composite(Image.new("RGB", (width, height), colour()),
                              Image.new("RGB", (width, height), colour()),
                              gradient.resize((width, height)))
    draw = ImageDraw.Draw(picture)
    for _ in range(rng.randint(20, 60)):
        x, y, r = rng.randint(0, width), rng.randint(0, height), rng.randint(width // 40,
                                                                           width // 6)
        if flat:
            draw.rectangle((x - r, y - r // 3, x + r, y + r // 3), fill=colour())
        else:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour())
    if flat:
        # A poster: flat blocks, then a grainy photo pasted in a corner (what makes PNGs heavy).
        inset = _picture(rng, width // 3, height // 3, flat=False)
        picture.paste(inset, (rng.randint(0, width - inset.width),
                              rng.randint(0, height - inset.height)))
        return picture
    picture = picture.filter(ImageFilter.GaussianBlur(rng.uniform(2, 8)))
    grain = Image.effect_noise((width, height), rng.uniform(20, 50)).convert("RGB")
    return Image.blend(picture, grain, rng.uniform(0.05, 0.15))


def _jpeg_in_window(picture, exif: bytes) -> bytes:
    low, high = 40, 95
    best = b""
    while low <= high:
        quality = (low + high) // 2
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=quality, exif=exif)
        data = buffer.getvalue()
        if len(data) > SIZE_WINDOW[1]:
            high = quality - 1
        else:
            best = data
            if len(data) >= SIZE_WINDOW[0]:
                return data
            low = quality + 1
    return best


def _camera_exif() -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "Canon"  # Make
    exif[0x0110] = "Canon EOS 90D"  # Model
    exif[0x0112] = 1  # Orientation: upright
    return exif.tobytes()


def make_pool(folder: Path, count: int = PHOTO_COUNT, seed: int = 15) -> list[str]:
    """Generate the pool into `folder` unless it is there already; the file names."""
    manifest = folder / "pool.json"
    wanted = {"version": POOL_VERSION, "count": count, "seed": seed}
    if manifest.exists():
        kept = json.loads(manifest.read_text())
        if kept.get("wanted") == wanted and all((folder / n).exists() for n in kept["names"]):
            return kept["names"]
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    names = []
    for number in range(count):
        is_png = number % PNG_EVERY == PNG_EVERY - 1
        long_side = rng.randint(1200, 2000)
        ratio = rng.choice((3 / 2, 4 / 3, 16 / 9, 3 / 4))  # one in four is upright
        width, height = (long_side, round(long_side / ratio)) if ratio > 1 else \
            (round(long_side * ratio), long_side)
        picture = _picture(rng, width, height, flat=is_png)
        name = f"{NAMES[number % len(NAMES)]}-{number + 1:02d}.{'png' if is_png else 'jpg'}"
        if is_png:
            buffer = io.BytesIO()
            picture.save(buffer, "PNG", optimize=False)
            data = buffer.getvalue()
        else:
            data = _jpeg_in_window(picture, _camera_exif() if number % 2 else b"")
        (folder / name).write_bytes(data)
        names.append(name)
    manifest.write_text(json.dumps({"wanted": wanted, "names": names}))
    return names
