"""A small PDF writer for the demonstration content, the tests and the benchmark: pages of
plain text (Helvetica, WinAnsi encoding, so French accents survive), or pages holding only
a picture, like a scan without a text layer. Fast enough to write thousands of files."""

from __future__ import annotations

import zlib

LINE_HEIGHT = 14
TOP = 800
LEFT = 56
MAX_CHARS = 90


def _escape(text: str) -> bytes:
    data = text.encode("cp1252", errors="replace")
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _wrap(text: str) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            if line and len(line) + 1 + len(word) > MAX_CHARS:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return lines[: (TOP - 40) // LINE_HEIGHT]


def _text_stream(text: str) -> bytes:
    parts = [b"BT /F1 11 Tf", f"{LEFT} {TOP} Td {LINE_HEIGHT} TL".encode()]
    parts += [b"(" + _escape(line) + b") Tj T*" for line in _wrap(text)]
    parts.append(b"ET")
    return b"\n".join(parts)


def _assemble(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _stream(data: bytes, extra: str = "") -> bytes:
    packed = zlib.compress(data)
    return (
        f"<< /Length {len(packed)} /Filter /FlateDecode {extra}>>\nstream\n".encode()
        + packed
        + b"\nendstream"
    )


def text_pdf(pages: list[str], *, title: str = "") -> bytes:
    """A PDF with one page per string of `pages`."""
    # 1 catalog, 2 pages, 3 font, 4 info, then a page and its content for each page.
    kids = " ".join(f"{5 + 2 * i} 0 R" for i in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Title (" + _escape(title) + b") /Producer (Pepites) >>",
    ]
    for i, text in enumerate(pages):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {6 + 2 * i} 0 R "
            "/Resources << /Font << /F1 3 0 R >> >> >>".encode()
        )
        objects.append(_stream(_text_stream(text)))
    return _assemble(objects)


def image_only_pdf(*, pages: int = 1) -> bytes:
    """A PDF whose pages show a grey picture and no text at all (a scan without OCR)."""
    side = 64
    pixels = bytes((x * 4 + y) % 256 for y in range(side) for x in range(side))
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        _stream(
            pixels,
            f"/Type /XObject /Subtype /Image /Width {side} /Height {side} "
            "/ColorSpace /DeviceGray /BitsPerComponent 8 ",
        ),
    ]
    for i in range(pages):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {5 + 2 * i} 0 R "
            "/Resources << /XObject << /Im1 3 0 R >> >> >>".encode()
        )
        objects.append(_stream(b"q 500 0 0 700 47 71 cm /Im1 Do Q"))
    return _assemble(objects)
