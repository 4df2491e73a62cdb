"""Reading the PDFs back: text per page (pypdf), page images (pdftoppm), QR codes (zxing-cpp)."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader


def read_pdf(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def page_texts(reader: PdfReader) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def font_names(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


def render_pages(pdf_path: Path, out_prefix: Path, *, dpi: int = 110, first=None, last=None):
    """PNG images of the pages (pdftoppm, from Debian's poppler-utils)."""
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm introuvable : apt-get install poppler-utils (make chromium)")
    command = ["pdftoppm", "-png", "-r", str(dpi)]
    if first:
        command += ["-f", str(first)]
    if last:
        command += ["-l", str(last)]
    subprocess.run([*command, str(pdf_path), str(out_prefix)], check=True, timeout=120)
    return sorted(out_prefix.parent.glob(f"{out_prefix.name}-*.png"))


def qr_codes(png: Path) -> list[str]:
    import zxingcpp
    from PIL import Image

    with Image.open(png) as image:
        return [
            result.text
            for result in zxingcpp.read_barcodes(image.convert("L"))
            if result.format == zxingcpp.BarcodeFormat.QRCode
        ]
