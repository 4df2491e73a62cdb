"""Writes on events: create and edit (optimistic locking, history), publish, cancel, attach
a replay, a report or a resource. Each function owns its transaction; the geocoder is asked
before it opens."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pepites.core.dataversion import bump
from pepites.core.errors import ConflictError
from pepites.core.richtext import clean_markdown
from pepites.core.validators import validate_no_bidi_controls
from pepites.events.models import (
    AttachmentKind,
    Event,
    EventAttachment,
    EventKind,
    EventStatus,
    RegistrationMode,
)
from pepites.events.places import Place, locate
from pepites.events.registrations import fill_seats, notify_cancellation
from pepites.events.search_documents import index_events
from pepites.events.timezones import DEFAULT_TIME_ZONE, TIME_ZONES, NonexistentLocalTime, to_utc
from pepites.initiatives.history import record_version
from pepites.initiatives.models import Initiative, InitiativeStatus, Theme
from pepites.network.models import Centre

RESERVED_SLUGS = frozenset({"passes", "inscription", "flux"})
User = AbstractBaseUser | AnonymousUser


def _author(user: User | None) -> AbstractBaseUser | None:
    """Who the history names: a signed-in account, else nobody."""
    return user if isinstance(user, AbstractBaseUser) else None


@dataclass
class EventInput:
    """What an organiser types; times are local to the event's place (naive)."""

    title: str
    kind: str
    summary: str
    starts_local: datetime
    ends_local: datetime
    description: str = ""
    time_zone: str = ""  # empty: the zone of the place's département
    is_online: bool = False
    online_url: str = ""
    venue: str = ""
    address: str = ""
    commune_code: str = ""
    centre_ids: list[int] = field(default_factory=list)
    theme_slugs: list[str] = field(default_factory=list)
    initiative_ids: list[int] = field(default_factory=list)
    audience: str = ""
    capacity: int | None = None
    registration_mode: str = RegistrationMode.BUILT_IN
    registration_url: str = ""
    status: str = EventStatus.DRAFT
    is_demo: bool = False


def _text(value: str, name: str, limit: int, errors: dict, *, required: bool = False) -> str:
    text = " ".join((value or "").split())
    try:
        validate_no_bidi_controls(text)
    except ValidationError as exc:
        errors[name] = exc.messages
    if required and not text:
        errors[name] = [_("Ce champ est obligatoire.")]
    elif len(text) > limit:
        errors[name] = [
            _("%(limit)s caractères au plus (%(length)s saisis).")
            % {"limit": limit, "length": len(text)}
        ]
    return text


def _url(value: str, name: str, errors: dict) -> str:
    value = (value or "").strip()
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            errors[name] = [_("Saisissez une adresse web complète, ex. https://exemple.fr.")]
    return value


