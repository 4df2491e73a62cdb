"""Initiatives placed around the test QPV (tests/territories/qpv_samples.py), for the map's
QPV filters, the /quartiers/ index and the contributor's "pour les quartiers"."""

from __future__ import annotations

from pathlib import Path

from pepites.initiatives.models import InitiativeStatus
from pepites.initiatives.placement.services import import_qpv, set_served_qpvs
from pepites.territories.qpv_files import read_qpv_file
from tests.initiatives.helpers import new_initiative
from tests.territories.qpv_samples import SAINT_DENIS_L93, point_at, write_geojson


def import_sample_qpvs(folder: Path):
    """The five test QPV: QN09301M (Saint-Denis, with a hole), QN09302M (two communes),
    QN09303M (beside QN09301M), QN97401M and QN97101M (overseas)."""
    return import_qpv(data=read_qpv_file(write_geojson(folder / "qpv.geojson")))


def at(dx: float, dy: float) -> dict[str, float]:
    """A point in metres from the south-west corner of QN09301M (a 600 m square)."""
    lon, lat = point_at(SAINT_DENIS_L93, dx, dy, 2154)
    return {"latitude": lat, "longitude": lon}


def published(title: str, theme: str = "commerce-proximite", **fields):
    return new_initiative(
        title=title, status=InitiativeStatus.PUBLISHED, theme_slugs=[theme], **fields
    )


def place_initiatives_around_qpvs() -> dict[str, object]:
    """Published initiatives in, near and for the QPV, one elsewhere, and a draft.

    - "inside": in QN09301M;
    - "near": 150 m west of QN09301M;
    - "between": in QN09303M and 50 m from QN09301M (relation "dans", near QN09301M too);
    - "serving": in Montreuil, 8 km away ("hors"), stated as serving QN09301M and QN09302M;
    - "lyon": in Lyon, far from every QPV ("hors");
    - a draft in QN09301M, never public.
    """
    found = {
        "inside": published("Boutique à l'essai", **at(100, 100)),
        "near": published("Couveuse d'activités", theme="entrepreneuriat", **at(-150, 300)),
        "between": published("Fabrique entre deux quartiers", theme="numerique", **at(650, 300)),
        "serving": published(
            "Plateforme emploi", theme="emploi-insertion", commune_code="93048", **at(-8_000, 300)
        ),
        "lyon": published(
            "Couveuse lyonnaise", commune_code="69123", latitude=45.76, longitude=4.83
        ),
        "draft": new_initiative(title="Brouillon dans le quartier", **at(150, 150)),
    }
    set_served_qpvs(initiative=found["serving"], qpv_codes=["QN09301M", "QN09302M"])
    return found
