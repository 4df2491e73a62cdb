"""Files are checked like images: type by content, size limit, no active content."""

import pytest
from django.core.exceptions import ValidationError

from pepites.resources.files import check_resource_file
from pepites.resources.pdfwriter import image_only_pdf, text_pdf
from tests.resources.helpers import SVG_WITH_SCRIPT, docx, odt, upload


def _refused(data: bytes, name: str = "f.pdf") -> str:
    with pytest.raises(ValidationError) as caught:
        check_resource_file(upload(data, name))
    return " ".join(caught.value.message_dict["file"])


def test_accepted_types_are_read_from_the_content_whatever_the_name():
    assert check_resource_file(upload(text_pdf(["Bonjour"]), "x.docx")).file_type == "pdf"
    assert check_resource_file(upload(image_only_pdf(), "scan.pdf")).file_type == "pdf"
    assert check_resource_file(upload(docx(["Bonjour"]), "x.pdf")).file_type == "docx"
    assert check_resource_file(upload(odt(["Bonjour"]), "x.txt")).file_type == "odt"


def test_docx_with_macro_is_refused():
    assert "macros" in _refused(docx(["Bonjour"], macro=True), "rapport.docx")


def test_svg_with_script_is_refused():
    assert "script" in _refused(SVG_WITH_SCRIPT, "image.svg")


def test_svg_with_script_inside_an_office_document_is_refused():
    import io
    import zipfile

    buffer = io.BytesIO(docx(["Bonjour"]))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("word/media/image1.svg", SVG_WITH_SCRIPT)
    assert "script" in _refused(buffer.getvalue(), "rapport.docx")


def test_pdf_with_javascript_is_refused():
    data = text_pdf(["Bonjour"]).replace(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
    )
    assert "actif" in _refused(data)


@pytest.mark.parametrize(
    "data",
    [b"", b"bonjour", b"%PDF-1.4 tronque", b"PK\x03\x04 pas un zip", b"\x89PNG\r\n\x1a\n"],
)
def test_other_content_is_refused_in_french(data):
    assert "PDF, un ODT ou un DOCX" in _refused(data) or "actif" in _refused(data)


def test_size_limit(settings):
    settings.RESOURCE_FILE_MAX_BYTES = 200
    assert "Mo au plus" in _refused(text_pdf(["Bonjour"]))


def test_pdf_naming_javascript_in_its_text_is_accepted():
    # Words of the text (and bytes of compressed streams) are not active content.
    data = text_pdf(["Un guide sur /JS, /JavaScript et /Launch pour les développeurs."] * 30)
    assert check_resource_file(upload(data)).file_type == "pdf"


def test_pdf_with_a_page_action_is_refused():
    data = text_pdf(["Bonjour"]).replace(
        b"/Type /Page /Parent 2 0 R",
        b"/Type /Page /AA << /O << /S /Launch /F (calc.exe) >> >> /Parent 2 0 R",
    )
    assert "actif" in _refused(data)