def _clean(
    data: EventInput, *, place_changed: bool, kept_zone: str = DEFAULT_TIME_ZONE
) -> tuple[dict, Place | None, list, list]:
    """The model's fields from the input, checked field by field (ValidationError by field),
    times included: in the zone chosen, else the place's (`kept_zone` if it did not move)."""
    errors: dict[str, list[str]] = {}
    values = {
        "title": _text(data.title, "title", 200, errors, required=True),
        "summary": _text(data.summary, "summary", 600, errors, required=True),
        "description": clean_markdown(data.description or "")[:20000],
        "venue": _text(data.venue, "venue", 200, errors),
        "address": _text(data.address, "address", 300, errors),
        "audience": _text(data.audience, "audience", 300, errors),
        "online_url": _url(data.online_url, "online_url", errors),
        "registration_url": _url(data.registration_url, "registration_url", errors),
        "is_online": bool(data.is_online),
        "capacity": data.capacity,
        "is_demo": bool(data.is_demo),
    }
    if data.kind not in EventKind.values:
        errors["kind"] = [_("Choisissez le type d'événement.")]
    values["kind"] = data.kind
    if data.registration_mode not in RegistrationMode.values:
        errors["registration_mode"] = [_("Choisissez comment s'inscrire.")]
    values["registration_mode"] = data.registration_mode
    if data.registration_mode == RegistrationMode.EXTERNAL and not values["registration_url"]:
        errors["registration_url"] = [_("Indiquez l'adresse de la page d'inscription.")]
    if values["online_url"] and data.registration_mode != RegistrationMode.BUILT_IN:
        errors["online_url"] = [
            _(
                "Le lien de connexion n'est donné qu'aux personnes inscrites sur Pépites : "
                "choisissez l'inscription sur Pépites, ou laissez ce champ vide."
            )
        ]
    if data.capacity is not None and data.capacity < 1:
        errors["capacity"] = [_("Au moins une place, ou laissez vide pour ne pas limiter.")]
    if data.status not in EventStatus.values:
        errors["status"] = [_("État inconnu.")]
    values["status"] = data.status
    place = None
    has_place = bool(values["address"] or data.commune_code)
    if not values["is_online"] and not has_place:
        errors["address"] = [_("Indiquez l'adresse du lieu, ou cochez « en ligne ».")]
    elif has_place and place_changed and not errors:
        try:
            place = locate(address=str(values["address"]), commune_code=data.commune_code)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    themes = list(Theme.objects.filter(slug__in=data.theme_slugs))
    if len(themes) != len(set(data.theme_slugs)):
        errors["theme_slugs"] = [_("Une des thématiques choisies n'existe pas.")]
    initiatives = list(
        Initiative.objects.filter(pk__in=data.initiative_ids, status=InitiativeStatus.PUBLISHED)
    )
    if len(initiatives) != len(set(data.initiative_ids)):
        errors["initiative_ids"] = [_("Seules des initiatives publiées peuvent être liées.")]
    if data.time_zone and data.time_zone not in TIME_ZONES:
        errors["time_zone"] = [_("Choisissez un fuseau horaire de la liste.")]
    zone = data.time_zone if data.time_zone in TIME_ZONES else ""
    if not zone:
        zone = place.time_zone if place else (kept_zone if has_place else DEFAULT_TIME_ZONE)
    try:
        values.update(_times(data, zone))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    values["time_zone"] = zone
    values["time_zone_chosen"] = bool(data.time_zone)
    if errors:
        raise ValidationError(errors)
    return values, place, themes, initiatives


def _times(data: EventInput, zone: str) -> dict:
    errors = {}
    try:
        starts = to_utc(data.starts_local, zone)
    except NonexistentLocalTime:
        errors["starts_local"] = [
            _("Cette heure n'existe pas ce jour-là (passage à l'heure d'été).")
        ]
    try:
        ends = to_utc(data.ends_local, zone)
    except NonexistentLocalTime:
        errors["ends_local"] = [_("Cette heure n'existe pas ce jour-là (passage à l'heure d'été).")]
    if not errors and ends <= starts:
        errors["ends_local"] = [_("La fin doit venir après le début.")]
    if errors:
        raise ValidationError(errors)
    return {"starts_at": starts, "ends_at": ends}


def _apply_place(event: Event, place: Place | None, *, keep: bool) -> None:
    if keep:
        return
    commune = place.commune if place else None
    event.commune = commune
    event.departement_id = commune.departement_id if commune else None
    event.region_id = commune.region_id if commune else None
    event.latitude = place.latitude if place else None
    event.longitude = place.longitude if place else None
    event.location_status = place.location_status if place else ""


def _unique_slug(title: str, starts_local: datetime) -> str:
    base = slugify(f"{title} {starts_local:%Y-%m-%d}")[:100].strip("-") or "evenement"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Event.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _set_relations(event: Event, centres, themes, initiatives) -> None:
    event.centres.set(centres)
    event.themes.set(themes)
    event.initiatives.set(initiatives)


