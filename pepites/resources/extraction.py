"""The text of a resource's file, page by page: PDFium (pypdfium2) for a PDF (its text
layer; a scanned PDF has none, and is then marked « texte non extrait »), odfpy for an ODT (one page: the
format has no pages), the XML of a DOCX read from its ZIP (pages cut at the page breaks
Word wrote)."""

import io
import zipfile
from xml.etree import ElementTree

from odf import teletype
from odf.namespaces import TEXTNS
from odf.opendocument import load as load_odf
from PIL import Image

from pepites.resources.models import FileType

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PREVIEW_WIDTH = 600
# Control characters (and NUL, refused by PostgreSQL) some PDFs put in their text.
_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def _clean(text: str) -> str:
    return text.translate(_CONTROL).strip()


def pdf_pages(data: bytes) -> list[str]:
    """The text layer of each page, read by PDFium: three times faster than pypdf's
    extract_text on the benchmark's pages (which pypdf still checks on upload, files.py)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    pages = []
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                text_page = page.get_textpage()
                try:
                    pages.append(_clean(text_page.get_text_bounded()))
                finally:
                    text_page.close()
            finally:
                page.close()
    finally:
        document.close()
    return pages


_ODT_PARAGRAPHS = {(TEXTNS, "p"), (TEXTNS, "h")}


def _odt_paragraphs(node, found: list[str]) -> list[str]:
    """Every paragraph and heading in document order (tables and lists included)."""
    for child in node.childNodes:
        if getattr(child, "qname", None) in _ODT_PARAGRAPHS:
            found.append(teletype.extractText(child))
        elif child.nodeType == child.ELEMENT_NODE:
            _odt_paragraphs(child, found)
    return found


def odt_pages(data: bytes) -> list[str]:
    document = load_odf(io.BytesIO(data))
    return [_clean("\n".join(_odt_paragraphs(document.text, [])))]


def docx_pages(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = ElementTree.fromstring(archive.read("word/document.xml"))
    pages: list[list[str]] = [[]]
    for paragraph in root.iter(f"{W}p"):
        words = []
        for node in paragraph.iter():
            if node.tag == f"{W}t" and node.text:
                words.append(node.text)
            elif node.tag == f"{W}br" and node.get(f"{W}type") == "page":
                pages[-1].append("".join(words))
                words = []
                pages.append([])
        pages[-1].append("".join(words))
    return [_clean("\n".join(lines)) for lines in pages]


EXTRACTORS = {FileType.PDF: pdf_pages, FileType.ODT: odt_pages, FileType.DOCX: docx_pages}


def extract_pages(*, data: bytes, file_type: str) -> list[str]:
    return EXTRACTORS[FileType(file_type)](data)


def pdf_preview(data: bytes) -> bytes:
    """The first page of a PDF as a JPEG, PREVIEW_WIDTH pixels wide (PDFium, in-process,
    first page only: called from the job, never during a request)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        page = document[0]
        try:
            width = page.get_width() or PREVIEW_WIDTH
            bitmap = page.render(scale=min(PREVIEW_WIDTH / width, 4))
            image: Image.Image = bitmap.to_pil().convert("RGB")
        finally:
            page.close()
    finally:
        document.close()
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80, optimize=True)
    return buffer.getvalue()
