"""Writes of the resource library: every creation and edit goes through here, under the same
optimistic locking and history as the initiatives."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pepites.core.errors import ConflictError
from pepites.initiatives.history import record_version
from pepites.resources import indexing
from pepites.resources.files import CheckedFile, check_resource_file
from pepites.resources.models import (
    FileType,
    Resource,
    ResourceStatus,
    TextStatus,
)

EDITABLE_FIELDS = frozenset(
    {"title", "kind", "summary", "authors", "date", "external_url", "licence", "status", "is_demo"}
)
# Many-to-many relations a caller may set, by primary keys (codes for the territories).
RELATIONS = ("centres", "themes", "regions", "departements", "communes", "qpvs", "initiatives")
SLUG_MAX = 120


def _unique_slug(title: str, exclude_pk: int | None = None) -> str:
    base = slugify(title)[: SLUG_MAX - 8].strip("-") or "ressource"
    others = Resource.objects.exclude(pk=exclude_pk) if exclude_pk else Resource.objects.all()
    candidate, n = base, 1
    while others.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _validate(resource: Resource, relations: dict[str, Iterable]) -> None:
    errors: dict[str, str] = {}
    if not resource.file and not resource.external_url:
        errors["file"] = _("Joignez un fichier (PDF, ODT, DOCX) ou indiquez un lien externe.")
    if "centres" in relations and not list(relations["centres"]):
        errors["centres"] = _("Indiquez au moins un centre qui a produit cette ressource.")
    if errors:
        raise ValidationError(errors)
    resource.full_clean(exclude=["slug", "file", "preview"])


def _attach_file(resource: Resource, upload, checked: CheckedFile | None) -> None:
    checked = checked or check_resource_file(upload)
    upload.seek(0)
    extension = FileType(checked.file_type).value
    # A random part: the file of a draft is not found by guessing its address.
    name = f"{slugify(resource.title)[:60] or 'ressource'}-{secrets.token_hex(6)}.{extension}"
    resource.file.save(name, ContentFile(upload.read()), save=False)
    resource.file_type = checked.file_type
    resource.file_size = checked.size
    resource.text_status = TextStatus.PENDING
    resource.page_count = 0


def _set_relations(resource: Resource, relations: dict[str, Iterable]) -> None:
    for name in RELATIONS:
        if name in relations:
            getattr(resource, name).set(list(relations[name]))


def _after_write(resource: Resource, *, file_changed: bool) -> None:
    if file_changed:
        from pepites.resources.tasks import extract_resource_text

        # In the same transaction as the write: a rolled-back save queues nothing.
        extract_resource_text.enqueue(resource_id=resource.pk)
    indexing.index_resources(ids=[resource.pk])


@transaction.atomic
def create_resource(
    *,
    title: str,
    kind: str,
    date,
    centres: Iterable,
    upload=None,
    checked: CheckedFile | None = None,
    user: AbstractBaseUser | AnonymousUser | None = None,
    **values: Any,
) -> Resource:
    """Create a resource; its file (checked here if the form did not) is read by a job."""
    relations = {name: values.pop(name) for name in RELATIONS if name in values}
    relations["centres"] = list(centres)
    unknown = set(values) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    resource = Resource(title=" ".join(title.split()), kind=kind, date=date, **values)
    if user is not None and user.is_authenticated:
        resource.created_by_id = user.pk
    if upload is not None:
        _attach_file(resource, upload, checked)
    _validate(resource, relations)
    resource.slug = _unique_slug(resource.title)
    if resource.status == ResourceStatus.PUBLISHED:
        resource.published_at = timezone.now()
    resource.save()
    _set_relations(resource, relations)
    record_version(resource, created=True, user=user)
    _after_write(resource, file_changed=upload is not None)
    return resource


def claim_version(*, resource_pk: int, expected_version: int) -> int:
    claimed = Resource.objects.filter(pk=resource_pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not claimed:
        current = Resource.objects.filter(pk=resource_pk).values_list("version", flat=True).first()
        raise ConflictError(expected_version=expected_version, current_version=current)
    return expected_version + 1


@transaction.atomic
def update_resource(
    *,
    resource: Resource,
    expected_version: int,
    upload=None,
    checked: CheckedFile | None = None,
    remove_file: bool = False,
    user: AbstractBaseUser | AnonymousUser | None = None,
    **values: Any,
) -> Resource:
    """Change a resource read at `expected_version` (ConflictError if saved in between)."""
    relations = {name: values.pop(name) for name in RELATIONS if name in values}
    unknown = set(values) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    was_published = resource.is_published
    for name, value in values.items():
        setattr(resource, name, value)
    resource.title = " ".join(resource.title.split())
    file_changed = upload is not None or (remove_file and bool(resource.file))
    if remove_file and upload is None:
        resource.file = ""
        resource.file_type = ""
        resource.file_size = resource.page_count = 0
        resource.text_status = TextStatus.NO_FILE
        resource.preview = ""
    if upload is not None:
        _attach_file(resource, upload, checked)
    _validate(resource, relations)
    resource.version = claim_version(resource_pk=resource.pk, expected_version=expected_version)
    if resource.is_published and not was_published:
        resource.published_at = timezone.now()
    resource.save()
    _set_relations(resource, relations)
    if file_changed:
        resource.pages.all().delete()
    record_version(resource, user=user)
    # A removed file leaves nothing to extract; the index forgets its text now.
    _after_write(resource, file_changed=upload is not None)
    return resource
