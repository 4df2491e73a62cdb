"""`record(...)`: the one way to write the audit trail. The domains call it; this app
imports none of them. The client's address comes from the request being served (set by
`AuditAddressMiddleware`), so that services need no request."""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from pepites.audit.models import Action, AuditEntry
from pepites.core.ratelimit import client_ip

_address: ContextVar[str | None] = ContextVar("audit_address", default=None)


def record(
    *,
    action: Action | str,
    actor: Any = None,
    actor_label: str = "",
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    actor = actor if getattr(actor, "is_authenticated", False) else None
    if actor is not None and not actor_label:
        actor_label = actor.get_username()
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=actor_label[:254],
        action=action,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:300] if target is not None else "",
        ip_address=_address.get(),
        details=details or {},
    )


def purge_audit_trail(*, now=None) -> int:
    """Entries older than AUDIT_RETENTION_DAYS are deleted; returns how many."""
    limit = (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _ = AuditEntry.objects.filter(at__lt=limit).delete()
    return deleted


def valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


class AuditAddressMiddleware:
    """Keeps the client's address (as the rate limits see it) for `record`."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        token = _address.set(valid_ip(client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            _address.reset(token)
