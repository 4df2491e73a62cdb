"""Attachments of an event as the pages show them. A resource of the library is kept by its
id (the agenda and the library are sibling apps that do not import each other); it is read
here, in the web layer, through Django's app registry when the library is installed."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps

from pepites.events.models import EventAttachment

RESOURCE_APP = "resources"
RESOURCE_MODEL = "Resource"


@dataclass(frozen=True)
class ShownAttachment:
    pk: int
    kind: str
    kind_label: str
    title: str
    url: str


def _resources(ids: set[int]) -> dict[int, object]:
    if not ids or not apps.is_installed("pepites.resources"):
        return {}
    model = apps.get_model(RESOURCE_APP, RESOURCE_MODEL)
    return {obj.pk: obj for obj in model.objects.filter(pk__in=ids)}


def shown(attachments: list[EventAttachment]) -> list[ShownAttachment]:
    resources = _resources({a.resource_id for a in attachments if a.resource_id})
    result = []
    for attachment in attachments:
        url = attachment.url
        resource = resources.get(attachment.resource_id) if attachment.resource_id else None
        published = getattr(resource, "is_published", True)
        if resource is not None and published and hasattr(resource, "get_absolute_url"):
            url = resource.get_absolute_url()
        result.append(
            ShownAttachment(
                pk=attachment.pk,
                kind=attachment.kind,
                kind_label=str(attachment.get_kind_display()),
                title=attachment.title,
                url=url,
            )
        )
    return result
