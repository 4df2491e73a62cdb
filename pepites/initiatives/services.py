"""Writes of the initiatives domain: every creation and edit goes through here."""

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pepites.audit.models import Action
from pepites.audit.services import record
from pepites.core.dataversion import changes_public_data
from pepites.core.errors import ConflictError
from pepites.core.richtext import clean_markdown
from pepites.core.validators import validate_commune_code
from pepites.initiatives import mapstore
from pepites.initiatives.field_groups import (
    CONTRIBUTOR_FIELDS,
    RICH_TEXT_FIELDS,
)
from pepites.initiatives.history import record_version
from pepites.initiatives.models import (
    Initiative,
    InitiativeLink,
    InitiativeStatus,
    LocationStatus,
    Theme,
)
from pepites.initiatives.placement.services import place_initiative
from pepites.initiatives.porteurs import link_porteurs
from pepites.initiatives.search_documents import index_initiatives
from pepites.network.models import Centre
from pepites.network.selectors import centre_for_commune
from pepites.territories.models import Commune

THEMES_FILE = Path(__file__).resolve().parent / "data" / "themes.json"

# Plain fields a caller may set directly; relations go through dedicated arguments.
EDITABLE_FIELDS = frozenset(
    {
        *CONTRIBUTOR_FIELDS,
        "status",
        "is_demo",
        "last_checked_at",
        "source_ref",  # set by the file import
    }
)
SLUG_MAX_LENGTH = 120
# What a restore brings back: the content, not the state (publishing and archiving are
# decisions of their own) nor the referent centre.
RESTORED_FIELDS = EDITABLE_FIELDS - {"status", "is_demo", "last_checked_at"}


# The rules every way in (workspace form, admin, API, file import) enforces through the
# functions below, with these messages.
PRINCIPAL_THEME_OUTSIDE = gettext_lazy(
    "La thématique principale doit faire partie des thématiques choisies."
)
CONTACT_WITHOUT_CONSENT = gettext_lazy(
    "Un contact ne peut être enregistré qu'avec le consentement de la personne à sa publication."
)


def check_principal_theme(*, principal_theme: str | None, themes: Iterable[str]) -> None:
    """The principal theme is one of the initiative's themes (never added behind the
    caller's back). Slugs or Theme objects alike."""
    if principal_theme and principal_theme not in list(themes):
        raise ValidationError({"principal_theme": str(PRINCIPAL_THEME_OUTSIDE)})


def check_contact_consent(
    *, contact_name: str = "", contact_email: str = "", contact_phone: str = "", consent: bool
) -> None:
    """A contact (name, e-mail or phone) is kept only with the person's consent to publish it."""
    if (contact_name or contact_email or contact_phone) and not consent:
        raise ValidationError({"contact_consent": str(CONTACT_WITHOUT_CONSENT)})


@dataclass(frozen=True)
class ThemesLoadReport:
    created: int
    existing: int


@transaction.atomic
@changes_public_data
def load_default_themes(*, path: Path = THEMES_FILE) -> ThemesLoadReport:
    """Create the starting themes that do not exist yet; never overwrite an edited theme."""
    created = existing = 0
    for position, item in enumerate(json.loads(path.read_text(encoding="utf-8")), start=1):
        _theme, was_created = Theme.objects.get_or_create(
            slug=item["slug"],
            defaults={
                "label": item["label"],
                "description": item["description"],
                "colour": item["colour"],
                "icon": item["icon"],
                "in_publication": item["in_publication"],
                "position": position,
            },
        )
        created += was_created
        existing += not was_created
    return ThemesLoadReport(created=created, existing=existing)


def _slug_base(title: str) -> str:
    return slugify(title)[: SLUG_MAX_LENGTH - 8].strip("-") or "initiative"


