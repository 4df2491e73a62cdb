"""Demonstration events of the agenda: fictional, saved with `is_demo=True` and shown as
« Exemple de démonstration » on every page and in the iCalendar files. Their dates are
relative to today, so the agenda always has upcoming and past events; the past ones carry a
(fictional) replay and report. Places are given by commune only: no geocoder is asked."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from pepites.events.models import Event
from pepites.events.services import EventInput, add_attachment, create_event
from pepites.events.timezones import in_zone, zone_for_departement
from pepites.initiatives.models import Initiative, InitiativeStatus
from pepites.network.models import Centre

NOTE = " (Événement fictif : exemple de démonstration.)"

# (days from today, local hour, duration in hours, fields)
DEMO_EVENTS: list[tuple[int, int, float, dict[str, Any]]] = [
    (
        9,
        9,
        7,
        {
            "title": "Rencontre régionale : l'emploi des jeunes des quartiers",
            "kind": "rencontre",
            "summary": "Une journée d'échanges entre collectivités, missions locales et "
            "entreprises sur ce qui marche pour l'emploi des jeunes." + NOTE,
            "description": "**Matin** : trois initiatives présentées par leurs porteurs.\n\n"
            "**Après-midi** : ateliers en petits groupes.",
            "venue": "Maison de l'emploi (exemple)",
            "commune_code": "93066",
            "centres": ["profession-banlieue"],
            "themes": ["emploi-insertion"],
            "audience": "Professionnels de la politique de la ville, élus",
            "capacity": 60,
        },
    ),
    (
        16,
        14,
        1.5,
        {
            "title": "Webinaire : financer un commerce de proximité en quartier prioritaire",
            "kind": "webinaire",
            "summary": "Une heure et demie pour connaître les aides et les montages qui "
            "ont permis d'ouvrir des commerces dans les quartiers." + NOTE,
            "is_online": True,
            "online_url": "https://visio.example.org/demo-commerce",
            "centres": ["labo-cites", "irev"],
            "themes": ["commerce-proximite"],
            "audience": "Chargés de mission, développeurs économiques",
            "capacity": 3,
        },
    ),
    (
        23,
        9,
        3.5,
        {
            "title": "Visite apprenante d'une couveuse d'entreprises à Saint-Denis de La Réunion",
            "kind": "visite",
            "summary": "Une matinée sur place pour voir comment la couveuse accompagne les "
            "créateurs du quartier (heure de La Réunion)." + NOTE,
            "venue": "Couveuse du quartier (exemple)",
            "commune_code": "97411",
            "themes": ["entrepreneuriat"],
            "audience": "Porteurs de projet, collectivités",
            "capacity": 15,
            "initiative_theme": "entrepreneuriat",
        },
    ),
    (
        40,
        9,
        31,
        {
            "title": "Cycle de qualification : l'économie sociale et solidaire dans les quartiers",
            "kind": "formation",
            "summary": "Deux journées de formation pour les professionnels qui accompagnent "
            "les projets d'économie sociale et solidaire." + NOTE,
            "venue": "Centre de ressources (exemple)",
            "commune_code": "97302",
            "centres": ["crpv-guyane"],
            "themes": ["ess", "formation-qualification"],
            "registration_mode": "externe",
            "registration_url": "https://inscriptions.example.org/demo-ess",
        },
    ),
    (
        -30,
        9,
        7,
        {
            "title": "Rencontre : l'immobilier d'entreprise au pied des immeubles",
            "kind": "rencontre",
            "summary": "Bailleurs, collectivités et entrepreneurs ont partagé leurs "
            "expériences de locaux d'activité en pied d'immeuble." + NOTE,
            "venue": "Hôtel d'entreprises (exemple)",
            "commune_code": "69123",
            "centres": ["labo-cites"],
            "themes": ["immobilier-entreprise"],
            "capacity": 80,
            "after": [
                ("replay", "Replay de la table ronde (exemple)", "https://video.example.org/demo"),
                (
                    "compte_rendu",
                    "Compte rendu de la rencontre (exemple)",
                    "https://ressources.example.org/demo-compte-rendu.pdf",
                ),
            ],
        },
    ),
    (
        -60,
        10,
        1,
        {
            "title": "Webinaire : le numérique pour l'emploi dans les quartiers",
            "kind": "webinaire",
            "summary": "Des initiatives d'inclusion numérique présentées par leurs porteurs."
            + NOTE,
            "is_online": True,
            "themes": ["numerique"],
            "registration_mode": "libre",
            "after": [
                ("replay", "Replay du webinaire (exemple)", "https://video.example.org/demo-2"),
            ],
        },
    ),
]


def _local(days: int, hour: int, zone: str) -> datetime:
    moment = in_zone(timezone.now() + timedelta(days=days), zone)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0, tzinfo=None)


def _zone(fields: dict) -> str:
    code = fields.get("commune_code", "")
    return zone_for_departement(code[:3] if code.startswith("97") else code[:2])


def load_demo_events() -> int:
    """Create the demonstration events not present yet (by title); return how many."""
    existing = set(Event.objects.filter(is_demo=True).values_list("title", flat=True))
    created = 0
    for days, hour, hours, fields in DEMO_EVENTS:
        if fields["title"] in existing:
            continue
        fields = dict(fields)
        after = fields.pop("after", [])
        centres = fields.pop("centres", [])
        theme_slug = fields.pop("initiative_theme", "")
        starts = _local(days, hour, _zone(fields))
        initiatives = (
            list(
                Initiative.objects.filter(
                    is_demo=True, status=InitiativeStatus.PUBLISHED, themes__slug=theme_slug
                ).values_list("pk", flat=True)[:2]
            )
            if theme_slug
            else []
        )
        data = EventInput(
            starts_local=starts,
            ends_local=starts + timedelta(hours=hours),
            centre_ids=list(Centre.objects.filter(slug__in=centres).values_list("pk", flat=True)),
            theme_slugs=fields.pop("themes", []),
            initiative_ids=initiatives,
            status="publie",
            is_demo=True,
            **fields,
        )
        with transaction.atomic():
            event = create_event(data=data)
            for kind, title, url in after:
                add_attachment(event=event, kind=kind, title=title, url=url)
        created += 1
    return created
