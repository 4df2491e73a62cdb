"""Files of the resource library, checked like the initiatives' images: nothing of what
arrives is trusted (name and declared type included). The type is read from the content
(PDF, ODT, DOCX), the size is bounded, and a file that carries active content is refused:
a DOCX with macros, an ODT with scripts, a PDF with JavaScript or launch actions, an SVG
with a script (alone or inside an office document).
"""

import io
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import DictionaryObject, IndirectObject

from pepites.resources.models import FileType

# An office document is a ZIP: bounds against a "zip bomb".
MAX_MEMBERS = 5000
MAX_UNCOMPRESSED = 300 * 1024 * 1024
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# Keys and action types of active content in a PDF's objects (read by pypdf, object
# streams included: a byte scan would miss compressed objects and trip over stream data).
PDF_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/Launch", "/RichMedia", "/XFA", "/AA"})
PDF_ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/ImportData", "/SubmitForm"})
PDF_MAX_OBJECTS = 500_000
SVG_ACTIVE = re.compile(rb"<script|\son[a-z]+\s*=|javascript:", re.IGNORECASE)


@dataclass(frozen=True)
class CheckedFile:
    file_type: str
    size: int


def _error(message: str) -> ValidationError:
    return ValidationError({"file": message})


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _not_accepted() -> ValidationError:
    return _error(
        _("Ce fichier n'est pas un PDF, un ODT ou un DOCX lisible (quel que soit son nom).")
    )


def _refuse_svg(data: bytes) -> None:
    if SVG_ACTIVE.search(data):
        raise _error(_("Ce fichier SVG contient un script : il est refusé."))


def _looks_like_svg(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return (
        head.startswith((b"<svg", b"<?xml", b"<!doctype svg")) and b"<svg" in data[:65536].lower()
    )


def _pdf_object_ids(reader: PdfReader) -> list[IndirectObject]:
    ids = [
        IndirectObject(idnum, generation, reader)
        for generation, numbers in reader.xref.items()
        for idnum in numbers
    ]
    ids += [IndirectObject(idnum, 0, reader) for idnum in reader.xref_objStm]
    return ids


def _is_active(value) -> bool:
    if not isinstance(value, DictionaryObject):
        return False
    action = str(value.get("/S", ""))
    return bool(PDF_ACTIVE_KEYS & set(value.keys())) or action in PDF_ACTIVE_ACTIONS


def _root(reader: PdfReader) -> DictionaryObject:
    root = reader.trailer["/Root"].get_object()
    if not isinstance(root, DictionaryObject):
        raise TypeError("The PDF's catalogue is not a dictionary")
    return root


def _check_pdf(data: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(data))
        len(reader.pages)  # a PDF whose pages cannot be read is not accepted
        objects = _pdf_object_ids(reader)
        if len(objects) > PDF_MAX_OBJECTS:
            raise _not_accepted()
        active = any(_is_active(reader.get_object(ref)) for ref in objects) or any(
            _is_active(value) for value in _root(reader).values()
        )
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise _not_accepted() from exc
    if active:
        raise _error(
            _(
                "Ce PDF contient du contenu actif (JavaScript, action automatique, lancement "
                "d'application) : il est refusé."
            )
        )


def _check_zip_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNCOMPRESSED:
        raise _error(_("Ce document est anormalement volumineux une fois décompressé."))
    for member in members:
        name = member.filename.lower()
        if name.endswith(".svg"):
            _refuse_svg(archive.read(member))
    return members


def _check_docx(archive: zipfile.ZipFile, names: set[str]) -> None:
    content_types = archive.read("[Content_Types].xml").lower()
    has_macros = (
        any(name.lower().endswith("vbaproject.bin") for name in names)
        or b"macroenabled" in content_types
        or b"vbaproject" in content_types
        or b"activex" in content_types
    )
    if has_macros:
        raise _error(_("Ce document DOCX contient des macros : il est refusé."))


def _check_odt(archive: zipfile.ZipFile, names: set[str]) -> None:
    manifest = archive.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
    scripts = (
        any(n.startswith(("Basic/", "Scripts/")) for n in names) or b"script" in manifest.lower()
    )
    if scripts:
        raise _error(_("Ce document ODT contient des macros ou des scripts : il est refusé."))


def _check_office(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = {member.filename for member in _check_zip_members(archive)}
            if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                _check_odt(archive, names)
                return FileType.ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                _check_docx(archive, names)
                return FileType.DOCX
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
        raise _not_accepted() from exc
    raise _not_accepted()


def check_resource_file(upload) -> CheckedFile:
    """The upload's real type, or a ValidationError on "file" saying why it is refused."""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size > settings.RESOURCE_FILE_MAX_BYTES:
        raise _error(
            _("Le fichier pèse %(size)s Mo : %(max)s Mo au plus.")
            % {"size": _megabytes(size), "max": _megabytes(settings.RESOURCE_FILE_MAX_BYTES)}
        )
    data = _read_all(upload)
    if data[:1024].find(b"%PDF-") != -1:
        _check_pdf(data)
        return CheckedFile(file_type=FileType.PDF, size=len(data))
    if data.startswith(b"PK\x03\x04"):
        return CheckedFile(file_type=_check_office(data), size=len(data))
    if _looks_like_svg(data):
        _refuse_svg(data)
    raise _not_accepted()
