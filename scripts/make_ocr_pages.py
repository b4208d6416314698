"""Render the OCR test set: pages set from the texts in ``tests/data/ocr/texts.json``
(written for the tests) in English, Russian and Japanese, horizontal and vertical, clean
at 300 dpi and degraded (200 dpi, skewed, noisy, low contrast, rotated 90° and 180°), as
PNG, JPEG, TIFF (one multi-page) and image-only PDFs; ``manifest.json`` says what each
file is. ``manage.py evaluate_ocr`` reads them. Run once when the texts change:

    .venv/bin/python scripts/make_ocr_pages.py
"""

import io
import json
import random
from pathlib import Path

import img2pdf
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FOLDER = Path(__file__).resolve().parents[1] / "tests" / "data" / "ocr"
FONTS = {
    "latin": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "ja": "/usr/share/fonts/opentype/ipafont-mincho/ipam.ttf",
}
A5_INCHES = (5.83, 8.27)
MARGIN_INCHES = 0.6
POINTS = 11  # the body's type size


def page_size(dpi: int) -> tuple[int, int]:
    return round(A5_INCHES[0] * dpi), round(A5_INCHES[1] * dpi)


def wrapped(text: str, font, width: int, draw) -> list[str]:
    """Lines of words (or, without spaces, of characters) no wider than ``width``."""
    lines = []
    for paragraph in text.split("\n"):
        if not paragraph:
            lines.append("")
            continue
        units = paragraph.split(" ") if " " in paragraph else list(paragraph)
        joiner = " " if " " in paragraph else ""
        line = ""
        for unit in units:
            candidate = f"{line}{joiner}{unit}" if line else unit
            if draw.textlength(candidate, font=font) <= width:
                line = candidate
            else:
                lines.append(line)
                line = unit
        lines.append(line)
    return lines


def horizontal(text: str, language: str, dpi: int) -> Image.Image:
    width, height = page_size(dpi)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    size = round(POINTS * dpi / 72)
    font = ImageFont.truetype(FONTS["ja" if language == "ja" else "latin"], size)
    margin = round(MARGIN_INCHES * dpi)
    y = margin
    for line in wrapped(text, font, width - 2 * margin, draw):
        draw.text((margin, y), line, font=font, fill=0)
        y += round(size * 1.6)
    return page


def vertical(text: str, dpi: int) -> Image.Image:
    """Japanese set in columns, top to bottom, the first column on the right."""
    width, height = page_size(dpi)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    size = round(POINTS * dpi / 72)
    font = ImageFont.truetype(FONTS["ja"], size)
    margin = round(MARGIN_INCHES * dpi)
    per_column = (height - 2 * margin) // size
    columns = []
    for paragraph in text.split("\n"):
        if not paragraph:
            columns.append("")
            continue
        columns.extend(paragraph[i : i + per_column] for i in range(0, len(paragraph), per_column))
    x = width - margin - size
    for column in columns:
        if column:
            draw.text((x, margin), column, font=font, fill=0, direction="ttb", features=["vert"])
        x -= round(size * 1.7)
    return page


def skewed(page: Image.Image, degrees: float) -> Image.Image:
    return page.rotate(degrees, resample=Image.BICUBIC, expand=True, fillcolor=255)


def noisy(page: Image.Image, seed: int) -> Image.Image:
    """Speckles and a slight blur, as a photocopy's."""
    rng = random.Random(seed)
    page = page.filter(ImageFilter.GaussianBlur(0.8)).copy()
    pixels = page.load()
    width, height = page.size
    for _ in range(width * height // 150):
        x, y = rng.randrange(width), rng.randrange(height)
        pixels[x, y] = rng.choice((0, 90, 255))
    return page


def low_contrast(page: Image.Image) -> Image.Image:
    """Grey text on a grey ground (a faded original)."""
    return page.point(lambda value: 115 + value * 80 // 255)


PAGES = [  # (name, language, layout, condition, dpi, format)
    *[
        (f"{language}-{layout}-clean", language, layout, "clean", 300, "png")
        for language, layout in (("en", "h"), ("ru", "h"), ("ja", "h"), ("ja", "v"))
    ],
    *[
        (f"{language}-{layout}-{condition}", language, layout, condition, dpi, kind)
        for language, layout in (("en", "h"), ("ru", "h"), ("ja", "h"), ("ja", "v"))
        for condition, dpi, kind in (
            ("200dpi", 200, "jpg"),
            ("skewed", 300, "pdf"),
            ("noisy", 300, "tif"),
            ("low-contrast", 300, "png"),
            ("rotated-90", 300, "pdf"),
            ("rotated-180", 300, "png"),
        )
    ],
]


def rendered(language: str, layout: str, condition: str, dpi: int, text: str) -> Image.Image:
    page = vertical(text, dpi) if layout == "v" else horizontal(text, language, dpi)
    if condition == "skewed":
        page = skewed(page, 3)
    elif condition == "noisy":
        page = noisy(page, seed=len(text))
    elif condition == "low-contrast":
        page = low_contrast(page)
    elif condition == "rotated-90":
        page = page.rotate(90, expand=True)
    elif condition == "rotated-180":
        page = page.rotate(180)
    return page


def saved(page: Image.Image, path: Path, kind: str, dpi: int):
    if kind == "pdf":
        buffer = io.BytesIO()
        page.save(buffer, "PNG", dpi=(dpi, dpi))
        path.write_bytes(img2pdf.convert(buffer.getvalue()))
    elif kind == "jpg":
        page.save(path, "JPEG", quality=80, dpi=(dpi, dpi))
    elif kind == "tif":
        page.save(path, "TIFF", compression="tiff_lzw", dpi=(dpi, dpi))
    else:
        page.save(path, "PNG", dpi=(dpi, dpi), optimize=True)


def main():
    texts = json.loads((FOLDER / "texts.json").read_text(encoding="utf-8"))
    pages_folder = FOLDER / "pages"
    pages_folder.mkdir(exist_ok=True)
    manifest = []
    for name, language, layout, condition, dpi, kind in PAGES:
        page = rendered(language, layout, condition, dpi, texts[language])
        path = pages_folder / f"{name}.{kind}"
        saved(page, path, kind, dpi)
        manifest.append(
            {
                "file": f"pages/{path.name}",
                "language": language,
                "layout": "vertical" if layout == "v" else "horizontal",
                "condition": condition,
                "dpi": dpi,
                "texts": [language],
            }
        )
        print(path.name, page.size)
    # Several pages in one file: a two-page TIFF (English then Russian) and a scanned PDF
    # of three pages (one per language), the forms in which scans usually come.
    two = [rendered(lang, "h", "clean", 300, texts[lang]) for lang in ("en", "ru")]
    two[0].save(
        pages_folder / "en-ru-two-pages.tif",
        "TIFF",
        compression="tiff_lzw",
        dpi=(300, 300),
        save_all=True,
        append_images=two[1:],
    )
    manifest.append(
        {
            "file": "pages/en-ru-two-pages.tif",
            "language": "en+ru",
            "layout": "horizontal",
            "condition": "clean",
            "dpi": 300,
            "texts": ["en", "ru"],
        }
    )
    (FOLDER / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
