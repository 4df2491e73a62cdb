"""A resource's file read by the job queue (tasks.extract_resource_text): its text page
by page, its page count, the preview of a PDF's first page; then the search index."""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db import transaction

from pepites.resources import indexing
from pepites.resources.extraction import extract_pages, pdf_preview
from pepites.resources.models import FileType, Resource, ResourcePage, TextStatus

logger = logging.getLogger(__name__)


def store_extraction(*, resource_id: int) -> str:
    """Read the resource's file: its text page by page, its page count, the preview of a
    PDF's first page. A PDF without a text layer (scanned) is kept, « texte non extrait »."""
    resource = Resource.objects.filter(pk=resource_id).first()
    if resource is None or not resource.file:
        return "no file"
    file_name = resource.file.name
    with resource.file.open("rb") as handle:
        data = handle.read()
    try:
        pages = extract_pages(data=data, file_type=resource.file_type)
    except Exception:
        # A file that passed the checks but that the extractor cannot read: kept, marked.
        logger.exception("Text extraction failed for resource %s", resource_id)
        pages, status = [], TextStatus.FAILED
    else:
        status = TextStatus.EXTRACTED if any(pages) else TextStatus.NOT_EXTRACTED
    preview = None
    if resource.file_type == FileType.PDF:
        try:
            preview = pdf_preview(data)
        except Exception:
            logger.exception("PDF preview failed for resource %s", resource_id)
    with transaction.atomic():
        current = Resource.objects.select_for_update().filter(pk=resource_id).first()
        if current is None or current.file.name != file_name:
            return "file changed meanwhile"  # the newer file has its own job
        current.pages.all().delete()
        ResourcePage.objects.bulk_create(
            [ResourcePage(resource=current, number=n, text=t) for n, t in enumerate(pages, 1)],
            batch_size=200,
        )
        current.page_count = len(pages)
        current.text_status = status
        fields = ["page_count", "text_status"]
        if preview is not None:
            current.preview.save(
                f"{current.slug[:60]}-apercu.jpg", ContentFile(preview), save=False
            )
            fields.append("preview")
        # Not a new version: derived data, as the initiatives' placement.
        Resource.objects.filter(pk=current.pk).update(**{f: getattr(current, f) for f in fields})
        indexing.index_resources(ids=[current.pk])
    return status
