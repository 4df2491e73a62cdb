"""Files for the resource tests: PDFs (pepites.resources.pdfwriter), DOCX and ODT built by
hand or with odfpy, SVG; and a resource made through the service."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from pepites.network.models import Centre
from pepites.resources.models import Resource, ResourceKind, ResourceStatus
from pepites.resources.pdfwriter import text_pdf
from pepites.resources.services import create_resource

DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/>{extra}</Types>'
)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx(pages: list[str], *, macro: bool = False) -> bytes:
    """A minimal DOCX, one page break between the strings of `pages`; `macro` adds a VBA
    project as a macro-enabled document has."""
    body = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'.join(
        f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in pages
    )
    extra = (
        '<Override PartName="/word/vbaProject.bin" ContentType="application/vnd.ms-office.'
        'vbaProject"/>'
        if macro
        else ""
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES.format(extra=extra))
        archive.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>{body}'
            "</w:body></w:document>",
        )
        if macro:
            archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 VBA")
    return buffer.getvalue()


def odt(paragraphs: list[str]) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    for text in paragraphs:
        document.text.addElement(P(text=text))
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
)


def upload(data: bytes, name: str = "document.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def study_pages(count: int = 40, *, word_page: int = 37, word: str = "fromagerie") -> list[str]:
    """Pages of ordinary text; `word` appears only on page `word_page`."""
    pages = [
        f"Page {n}. Développement économique des quartiers prioritaires : emploi, commerce de "
        f"proximité et création d'activité, chapitre {n}."
        for n in range(1, count + 1)
    ]
    pages[word_page - 1] += f" Une {word} coopérative s'est installée au pied des tours."
    return pages


def make_resource(
    *,
    title: str = "Étude sur le commerce de proximité",
    centre_slug: str = "profession-banlieue",
    data: bytes | None = None,
    name: str = "etude.pdf",
    status: str = ResourceStatus.PUBLISHED,
    **values,
) -> Resource:
    if data is None and "external_url" not in values:
        data = text_pdf(study_pages())
    return create_resource(
        title=title,
        kind=values.pop("kind", ResourceKind.STUDY),
        date=values.pop("date", date(2025, 6, 1)),
        centres=[Centre.objects.get(slug=centre_slug)],
        upload=upload(data, name) if data is not None else None,
        status=status,
        **values,
    )
