"""Who may do what with the agenda: the one place where it is decided.

- visitor: read published (and cancelled) events, register through the public form;
- centre member: create events for their centres; edit, publish, cancel, see the
  registrations, export them, write to the registered people and see the history of the
  events their centre organises (alone or with others);
- national team (and superusers): the same for every event, including the network's own
  (no organising centre).

Registered with `rules` too, so `user.has_perm("events.change_event", event)` agrees.
"""

from __future__ import annotations

from collections.abc import Iterable

import rules
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from pepites.core.roles import is_active, is_national_team
from pepites.events.models import Event, EventStatus
from pepites.network.models import Centre
from pepites.network.roles import centre_ids_of

User = AbstractBaseUser | AnonymousUser


def _organiser_ids(event: Event) -> set[int]:
    return {centre.pk for centre in event.centres.all()}


def can_create_event(user: User, *, centres: Iterable[Centre] = ()) -> bool:
    """For the national team, any centres or none; for a member, at least one of theirs."""
    if not is_active(user):
        return False
    if is_national_team(user):
        return True
    return bool({centre.pk for centre in centres} & centre_ids_of(user))


def can_edit_event(user: User, event: Event) -> bool:
    if not is_active(user):
        return False
    if is_national_team(user):
        return True
    return bool(_organiser_ids(event) & centre_ids_of(user))


# The same people today; named so that each view says which right it needs.
can_publish_event = can_edit_event
can_cancel_event = can_edit_event
can_view_registrations = can_edit_event
can_export_registrations = can_edit_event
can_message_registrants = can_edit_event
can_view_event_history = can_edit_event


def can_view_event(user: User, event: Event) -> bool:
    return event.status != EventStatus.DRAFT or can_edit_event(user, event)


def editable_events(user: User) -> QuerySet[Event]:
    if not is_active(user):
        return Event.objects.none()
    if is_national_team(user):
        return Event.objects.all()
    organised = Event.centres.through.objects.filter(centre_id__in=centre_ids_of(user))
    return Event.objects.filter(pk__in=organised.values("event_id"))


@rules.predicate
def _edit(user, event):
    return event is not None and can_edit_event(user, event)


@rules.predicate
def _create(user, centres):
    return can_create_event(user, centres=centres or ())


rules.add_perm("events.add_event", _create)
rules.add_perm("events.change_event", _edit)
rules.add_perm("events.view_registration", _edit)