def unique_slug(*, title: str, exclude_pk: int | None = None) -> str:
    base = _slug_base(title)
    candidate, n = base, 1
    others = Initiative.objects.exclude(pk=exclude_pk) if exclude_pk else Initiative.objects.all()
    # One query for the slugs in use, not one per numbered candidate.
    taken = set(others.filter(slug__startswith=base).values_list("slug", flat=True))
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def unique_slugs(*, titles: list[str]) -> list[str]:
    """The slugs `unique_slug` would give these titles created one after the other, in a
    few queries: one per 500 titles, plus one per title whose slug is taken already (in
    the database or by an earlier title of the list)."""
    bases = [_slug_base(title) for title in titles]
    distinct = sorted(set(bases))
    existing: set[str] = set()
    for start in range(0, len(distinct), 500):
        chunk = distinct[start : start + 500]
        existing |= set(Initiative.objects.filter(slug__in=chunk).values_list("slug", flat=True))
    given: set[str] = set()
    taken_by_base: dict[str, set[str]] = {}
    slugs = []
    for base in bases:
        candidate, n = base, 1
        if base in existing or base in given:
            if base not in taken_by_base:
                taken_by_base[base] = set(
                    Initiative.objects.filter(slug__startswith=base).values_list("slug", flat=True)
                )
            while candidate in taken_by_base[base] or candidate in given:
                n += 1
                candidate = f"{base}-{n}"
        given.add(candidate)
        slugs.append(candidate)
    return slugs


def location_status_after_edit(
    *, initiative: Initiative | None, latitude: float | None, longitude: float | None, stated: str
) -> str:
    """How the point an editor sends was obtained: what the form's script states (the
    geocoder's status, or "manual"); without it, the stored status while the point stays
    where it was, and "placée à la main" once it moved: a point typed or dragged is a
    person's decision, not the geocoder's."""
    if latitude is None or longitude is None:
        return LocationStatus.UNKNOWN
    if stated:
        return stated
    if initiative is not None and initiative.latitude is not None:
        # The script rewrites the coordinates with 6 decimals: a micro-degree is no move.
        unmoved = math.isclose(latitude, initiative.latitude, abs_tol=1e-6) and math.isclose(
            longitude, cast(float, initiative.longitude), abs_tol=1e-6
        )
        if unmoved:
            return initiative.location_status
    return LocationStatus.MANUAL


SLUG_ATTEMPTS = 5


def _insert_with_free_slug(initiative: Initiative) -> None:
    """Insert a new initiative under the slug chosen for it, or the next free one when
    another initiative of the same title was inserted meanwhile (on PostgreSQL two
    transactions can choose the same slug; SQLite's immediate transactions cannot)."""
    for attempt in range(SLUG_ATTEMPTS):
        try:
            with transaction.atomic():
                initiative.save()
            return
        except IntegrityError:
            taken = Initiative.objects.filter(slug=initiative.slug).exists()
            if not taken or attempt == SLUG_ATTEMPTS - 1:
                raise
            initiative.slug = unique_slug(title=initiative.title)


def _resolve_commune(code: str) -> Commune:
    try:
        validate_commune_code(code)
    except ValidationError as exc:  # name the field, like every other input error
        raise ValidationError({"commune": exc.error_list}) from exc
    commune = Commune.objects.filter(code=code).first()
    if commune is None:
        raise ValidationError(
            {
                "commune": _("La commune %(code)s est inconnue du Code officiel géographique.")
                % {"code": code}
            }
        )
    return commune


def _resolve_themes(
    theme_slugs: Iterable[str], principal_theme_slug: str | None
) -> tuple[list[Theme], Theme]:
    slugs = list(dict.fromkeys(theme_slugs))
    if not slugs:
        raise ValidationError({"themes": _("Choisissez au moins une thématique.")})
    named = [*slugs, principal_theme_slug] if principal_theme_slug else slugs
    themes = {t.slug: t for t in Theme.objects.filter(slug__in=named)}
    unknown = list(dict.fromkeys(s for s in named if s not in themes))
    if unknown:
        raise ValidationError(
            {"themes": _("Thématique inconnue : %(slugs)s.") % {"slugs": ", ".join(unknown)}}
        )
    check_principal_theme(principal_theme=principal_theme_slug, themes=slugs)
    principal = themes[principal_theme_slug or slugs[0]]
    return [themes[s] for s in slugs], principal


def _resolve_centre(centre_slug: str | None, commune: Commune) -> Centre | None:
    if centre_slug is None:
        return centre_for_commune(commune_code=commune.code)
    if centre_slug == "":
        return None
    centre = Centre.objects.filter(slug=centre_slug).first()
    if centre is None:
        raise ValidationError({"centre": _("Centre « %(slug)s » inconnu.") % {"slug": centre_slug}})
    return centre


