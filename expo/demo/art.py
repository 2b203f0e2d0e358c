"""Generated logos and banners for the demo's booths, so that the hall looks like an expo rather
than 290 letter placeholders. Deterministic: the same company always gets the same artwork.

A logo is a 256 px square: a mark (one of several geometric motifs in one of a set of brand
palettes) beside or above the company's initials. A banner is 1200 x 300: a diagonal gradient
of the palette with a motif pattern of the company's sector, no text (the booth page writes the
name over it). PNG for logos, JPEG for banners, both small (a few KB)."""

import functools
import io
import math
import random

from PIL import Image, ImageDraw, ImageFont

LOGO_SIZE = 256
BANNER_SIZE = (1200, 300)

# (deep, bright, light): brand-like palettes that keep white text readable on `deep`.
PALETTES = [
    ("#0b5cad", "#2fa4ff", "#dcefff"),
    ("#00695c", "#26c6a6", "#d5f5ee"),
    ("#6a1b9a", "#b36ae2", "#f0e2fa"),
    ("#b23a00", "#ff8a3d", "#ffe8d6"),
    ("#263238", "#4f9dde", "#e3eef7"),
    ("#8e0038", "#ef4f7d", "#fde1ea"),
    ("#1b5e20", "#7cc242", "#e6f4d7"),
    ("#3949ab", "#00bcd4", "#dff6fa"),
    ("#4e342e", "#d4a15a", "#f6ead8"),
    ("#004d61", "#ffb300", "#fff3d1"),
    ("#311b92", "#ff4081", "#fde3ee"),
    ("#00838f", "#c6d400", "#f2f7cc"),
]
MOTIFS = ["circles", "hexagon", "triangles", "stripes", "diamond", "orbit", "bars", "wave"]


def _rng(key: str) -> random.Random:
    return random.Random(f"demo-art:{key}")


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


@functools.cache
def _font(size: int):
    return ImageFont.load_default(size=size)


def initials(name: str) -> str:
    words = [w for w in name.replace("&", " ").replace("-", " ").split() if w[:1].isalnum()]
    skip = {"of", "and", "the", "for", "limited", "ltd", "co", "inc", "hk", "company"}
    words = [w for w in words if w.lower() not in skip] or words or ["X"]
    if len(words) == 1:
        return words[0][:2].upper()
    return (words[0][0] + words[1][0]).upper()