def create_event(*, data: EventInput, user: User | None = None) -> Event:
    values, place, themes, initiatives = _clean(data, place_changed=True)
    centres = list(Centre.objects.filter(pk__in=data.centre_ids))
    event = Event(**values)
    _apply_place(event, place, keep=False)
    if event.status == EventStatus.PUBLISHED:
        event.published_at = timezone.now()
    with transaction.atomic():
        bump()  # the agenda, home and centre pages show events
        event.slug = _unique_slug(event.title, data.starts_local)
        event.full_clean(exclude=["slug", "centres", "themes", "initiatives"])
        event.save()
        _set_relations(event, centres, themes, initiatives)
        record_version(event, created=True, user=_author(user))
        index_events(ids=[event.pk])  # the search index follows every save
    return event


def claim_version(*, event_pk: int, expected_version: int) -> int:
    """Move the version forward if nobody saved since `expected_version` was read."""
    claimed = Event.objects.filter(pk=event_pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not claimed:
        current = Event.objects.filter(pk=event_pk).values_list("version", flat=True).first()
        raise ConflictError(expected_version=expected_version, current_version=current)
    return expected_version + 1


def update_event(
    *,
    event: Event,
    data: EventInput,
    expected_version: int,
    user: User | None = None,
    reason: str = "",
) -> Event:
    """Save an event read at `expected_version`: ConflictError if someone saved in between,
    ValidationError (by field) on bad input; nothing is written then."""
    same_place = (
        " ".join(data.address.split()) == event.address
        and data.commune_code.upper() == (event.commune_id or "")
        and event.commune_id is not None
    )
    values, place, themes, initiatives = _clean(
        data, place_changed=not same_place, kept_zone=Place(commune=event.commune).time_zone
    )
    before_status = event.status
    centres = list(Centre.objects.filter(pk__in=data.centre_ids))
    for name, value in values.items():
        setattr(event, name, value)
    has_place = bool(values["address"] or data.commune_code)
    _apply_place(event, place, keep=same_place and has_place)
    if not has_place:
        _apply_place(event, None, keep=False)
    if event.status == EventStatus.PUBLISHED and event.published_at is None:
        event.published_at = timezone.now()
    event.full_clean(exclude=["slug", "centres", "themes", "initiatives"])
    with transaction.atomic():
        bump()  # the agenda, home and centre pages show events
        event.version = claim_version(event_pk=event.pk, expected_version=expected_version)
        event.save()
        _set_relations(event, centres, themes, initiatives)
        record_version(event, user=_author(user), reason=reason)
        index_events(ids=[event.pk])
        fill_seats(event=event)
        if event.status == EventStatus.CANCELLED and before_status != EventStatus.CANCELLED:
            notify_cancellation(event=event)
    return event


def set_event_status(
    *, event: Event, status: str, expected_version: int, user: User | None = None
) -> Event:
    """Publish, put back as draft or cancel in one click (the registered people are told
    of a cancellation)."""
    if status not in EventStatus.values:
        raise ValidationError({"status": _("État inconnu.")})
    before = event.status
    with transaction.atomic():
        bump()  # the agenda, home and centre pages show events
        event.version = claim_version(event_pk=event.pk, expected_version=expected_version)
        event.status = status
        if status == EventStatus.PUBLISHED and event.published_at is None:
            event.published_at = timezone.now()
        event.save()
        record_version(event, user=_author(user), reason=str(EventStatus(status).label))
        index_events(ids=[event.pk])
        if status == EventStatus.CANCELLED and before != EventStatus.CANCELLED:
            notify_cancellation(event=event)
    return event


def add_attachment(
    *, event: Event, kind: str, title: str, url: str = "", resource_id: int | None = None
) -> EventAttachment:
    errors: dict[str, list[str]] = {}
    title = _text(title, "title", 200, errors, required=True)
    url = _url(url, "url", errors)
    if kind not in AttachmentKind.values:
        errors["kind"] = [_("Choisissez la nature de la pièce.")]
    if not url and resource_id is None:
        errors["url"] = [_("Indiquez l'adresse, ou le numéro de la ressource de la bibliothèque.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        bump()  # the agenda, home and centre pages show events
        position = event.attachments.count()
        return EventAttachment.objects.create(
            event=event, kind=kind, title=title, url=url, resource_id=resource_id, position=position
        )


def remove_attachment(*, attachment: EventAttachment) -> None:
    attachment.delete()