def _apply_fields(initiative: Initiative, fields: dict[str, Any]) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Unknown initiative fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(initiative, name, value)


def _stamp_publication(initiative: Initiative) -> None:
    if initiative.status == InitiativeStatus.PUBLISHED and initiative.published_at is None:
        initiative.published_at = timezone.now()


@transaction.atomic
@changes_public_data
def create_initiative(
    *,
    title: str,
    summary: str,
    porteur_name: str,
    commune_code: str,
    theme_slugs: Iterable[str],
    principal_theme_slug: str | None = None,
    centre_slug: str | None = None,
    links: Iterable[tuple[str, str]] = (),
    history_user: AbstractBaseUser | None = None,
    history_reason: str = "",
    **fields: Any,
) -> Initiative:
    """Validate and save a new initiative; raise ValidationError (nothing saved) on bad input.

    Without `centre_slug` the initiative is referred to the centre covering its commune.
    """
    commune = _resolve_commune(commune_code)
    themes, principal = _resolve_themes(theme_slugs, principal_theme_slug)
    initiative = Initiative(
        title=title,
        summary=summary,
        porteur_name=porteur_name,
        commune=commune,
        principal_theme=principal,
        centre=_resolve_centre(centre_slug, commune),
    )
    _apply_fields(initiative, fields)
    save_initiative(initiative=initiative, record=False)
    initiative.themes.set(themes)
    for position, (url, label) in enumerate(links):
        link = InitiativeLink(initiative=initiative, url=url, label=label, position=position)
        link.full_clean(exclude=["initiative"])
        link.save()
    record_version(initiative, created=True, user=history_user, reason=history_reason)
    if initiative.status == InitiativeStatus.PUBLISHED and history_user is not None:
        record(action=Action.PUBLISH, actor=history_user, target=initiative)
    return initiative


