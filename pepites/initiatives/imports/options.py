"""The options of an import (its own module: the rows and the importer both read them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pepites.initiatives.models import InitiativeStatus

Progress = Callable[[str, int, int], None]

STAGES = {
    "read": "Lecture du fichier",
    "check": "Vérification des lignes",
    "geocode": "Géocodage des adresses",
    "write": "Enregistrement",
}


@dataclass
class ImportOptions:
    filename: str = ""
    centre_slug: str = ""  # every row referred to this centre
    mapping: dict[str, str] | None = None  # from mapping.parse_explicit_mapping
    default_theme: str = ""  # slug, for the rows without a theme
    status: str = InitiativeStatus.DRAFT  # of the created rows, without an "état" column
    sheet: str = ""
    geocode: bool = True
    skip_invalid: bool = False
    # Rows whose commune the address service could not find from their point (service
    # unreachable) are kept and placed later by a job, instead of being errors.
    place_later: bool = False
    dry_run: bool = False
    user: Any = None  # when given, every row is checked against this account's rights
    progress: Progress | None = None
    geocoder: Any = None  # a BanGeocoder; by default one configured from the settings