def _mark(draw, motif, box, deep, bright, light):
    """One geometric mark inside box (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = box
    cx, cy, r = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2
    if motif == "circles":
        draw.ellipse(box, fill=deep)
        draw.ellipse((cx - r * 0.55, cy - r * 0.55, cx + r * 0.55, cy + r * 0.55), fill=bright)
        draw.ellipse((cx - r * 0.2, cy - r * 0.2, cx + r * 0.2, cy + r * 0.2), fill=light)
    elif motif == "hexagon":
        points = [
            (
                cx + r * math.cos(math.pi / 3 * i + math.pi / 6),
                cy + r * math.sin(math.pi / 3 * i + math.pi / 6),
            )
            for i in range(6)
        ]
        draw.polygon(points, fill=deep)
        inner = [(cx + (x - cx) * 0.5, cy + (y - cy) * 0.5) for x, y in points]
        draw.polygon(inner, fill=bright)
    elif motif == "triangles":
        draw.polygon([(x0, y1), (cx, y0), (x1, y1)], fill=deep)
        draw.polygon([(cx - r * 0.45, y1), (cx + r * 0.2, cy - r * 0.1), (x1, y1)], fill=bright)
    elif motif == "stripes":
        draw.rounded_rectangle(box, radius=r * 0.3, fill=deep)
        for i in range(3):
            y = y0 + (y1 - y0) * (0.28 + 0.22 * i)
            draw.rounded_rectangle(
                (x0 + r * 0.3, y - r * 0.07, x1 - r * 0.3, y + r * 0.07),
                radius=r * 0.07,
                fill=bright,
            )
    elif motif == "diamond":
        draw.polygon([(cx, y0), (x1, cy), (cx, y1), (x0, cy)], fill=deep)
        s = r * 0.45
        draw.polygon([(cx, cy - s), (cx + s, cy), (cx, cy + s), (cx - s, cy)], fill=bright)
    elif motif == "orbit":
        draw.ellipse(box, outline=deep, width=max(3, int(r * 0.16)))
        draw.ellipse((cx - r * 0.35, cy - r * 0.35, cx + r * 0.35, cy + r * 0.35), fill=deep)
        draw.ellipse((x1 - r * 0.45, y0, x1, y0 + r * 0.45), fill=bright)
    elif motif == "bars":
        width = (x1 - x0) / 4
        for i, height in enumerate((0.45, 0.75, 1.0)):
            left = x0 + i * width * 1.35
            draw.rectangle(
                (left, y1 - (y1 - y0) * height, left + width, y1), fill=(deep, bright, deep)[i]
            )
    else:  # wave
        draw.rounded_rectangle(box, radius=r * 0.5, fill=deep)
        points = [
            (x0 + r * 0.2 + t, cy + math.sin(t / r * math.pi * 1.5) * r * 0.3)
            for t in range(0, int(r * 1.6), 2)
        ]
        draw.line(points, fill=bright, width=max(3, int(r * 0.14)), joint="curve")


def logo_png(name: str, key: str) -> bytes:
    """A square logo: a mark and the initials, in a palette chosen by `key`."""
    rng = _rng(key)
    deep, bright, light = (_rgb(c) for c in rng.choice(PALETTES))
    motif = rng.choice(MOTIFS)
    image = Image.new("RGB", (LOGO_SIZE, LOGO_SIZE), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    text = initials(name)
    if rng.random() < 0.5:  # mark above, initials below
        _mark(draw, motif, (68, 24, 188, 144), deep, bright, light)
        font = _font(64)
        width = draw.textlength(text, font=font)
        draw.text(((LOGO_SIZE - width) / 2, 156), text, font=font, fill=deep)
    else:  # a full-bleed tile with the initials on the mark's colour
        draw.rounded_rectangle((8, 8, 248, 248), radius=40, fill=deep)
        _mark(draw, motif, (150, 24, 232, 106), light, bright, deep)
        font = _font(96)
        draw.text((30, 120), text, font=font, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def banner_jpeg(key: str, sector_key: str = "") -> bytes:
    """A wide banner: a diagonal gradient of the palette and a pattern of the sector's motif."""
    rng = _rng(key)
    deep, bright, light = (_rgb(c) for c in rng.choice(PALETTES))
    motif = MOTIFS[sum(map(ord, sector_key)) % len(MOTIFS)] if sector_key else rng.choice(MOTIFS)
    # drawn at half size and enlarged: a soft background, four times cheaper
    width, height = BANNER_SIZE[0] // 2, BANNER_SIZE[1] // 2
    # left to right from deep to bright (Pillow's own gradient: no per-pixel Python)
    mask = Image.linear_gradient("L").rotate(90).resize((width, height))
    image = Image.composite(
        Image.new("RGB", (width, height), bright), Image.new("RGB", (width, height), deep), mask
    )
    overlay = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    tint = (*light, 70)
    size = rng.choice((35, 45, 60))
    for i in range(14):
        cx = rng.uniform(width * 0.35, width + size)
        cy = rng.uniform(-size / 2, height + size / 2)
        s = size * rng.uniform(0.5, 1.6)
        _mark(draw, motif, (cx - s, cy - s, cx + s, cy + s), tint, (*bright, 60), (*light, 40))
        if i % 5 == 0:
            draw.line([(0, cy), (width, cy + rng.uniform(-40, 40))], fill=(*light, 35), width=1)
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    image = image.resize(BANNER_SIZE, Image.BICUBIC)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()