def claim_version(*, initiative_pk: int, expected_version: int) -> int:
    """Atomically move the version forward if nobody saved since `expected_version` was read.

    Must run inside a transaction: the UPDATE takes the row's write lock, so of two
    concurrent saves from the same version exactly one wins and the other gets a conflict.
    """
    claimed = Initiative.objects.filter(pk=initiative_pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not claimed:
        current = (
            Initiative.objects.filter(pk=initiative_pk).values_list("version", flat=True).first()
        )
        raise ConflictError(expected_version=expected_version, current_version=current)
    return expected_version + 1


def _validate(initiative: Initiative) -> None:
    """The model's checks and the services' rules, reported together."""
    errors: dict = {}
    for check in (
        initiative.full_clean,
        lambda: check_contact_consent(
            contact_name=initiative.contact_name,
            contact_email=initiative.contact_email,
            contact_phone=initiative.contact_phone,
            consent=initiative.contact_consent,
        ),
    ):
        try:
            check()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
@changes_public_data
def save_initiative(
    *,
    initiative: Initiative,
    expected_version: int | None = None,
    record: bool = True,
    history_user: AbstractBaseUser | None = None,
    history_reason: str = "",
    refresh_derived: bool = True,
) -> Initiative:
    """Validate and save an instance built or edited by a form, the admin or a service.

    A new initiative gets its slug; an existing one is saved under optimistic locking:
    `expected_version` is the version the editor read. `record=False` when the caller
    changes the themes afterwards and records the version itself (`record_version`).
    `refresh_derived=False` when the caller places the initiative against the QPV, indexes
    it for search and marks the map's data changed itself, once for many (the file import).
    """
    created = initiative.pk is None
    for name in RICH_TEXT_FIELDS:
        setattr(initiative, name, clean_markdown(getattr(initiative, name)))
    chosen_slug = initiative.pk is None and not initiative.slug
    if initiative.pk is None:
        initiative.slug = initiative.slug or unique_slug(title=initiative.title)
    elif expected_version is None:
        raise TypeError("expected_version is required to save an existing initiative")
    _stamp_publication(initiative)
    _validate(initiative)
    if initiative.pk is not None:
        # Claimed once the input is valid: a ValidationError leaves the version as it was read.
        initiative.version = claim_version(
            initiative_pk=initiative.pk, expected_version=expected_version
        )
    if chosen_slug:
        _insert_with_free_slug(initiative)
    else:
        initiative.save()
    if record:
        record_version(initiative, created=created, user=history_user, reason=history_reason)
    if not refresh_derived:
        return initiative
    # Every save re-places the point against the QPV (created, moved, or saved from an
    # instance read before a QPV import): only what changed is written.
    place_initiative(initiative=initiative)
    link_porteurs(initiative_ids=[initiative.pk])  # its porteur as an organisation
    initiative.organisation_id = (
        Initiative.objects.filter(pk=initiative.pk).values_list("organisation_id", flat=True).get()
    )
    index_initiatives(ids=[initiative.pk])  # the search index follows every save
    mapstore.data_changed()  # one build of the map data is queued
    return initiative


@transaction.atomic
@changes_public_data
def update_initiative(
    *,
    initiative: Initiative,
    expected_version: int,
    commune_code: str | None = None,
    theme_slugs: Iterable[str] | None = None,
    principal_theme_slug: str | None = None,
    history_user: AbstractBaseUser | None = None,
    history_reason: str = "",
    refresh_derived: bool = True,
    **fields: Any,
) -> Initiative:
    """Change some fields of an initiative read at `expected_version`.

    Raises ConflictError if someone saved it in between, ValidationError on bad input;
    in both cases nothing is written. `refresh_derived`: see `save_initiative`.
    """
    status_before = initiative.status
    if commune_code is not None:
        initiative.commune = _resolve_commune(commune_code)
    _apply_fields(initiative, fields)
    if initiative.title and "title" in fields and not initiative.slug:
        initiative.slug = unique_slug(title=initiative.title, exclude_pk=initiative.pk)
    themes = None
    if theme_slugs is not None or principal_theme_slug is not None:
        current = list(initiative.themes.values_list("slug", flat=True))
        slugs = list(theme_slugs) if theme_slugs is not None else current
        if principal_theme_slug is None and initiative.principal_theme.slug in slugs:
            principal_theme_slug = initiative.principal_theme.slug  # kept while among the themes
        themes, initiative.principal_theme = _resolve_themes(slugs, principal_theme_slug)
    save_initiative(
        initiative=initiative,
        expected_version=expected_version,
        record=False,
        refresh_derived=refresh_derived,
    )
    if themes is not None:
        initiative.themes.set(themes)
    record_version(initiative, user=history_user, reason=history_reason)
    _audit_status(initiative, before=status_before, user=history_user)
    return initiative


def _audit_status(initiative: Initiative, *, before: str, user) -> None:
    """Publication, unpublication and archiving go to the audit trail."""
    after = initiative.status
    if after == before:
        return
    if after == InitiativeStatus.PUBLISHED:
        action = Action.PUBLISH
    elif after == InitiativeStatus.ARCHIVED:
        action = Action.ARCHIVE
    elif before == InitiativeStatus.PUBLISHED:
        action = Action.UNPUBLISH
    else:
        return
    record(action=action, actor=user, target=initiative, details={"avant": before})


@transaction.atomic
@changes_public_data
def restore_initiative_version(
    *,
    initiative: Initiative,
    history_id: int,
    user: AbstractBaseUser | None,
    expected_version: int,
) -> Initiative:
    """Bring back the content of an earlier version (text, place, themes) as a new version.

    Under the same optimistic locking as any edit: ConflictError if someone saved since
    `expected_version` was read. The state (published, archived…) stays as it is.
    """
    version = initiative.history.filter(history_id=history_id).first()
    if version is None:
        raise ValidationError(
            {"history_id": _("Cette version n'existe pas dans l'historique de cette initiative.")}
        )
    for name in RESTORED_FIELDS:
        setattr(initiative, name, getattr(version, name))
    initiative.commune_id = version.commune_id
    initiative.principal_theme_id = version.principal_theme_id
    theme_ids = set(version.themes.values_list("theme_id", flat=True))
    themes = list(Theme.objects.filter(pk__in=theme_ids | {version.principal_theme_id}))
    save_initiative(initiative=initiative, expected_version=expected_version, record=False)
    initiative.themes.set(themes)
    record_version(
        initiative,
        user=user,
        reason=_("Restauration de la version %(version)s") % {"version": version.version},
    )
    record(
        action=Action.RESTORE,
        actor=user,
        target=initiative,
        details={"version": version.version},
    )
    return initiative
