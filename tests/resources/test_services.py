"""Creating and editing resources: the file read by the job queue, page by page; optimistic
locking and history as for initiatives."""

import pytest
from django.core.exceptions import ValidationError

from pepites.core.errors import ConflictError
from pepites.resources.models import Resource, TextStatus
from pepites.resources.pdfwriter import image_only_pdf
from pepites.resources.selectors import pages_matching
from pepites.resources.services import update_resource
from pepites.search.selectors import search_ids, search_kinds
from tests.resources.helpers import docx, make_resource, odt

pytestmark = pytest.mark.django_db


def test_pdf_text_is_extracted_per_page_by_a_job(reference_data, run_jobs):
    resource = make_resource()
    assert resource.text_status == TextStatus.PENDING
    assert run_jobs() >= 1
    resource.refresh_from_db()
    assert resource.text_status == TextStatus.EXTRACTED
    assert resource.page_count == 40
    assert "fromagerie" in resource.pages.get(number=37).text
    assert not resource.pages.exclude(number=37).filter(text__icontains="fromagerie").exists()
    assert resource.preview.name.endswith(".jpg")


def test_word_of_page_37_finds_the_page(reference_data, run_jobs):
    resource = make_resource()
    make_resource(title="Un autre guide", data=None, external_url="https://example.org/guide")
    run_jobs()
    # Another form of the word, without its accent or case: the same page.
    assert pages_matching(resource_ids=[resource.pk], query="Fromageries COOPERATIVES") == {
        resource.pk: [37]
    }
    # The engine finds it by the word of page 37, in any form; a typo in a word of its title
    # is corrected (the engine corrects towards titles and names, not towards long texts).
    assert search_ids(query="fromagerie", kind="resource") == [resource.pk]
    assert search_ids(query="fromageries cooperatives", kind="resource") == [resource.pk]
    assert search_ids(query="proximté", kind="resource") == [resource.pk]
    groups = search_kinds(query="fromagerie", kinds=["initiative", "resource"])
    assert groups["resource"].ids == [resource.pk] and groups["initiative"].total == 0


def test_drafts_are_not_found_by_the_public(reference_data, run_jobs):
    draft = make_resource(status="draft")
    run_jobs()
    assert search_ids(query="fromagerie", kind="resource") == []
    assert search_ids(query="fromagerie", kind="resource", public_only=False) == [draft.pk]
    update_resource(resource=draft, expected_version=1, status="published")
    assert search_ids(query="fromagerie", kind="resource") == [draft.pk]


def test_scanned_pdf_is_accepted_and_marked_text_not_extracted(reference_data, run_jobs):
    resource = make_resource(data=image_only_pdf(pages=3), name="scan.pdf")
    run_jobs()
    resource.refresh_from_db()
    assert resource.text_status == TextStatus.NOT_EXTRACTED
    assert resource.get_text_status_display() == "Texte non extrait"
    assert resource.page_count == 3
    assert resource.preview  # the picture of its first page is still shown


def test_docx_pages_follow_its_page_breaks(reference_data, run_jobs):
    resource = make_resource(
        data=docx(["Première page", "Deuxième page avec maraîchage"]), name="r.docx"
    )
    run_jobs()
    assert pages_matching(resource_ids=[resource.pk], query="maraichage") == {resource.pk: [2]}


def test_odt_text_is_one_page(reference_data, run_jobs):
    resource = make_resource(data=odt(["Un titre", "Une ressourcerie solidaire"]), name="r.odt")
    run_jobs()
    resource.refresh_from_db()
    assert resource.text_status == TextStatus.EXTRACTED
    assert pages_matching(resource_ids=[resource.pk], query="ressourcerie") == {resource.pk: [1]}


def test_a_file_or_a_link_is_required(reference_data):
    with pytest.raises(ValidationError) as caught:
        make_resource(data=None, external_url="")
    assert "file" in caught.value.message_dict
    assert not Resource.objects.exists()


def test_concurrent_edits_conflict_and_history_is_kept(reference_data, run_jobs):
    resource = make_resource(data=None, external_url="https://example.org/a")
    first = Resource.objects.get(pk=resource.pk)
    second = Resource.objects.get(pk=resource.pk)
    update_resource(resource=first, expected_version=1, title="Titre revu")
    with pytest.raises(ConflictError):
        update_resource(resource=second, expected_version=1, title="Autre titre")
    resource.refresh_from_db()
    assert resource.title == "Titre revu"
    assert resource.version == 2
    assert [v.title for v in resource.history.order_by("history_date")] == [
        "Étude sur le commerce de proximité",
        "Titre revu",
    ]


def test_replacing_then_removing_the_file(reference_data, run_jobs):
    from pepites.resources.pdfwriter import text_pdf
    from tests.resources.helpers import upload

    resource = make_resource(external_url="https://example.org/r")
    run_jobs()
    update_resource(
        resource=resource,
        expected_version=1,
        upload=upload(text_pdf(["Nouvelle version : une recyclerie"]), "v2.pdf"),
    )
    assert resource.text_status == TextStatus.PENDING and not resource.pages.exists()
    run_jobs()
    assert pages_matching(resource_ids=[resource.pk], query="recyclerie") == {resource.pk: [1]}
    assert search_ids(query="fromagerie", kind="resource") == []  # the old text is gone
    update_resource(resource=resource, expected_version=2, remove_file=True)
    resource.refresh_from_db()
    assert not resource.file and resource.text_status == TextStatus.NO_FILE
    assert not resource.pages.exists()
    assert search_ids(query="recyclerie", kind="resource") == []
