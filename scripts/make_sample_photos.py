"""Draw the illustrative photos of the sample content.

Run from the project root:  .venv/bin/python scripts/make_sample_photos.py

Every `{static}/images/….jpg` that a Markdown file under content/ refers to (as `Ảnh đại diện`
or as a Markdown image in the body) is drawn here: a Cao Bằng landscape (karst hills, fields)
with a motif for the article's category and a short Vietnamese label. The pictures are
placeholders, marked "Ảnh minh họa", until real photos replace them. The same files give the
same pictures, byte for byte: every random choice is seeded from the image's path.
Also writes content/images/logo.png and content/images/huy-hieu-doan.png.

Needs Pillow (see requirements); uses DejaVu Sans for the Vietnamese letters when installed.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
import sys
import unicodedata
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
IMAGES = CONTENT / "images"

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

NORMAL_SIZE = (800, 600)
FEATURED_SIZE = (1200, 800)  # the featured image of a `Nổi bật: có` article
SUPERSAMPLE = 2  # draw at twice the size, then shrink: smooth edges without antialiasing
JPEG_QUALITY = 70

IMAGE_REF = re.compile(r"\{static\}/?(images/[^\s)\"']+\.jpe?g)")

# Category → (label, motif, sky top, sky bottom, accent)
CATEGORIES = {
    "hoat dong doan": ("Hoạt động Đoàn", "flag", "#1f5fae", "#cfe3f7", "#c8102e"),
    "phong trao tinh nguyen": (
        "Phong trào tình nguyện",
        "volunteers",
        "#2f7d5b",
        "#dff2e4",
        "#1f9d55",
    ),
    "thanh nien lap nghiep": ("Thanh niên lập nghiệp", "orchard", "#d98b2b", "#fbe9c6", "#7a4b1c"),
    "tuyen truyen phap luat": ("Tuyên truyền pháp luật", "shield", "#34406b", "#d9def0", "#b8892f"),
    "van hoa the thao": ("Văn hóa - Thể thao", "festival", "#8a3f8f", "#f6dff0", "#e0492f"),
    "chuyen doi so": ("Chuyển đổi số", "digital", "#0f5c73", "#d2eef2", "#15a3c7"),
    "doi tntp ho chi minh": ("Đội TNTP Hồ Chí Minh", "children", "#b33c2e", "#fde2cf", "#d7261e"),
}
DEFAULT_CATEGORY = ("Tỉnh Đoàn Cao Bằng", "flag", "#0b4f9c", "#dbe8f6", "#c8102e")

BLUE = (11, 79, 156)
RED = (200, 16, 46)
YELLOW = (255, 205, 0)
WHITE = (255, 255, 255)


# --- Reading the content ------------------------------------------------------------------


def fold(text: str) -> str:
    """Lowercase, no diacritics, đ → d: how front-matter keys are compared."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def read_header(text: str) -> dict[str, str]:
    """The `Khóa: giá trị` header of a content file, keys folded (enough for this script)."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")
    fenced = bool(lines) and lines[0].strip() == "---"
    if fenced:
        lines = lines[1:]
    header: dict[str, str] = {}
    last = None
    for line in lines:
        if (fenced and line.strip() == "---") or (not fenced and not line.strip()):
            break
        if line[:1].isspace() and last:
            header[last] += " " + line.strip()
            continue
        key, sep, value = line.partition(":")
        if sep:
            last = fold(key)
            header[last] = value.strip()
    return header


def wanted_images() -> dict[str, dict]:
    """Every referenced image: its path under content/ and what to draw."""
    wanted: dict[str, dict] = {}
    for source in sorted(CONTENT.rglob("*.md")):
        text = unicodedata.normalize("NFC", source.read_text(encoding="utf-8-sig"))
        header = read_header(text)
        category = fold(header.get("chuyen muc") or header.get("category") or "")
        featured = fold(header.get("noi bat") or header.get("featured") or "") in ("co", "yes")
        cover = header.get("anh dai dien") or header.get("anh") or header.get("image") or ""
        for match in IMAGE_REF.finditer(text):
            path = match.group(1)
            big = featured and path in cover
            wanted.setdefault(path, {"category": category, "big": big})
    return wanted


# --- Drawing helpers ----------------------------------------------------------------------


def hex_rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))


def mix(a, b, t: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def font(size: int, bold: bool = False):
    path = FONT_BOLD if bold else FONT_REGULAR
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def vertical_gradient(size, top, bottom) -> Image.Image:
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def star_points(cx, cy, outer, inner, rotation=-math.pi / 2, points=5):
    result = []
    for i in range(points * 2):
        radius = outer if i % 2 == 0 else inner
        angle = rotation + i * math.pi / points
        result.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return result


def ridge(rng: random.Random, width: int, base: float, height: float, bumps: int):
    """The outline of a row of karst hills: steep rounded domes, as around Cao Bằng."""
    hills = [
        (
            rng.uniform(-0.1, 1.1) * width,
            rng.uniform(0.45, 1.0) * height,
            rng.uniform(0.04, 0.09) * width,
        )
        for _ in range(bumps)
    ]
    outline = []
    for x in range(0, width + 8, 8):
        lift = max((h * math.exp(-(((x - c) / w) ** 2)) for c, h, w in hills), default=0)
        outline.append((x, base - lift))
    return outline


def person(draw, x, y, scale, shirt, rng, scarf=None):
    """A simple standing figure whose feet are at (x, y)."""
    skin = rng.choice([(236, 196, 160), (222, 176, 136), (241, 206, 172)])
    hair = (40, 32, 30)
    body_h, body_w, head = 62 * scale, 34 * scale, 15 * scale
    legs = 34 * scale
    draw.rounded_rectangle(
        (x - body_w * 0.32, y - legs, x + body_w * 0.32, y), radius=6 * scale, fill=(45, 55, 80)
    )
    draw.rounded_rectangle(
        (x - body_w / 2, y - legs - body_h * 0.62, x + body_w / 2, y - legs + 4 * scale),
        radius=12 * scale,
        fill=shirt,
    )
    top = y - legs - body_h * 0.62
    draw.ellipse((x - head, top - head * 2.05, x + head, top - 0.05 * head), fill=skin)
    draw.chord((x - head, top - head * 2.1, x + head, top - head * 0.7), 180, 360, fill=hair)
    if scarf:
        draw.polygon(
            [
                (x - body_w * 0.42, top + 2 * scale),
                (x + body_w * 0.42, top + 2 * scale),
                (x, top + 20 * scale),
            ],
            fill=scarf,
        )


def flag(draw, x, y, height, color=RED, star=YELLOW, wave=0.0):
    """A flag on a pole, pole foot at (x, y)."""
    draw.rectangle((x - 3, y - height, x + 3, y), fill=(90, 90, 95))
    w, h = height * 0.55, height * 0.36
    top = y - height + 4
    points = []
    for i in range(21):
        t = i / 20
        points.append((x + 3 + w * t, top + math.sin(t * math.pi * 2 + wave) * h * 0.06))
    for i in range(20, -1, -1):
        t = i / 20
        points.append((x + 3 + w * t, top + h + math.sin(t * math.pi * 2 + wave) * h * 0.06))
    draw.polygon(points, fill=color)
    draw.polygon(star_points(x + 3 + w / 2, top + h / 2, h * 0.3, h * 0.12), fill=star)


def tree(draw, x, y, size, leaf, trunk=(110, 78, 50)):
    draw.rectangle((x - size * 0.08, y - size * 0.6, x + size * 0.08, y), fill=trunk)
    draw.ellipse((x - size * 0.45, y - size * 1.25, x + size * 0.45, y - size * 0.45), fill=leaf)


def house(draw, x, y, size, wall=(236, 224, 198), roof=(150, 62, 44)):
    draw.rectangle((x, y - size * 0.6, x + size, y), fill=wall)
    draw.polygon(
        [
            (x - size * 0.12, y - size * 0.58),
            (x + size / 2, y - size),
            (x + size * 1.12, y - size * 0.58),
        ],
        fill=roof,
    )
    draw.rectangle((x + size * 0.4, y - size * 0.35, x + size * 0.6, y), fill=(120, 86, 60))


# --- Motifs, one a category ---------------------------------------------------------------


def motif_flag(draw, rng, w, h, ground, accent):
    flag(draw, w * rng.uniform(0.12, 0.2), ground + 10, h * 0.5, wave=rng.uniform(0, 6))
    shirts = [(96, 156, 214), (84, 140, 204), (110, 170, 222)]
    count = rng.randint(4, 6)
    for i in range(count):
        x = w * (0.36 + i * 0.54 / count) + rng.uniform(-10, 10)
        person(
            draw, x, ground + h * 0.16 + rng.uniform(-6, 6), h / 600 * 1.5, rng.choice(shirts), rng
        )


def motif_volunteers(draw, rng, w, h, ground, accent):
    house(draw, w * 0.08, ground + h * 0.05, h * 0.26)
    for i in range(3):
        tree(
            draw,
            w * (0.72 + i * 0.1),
            ground + h * 0.02,
            h * rng.uniform(0.16, 0.22),
            (46, 125, 70),
        )
    for i in range(rng.randint(3, 5)):
        x = w * (0.34 + i * 0.1) + rng.uniform(-8, 8)
        person(draw, x, ground + h * 0.18, h / 600 * 1.45, (40, 160, 90), rng)


def motif_orchard(draw, rng, w, h, ground, accent):
    for row in range(3):
        y = ground + h * (0.04 + row * 0.08)
        for i in range(7 - row):
            x = w * (0.06 + i * 0.15 + row * 0.05) + rng.uniform(-10, 10)
            size = h * (0.12 + row * 0.04)
            tree(draw, x, y, size, mix((70, 140, 60), (120, 170, 70), rng.random()))
            for _ in range(3):
                fx, fy = x + rng.uniform(-0.25, 0.25) * size, y - size * rng.uniform(0.65, 1.05)
                draw.ellipse((fx - 5, fy - 5, fx + 5, fy + 5), fill=(150, 90, 40))
    person(draw, w * 0.82, ground + h * 0.27, h / 600 * 1.6, (200, 120, 40), rng)


def motif_shield(draw, rng, w, h, ground, accent):
    cx, top, sw = w * 0.72, h * 0.2, h * 0.32
    shield = [
        (cx - sw / 2, top),
        (cx + sw / 2, top),
        (cx + sw / 2, top + sw * 0.6),
        (cx, top + sw * 1.05),
        (cx - sw / 2, top + sw * 0.6),
    ]
    draw.polygon(shield, fill=(52, 64, 110))
    inner = [(x * 0.86 + cx * 0.14, y * 0.86 + (top + sw * 0.45) * 0.14) for x, y in shield]
    draw.polygon(inner, fill=hex_rgb("#b8892f"))
    draw.line(
        [
            (cx - sw * 0.18, top + sw * 0.48),
            (cx - sw * 0.02, top + sw * 0.64),
            (cx + sw * 0.22, top + sw * 0.3),
        ],
        fill=WHITE,
        width=int(sw * 0.07),
    )
    bx, by, bw = w * 0.16, ground + h * 0.12, h * 0.34
    draw.polygon(
        [(bx, by), (bx + bw, by - bw * 0.12), (bx + bw, by + bw * 0.42), (bx, by + bw * 0.52)],
        fill=(245, 242, 232),
    )
    draw.polygon(
        [
            (bx + bw, by - bw * 0.12),
            (bx + 2 * bw, by),
            (bx + 2 * bw, by + bw * 0.52),
            (bx + bw, by + bw * 0.42),
        ],
        fill=(233, 228, 214),
    )
    for i in range(5):
        y = by + bw * (0.06 + i * 0.08)
        draw.line(
            [(bx + bw * 0.12, y), (bx + bw * 0.85, y - bw * 0.1)], fill=(150, 150, 160), width=3
        )
        draw.line(
            [(bx + bw * 1.15, y - bw * 0.1), (bx + bw * 1.88, y)], fill=(150, 150, 160), width=3
        )
    person(draw, w * 0.55, ground + h * 0.24, h / 600 * 1.5, (52, 64, 110), rng)


def motif_festival(draw, rng, w, h, ground, accent):
    colors = [RED, YELLOW, (40, 160, 90), (96, 156, 214), (224, 73, 47)]
    sag = h * 0.06
    for i in range(14):
        t0, t1 = i / 14, (i + 0.8) / 14
        y0 = h * 0.08 + math.sin(t0 * math.pi) * sag
        y1 = h * 0.08 + math.sin(t1 * math.pi) * sag
        draw.polygon(
            [(w * t0, y0), (w * t1, y1), ((w * (t0 + t1)) / 2, (y0 + y1) / 2 + h * 0.07)],
            fill=colors[i % len(colors)],
        )
    bx, by, r = w * 0.78, ground + h * 0.2, h * 0.07
    draw.ellipse((bx - r, by - r, bx + r, by + r), fill=WHITE, outline=(30, 30, 30), width=3)
    draw.polygon(star_points(bx, by, r * 0.45, r * 0.45, points=5), fill=(30, 30, 30))
    for i in range(4):
        x = w * (0.2 + i * 0.13)
        person(draw, x, ground + h * 0.22, h / 600 * 1.5, rng.choice(colors), rng)


def motif_digital(draw, rng, w, h, ground, accent):
    nodes = [(w * rng.uniform(0.05, 0.6), h * rng.uniform(0.1, 0.4)) for _ in range(9)]
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 : i + 3]:
            draw.line([a, b], fill=(255, 255, 255), width=2)
    for x, y in nodes:
        draw.ellipse((x - 7, y - 7, x + 7, y + 7), fill=hex_rgb("#15a3c7"), outline=WHITE, width=2)
    pw, ph = h * 0.3, h * 0.56
    px, py = w * 0.7, h * 0.2
    draw.rounded_rectangle((px, py, px + pw, py + ph), radius=pw * 0.12, fill=(30, 34, 40))
    draw.rounded_rectangle(
        (px + pw * 0.07, py + ph * 0.07, px + pw * 0.93, py + ph * 0.9),
        radius=pw * 0.05,
        fill=WHITE,
    )
    cell = pw * 0.7 / 11
    qx, qy = px + pw * 0.15, py + ph * 0.22
    for row in range(11):
        for col in range(11):
            corner = (row < 3 and col < 3) or (row < 3 and col > 7) or (row > 7 and col < 3)
            if corner or rng.random() < 0.45:
                draw.rectangle(
                    (
                        qx + col * cell,
                        qy + row * cell,
                        qx + (col + 1) * cell - 1,
                        qy + (row + 1) * cell - 1,
                    ),
                    fill=(20, 20, 24),
                )
    person(draw, w * 0.5, ground + h * 0.24, h / 600 * 1.55, (21, 163, 199), rng)


def motif_children(draw, rng, w, h, ground, accent):
    for _ in range(rng.randint(3, 5)):
        x, y = w * rng.uniform(0.06, 0.94), h * rng.uniform(0.1, 0.32)
        draw.line([(x, y - h * 0.08), (x, y - h * 0.03)], fill=(80, 60, 40), width=2)
        draw.polygon(
            star_points(x, y, h * 0.045, h * 0.02), fill=rng.choice([RED, YELLOW, (255, 140, 0)])
        )
    for i in range(5):
        x = w * (0.15 + i * 0.17) + rng.uniform(-8, 8)
        person(draw, x, ground + h * 0.22, h / 600 * 1.15, WHITE, rng, scarf=RED)


MOTIFS = {
    "flag": motif_flag,
    "volunteers": motif_volunteers,
    "orchard": motif_orchard,
    "shield": motif_shield,
    "festival": motif_festival,
    "digital": motif_digital,
    "children": motif_children,
}


# --- Pictures -----------------------------------------------------------------------------


def seeded(name: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big"))


def draw_photo(path: str, category: str, size) -> Image.Image:
    label, motif, sky_top, sky_bottom, accent = CATEGORIES.get(category, DEFAULT_CATEGORY)
    rng = seeded(path)
    w, h = size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE
    top, bottom = hex_rgb(sky_top), hex_rgb(sky_bottom)
    # A little variety in the light: morning, noon or late afternoon.
    light = rng.choice([(0.0, (255, 236, 200)), (0.25, (255, 255, 255)), (0.15, (255, 214, 170))])
    top = mix(top, light[1], light[0])
    image = vertical_gradient((w, h), top, bottom)
    draw = ImageDraw.Draw(image)

    sx, sy, sr = w * rng.uniform(0.15, 0.85), h * rng.uniform(0.12, 0.3), h * 0.07
    for ring in range(4, 0, -1):
        r = sr * (1 + ring * 0.35)
        draw.ellipse(
            (sx - r, sy - r, sx + r, sy + r),
            fill=mix(bottom, (255, 244, 214), 0.25 + 0.1 * (4 - ring)),
        )
    draw.ellipse((sx - sr, sy - sr, sx + sr, sy + sr), fill=(255, 240, 190))

    ground = h * 0.62
    hill = (62, 118, 86)
    for base, height, haze in [(0.58, 0.34, 0.62), (0.62, 0.27, 0.38), (0.66, 0.2, 0.12)]:
        outline = ridge(rng, w, h * base, h * height, rng.randint(6, 10))
        draw.polygon([*outline, (w, h), (0, h)], fill=mix(hill, bottom, haze))

    fields = [(104, 160, 72), (128, 178, 80), (92, 148, 66), (150, 190, 96)]
    for band in range(6):
        y = ground + h * 0.05 + band * h * 0.06
        curve = [
            (x, y + math.sin(x / w * math.pi * 2 + band) * h * 0.012) for x in range(0, w + 16, 16)
        ]
        draw.polygon([*curve, (w, h), (0, h)], fill=fields[band % len(fields)])

    MOTIFS[motif](draw, rng, w, h, ground, hex_rgb(accent))

    # The label: a translucent strip along the bottom.
    overlay = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    strip = ImageDraw.Draw(overlay)
    bar = h * 0.14
    strip.rectangle((0, h - bar, w, h), fill=(10, 30, 60, 170))
    strip.rectangle((0, h - bar, w * 0.012, h), fill=(*hex_rgb(accent), 255))
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    draw = ImageDraw.Draw(image)
    big, small = font(int(bar * 0.38), bold=True), font(int(bar * 0.22))
    draw.text((w * 0.035, h - bar / 2), label, font=big, fill=WHITE, anchor="lm")
    draw.text(
        (w * 0.965, h - bar / 2), "Ảnh minh họa", font=small, fill=(220, 230, 240), anchor="rm"
    )
    return image.resize(size, Image.Resampling.LANCZOS)


def save_jpeg(image: Image.Image, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    image.save(target, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=False)


def save_png(image: Image.Image, target: Path, colors: int) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    image.quantize(colors=colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(
        target, "PNG", optimize=True
    )


def arc_text(image: Image.Image, text: str, center, radius, start_deg, end_deg, size, fill):
    """Letters along a circle, from start to end angle (degrees, 0 = top, clockwise)."""
    face = font(size, bold=True)
    n = len(text)
    for i, char in enumerate(text):
        if char == " ":
            continue
        angle = start_deg + (end_deg - start_deg) * (i + 0.5) / n
        glyph = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((size, size), char, font=face, fill=fill, anchor="mm")
        upright = angle if -90 <= angle <= 90 else angle - 180
        glyph = glyph.rotate(-upright, resample=Image.Resampling.BICUBIC)
        rad = math.radians(angle)
        x = center[0] + radius * math.sin(rad) - size
        y = center[1] - radius * math.cos(rad) - size
        image.alpha_composite(glyph, (round(x), round(y)))


def draw_logo(size=200) -> Image.Image:
    """A round emblem: a star rising over three karst hills, "CAO BẰNG" on a band."""
    s = size * 4
    c = s / 2
    inner = Image.new("RGBA", (s, s), (*BLUE, 255))
    draw = ImageDraw.Draw(inner)
    draw.polygon(star_points(c, s * 0.36, s * 0.17, s * 0.068), fill=YELLOW)
    for hx, top, half in [(0.22, 0.56, 0.17), (0.78, 0.56, 0.17), (0.5, 0.5, 0.2)]:
        draw.ellipse(
            (s * (hx - half), s * top, s * (hx + half), s * (top + 0.6)), fill=(46, 125, 70)
        )
    draw.rectangle((0, s * 0.7, s, s), fill=(8, 52, 110))
    draw.text(
        (c, s * 0.79), "CAO BẰNG", font=font(int(s * 0.09), bold=True), fill=WHITE, anchor="mm"
    )
    logo = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    ring = ImageDraw.Draw(logo)
    ring.ellipse((0, 0, s - 1, s - 1), fill=RED)
    ring.ellipse((s * 0.045, s * 0.045, s * 0.955, s * 0.955), fill=WHITE)
    mask = Image.new("L", (s, s), 0)
    ImageDraw.Draw(mask).ellipse((s * 0.07, s * 0.07, s * 0.93, s * 0.93), fill=255)
    logo.paste(inner, (0, 0), mask)
    return logo.resize((size, size), Image.Resampling.LANCZOS)


def draw_emblem(size=240) -> Image.Image:
    s = size * 4
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    c = s / 2
    draw.ellipse((4, 4, s - 4, s - 4), fill=YELLOW)
    draw.ellipse((s * 0.03, s * 0.03, s * 0.97, s * 0.97), fill=BLUE)
    draw.ellipse((s * 0.2, s * 0.2, s * 0.8, s * 0.8), fill=(232, 241, 252))
    # A flag held up by a raised arm: the motif of the Youth Union emblem, simplified.
    pole_x = c - s * 0.06
    draw.line([(pole_x, s * 0.27), (pole_x, s * 0.7)], fill=(90, 90, 95), width=int(s * 0.012))
    wave = []
    fw, fh, ftop = s * 0.25, s * 0.16, s * 0.28
    for i in range(21):
        t = i / 20
        wave.append((pole_x + fw * t, ftop + math.sin(t * math.pi * 2) * fh * 0.1))
    for i in range(20, -1, -1):
        t = i / 20
        wave.append((pole_x + fw * t, ftop + fh + math.sin(t * math.pi * 2) * fh * 0.1))
    draw.polygon(wave, fill=RED)
    draw.polygon(star_points(pole_x + fw / 2, ftop + fh / 2, fh * 0.32, fh * 0.13), fill=YELLOW)
    draw.pieslice((c - s * 0.24, s * 0.62, c + s * 0.16, s * 1.0), 180, 360, fill=(96, 156, 214))
    shoulder, hand = (c - s * 0.1, s * 0.7), (pole_x, s * 0.5)
    draw.line([shoulder, hand], fill=(96, 156, 214), width=int(s * 0.07))
    draw.ellipse(
        (hand[0] - s * 0.035, hand[1] - s * 0.035, hand[0] + s * 0.035, hand[1] + s * 0.035),
        fill=(236, 196, 160),
    )
    draw.line([(pole_x, s * 0.27), (pole_x, s * 0.7)], fill=(90, 90, 95), width=int(s * 0.012))
    mask = Image.new("L", (s, s), 0)
    ImageDraw.Draw(mask).ellipse((s * 0.2, s * 0.2, s * 0.8, s * 0.8), fill=255)
    ImageDraw.Draw(mask).ellipse((0, 0, s, s), outline=255, width=int(s * 0.2))
    clipped = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    clipped.paste(image, (0, 0), mask)
    arc_text(clipped, "ĐOÀN TNCS HỒ CHÍ MINH", (c, c), s * 0.4, -118, 118, int(s * 0.075), WHITE)
    draw = ImageDraw.Draw(clipped)
    draw.polygon(star_points(c, s * 0.9, s * 0.04, s * 0.016), fill=YELLOW)
    return clipped.resize((size, size), Image.Resampling.LANCZOS)


def main() -> int:
    wanted = wanted_images()
    written = 0
    for path, info in sorted(wanted.items()):
        size = FEATURED_SIZE if info["big"] else NORMAL_SIZE
        save_jpeg(draw_photo(path, info["category"], size), CONTENT / path)
        written += 1
    save_png(draw_logo(), IMAGES / "logo.png", colors=64)
    save_png(draw_emblem(), IMAGES / "huy-hieu-doan.png", colors=64)

    orphans = [
        p.relative_to(CONTENT).as_posix()
        for p in sorted(IMAGES.rglob("*.jpg"))
        if p.relative_to(CONTENT).as_posix() not in wanted
    ]
    total = sum(p.stat().st_size for p in IMAGES.rglob("*") if p.is_file())
    kilobytes = round(total / 1024)
    print(
        f"{written} ảnh minh họa, logo.png, huy-hieu-doan.png: tổng {kilobytes} KB trong {IMAGES}"
    )
    for orphan in orphans:
        print(f"không bài nào dùng: {orphan}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
