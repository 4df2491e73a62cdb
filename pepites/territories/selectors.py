"""Reads of the territories domain."""

import functools
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.utils.translation import gettext as _

from pepites.territories.models import (
    QPV_CODE_PATTERN,
    Commune,
    Departement,
    Qpv,
    QpvGeneration,
    Region,
)


def get_commune(*, code: str) -> Commune | None:
    return Commune.objects.select_related("departement", "region").filter(code=code).first()


def communes_for_postal_code(*, postal_code: str) -> QuerySet[Commune]:
    return Commune.objects.filter(postal_code_set__code=postal_code).order_by("name").distinct()


def list_regions() -> QuerySet[Region]:
    return Region.objects.all()


def list_departements() -> QuerySet[Departement]:
    return Departement.objects.select_related("region")


def region_choices() -> list[tuple[str, str]]:
    regions = Region.objects.order_by("name").values_list("code", "name")
    return [("", _("Toutes les régions")), *regions]


def departement_choices() -> list[tuple[str, str]]:
    return [("", _("Tous les départements"))] + [
        (code, f"{code} – {name}")
        for code, name in Departement.objects.order_by("code").values_list("code", "name")
    ]


# --- QPV ----------------------------------------------------------------------------------


def current_qpv_generation() -> str | None:
    """The most recent official list stored, else the demonstration outlines (the two are
    never stored together; official first all the same)."""
    return (
        Qpv.objects.order_by("is_demo", "-generation").values_list("generation", flat=True).first()
    )


def qpv_list_is_demo() -> bool:
    """True when the QPV in use are the demonstration outlines (no official list stored)."""
    return current_qpv_generation() == QpvGeneration.DEMO


def current_qpvs() -> QuerySet[Qpv]:
    """The QPV of the most recent list stored (the one initiatives are placed against)."""
    return Qpv.objects.filter(generation=current_qpv_generation() or "")


def qpv_label(*, code: str, name: str, communes_label: str = "") -> str:
    """ "Name — commune(s) (code)": what a list of QPV shows, and what a field accepts back."""
    return f"{name} — {communes_label} ({code})" if communes_label else f"{name} ({code})"


def qpv_choices(*, departement_codes: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(code, "Name — commune(s) (code)") of the current QPV, for a filter's <select>."""
    queryset = current_qpvs()
    if departement_codes is not None:
        queryset = queryset.filter(departement_id__in=list(departement_codes))
    return [
        (code, qpv_label(code=code, name=name, communes_label=communes))
        for code, name, communes in queryset.order_by("departement_id", "name", "code").values_list(
            "code", "name", "communes_label"
        )
    ]


def get_qpv(*, code: str) -> Qpv | None:
    return Qpv.objects.select_related("departement", "region").filter(code=code).first()


def qpv_names(codes: Iterable[str]) -> dict[str, str]:
    return dict(Qpv.objects.filter(code__in=set(codes)).values_list("code", "name"))


def qpv_communes(*, qpv: Qpv) -> list[dict[str, str]]:
    """The communes of a QPV in the file's order, named from the COG when it knows them."""
    codes = list(qpv.commune_links.order_by("position").values_list("commune_code", flat=True))
    names = dict(Commune.objects.filter(code__in=codes).values_list("code", "name"))
    return [{"code": code, "name": names.get(code, "")} for code in codes]


# --- QPV: what a visitor types, and the index of the current list -------------------------

_QPV_CODE_TEXT = re.compile(
    rf"^\s*({QPV_CODE_PATTERN})\s*$|\(\s*({QPV_CODE_PATTERN})\s*\)\s*$", re.I
)


def qpv_code_in_text(text: str) -> str:
    """The QPV code a text is, or ends with in brackets (what the suggestions give):
    "qn09301m" or "Quartier du Puits — Saint-Denis (QN09301M)" → "QN09301M"; else ""."""
    match = _QPV_CODE_TEXT.search(text or "")
    return (match.group(1) or match.group(2)).upper() if match else ""


@dataclass(frozen=True)
class QpvEntry:
    """A QPV of the current list, as lists and fields show it."""

    code: str
    name: str
    communes_label: str
    departement_code: str
    region_code: str

    @property
    def label(self) -> str:
        return qpv_label(code=self.code, name=self.name, communes_label=self.communes_label)


QPV_ENTRY_FIELDS = ("code", "name", "communes_label", "departement_id", "region_id")


def qpv_entries(*, region: str = "", departement: str = "") -> list[QpvEntry]:
    """The current QPV (of a région, of a département), by département then name: one
    query over narrow columns, ~1,600 rows at most."""
    queryset = current_qpvs()
    if region:
        queryset = queryset.filter(region_id=region)
    if departement:
        queryset = queryset.filter(departement_id=departement)
    rows = queryset.order_by("departement_id", "name", "code").values_list(*QPV_ENTRY_FIELDS)
    return [QpvEntry(*row) for row in rows]


def find_qpvs(
    *, text: str, region: str = "", departement: str = "", limit: int | None = 10
) -> list[QpvEntry]:
    """Current QPV a visitor means by a code, a label ending with its code, or the
    beginnings of words of its name, communes or code ("puits st-denis", "qn093"), accents
    and case ignored. Whole-name matches come first, then by département and name. The
    territory narrows the words, not a code typed in full."""
    code = qpv_code_in_text(text)
    if code:
        rows = current_qpvs().filter(code=code).values_list(*QPV_ENTRY_FIELDS)
        return [QpvEntry(*row) for row in rows]
    words = normalise_place_name(text).split()
    if not words:
        return []
    wanted = " ".join(words)
    found = []
    for entry in _current_entries():
        if (region and entry.region_code != region) or (
            departement and entry.departement_code != departement
        ):
            continue
        name, haystack = _searchable(entry)
        if all(f" {word}" in haystack for word in words):
            found.append((name != wanted, entry))
    found.sort(key=lambda item: item[0])  # stable: the rest keeps the département order
    entries = [entry for _partial, entry in found]
    return entries if limit is None else entries[:limit]


_entries: dict[str, Any] = {"signature": None, "entries": []}


def _current_entries() -> list[QpvEntry]:
    """qpv_entries() of the whole list, kept by the process until the list changes (an
    aggregate tells): the suggestions search it at every few keystrokes."""
    # The current generation with its size and latest change, in one query.
    latest = (
        Qpv.objects.values("generation", "is_demo")
        .annotate(n=Count("pk"), changed=Max("updated_at"))
        .order_by("is_demo", "-generation")
        .values_list("generation", "n", "changed")
        .first()
    )
    if latest is None:
        return []
    if _entries["signature"] != latest:
        rows = (
            Qpv.objects.filter(generation=latest[0])
            .order_by("departement_id", "name", "code")
            .values_list(*QPV_ENTRY_FIELDS)
        )
        _entries["entries"] = [QpvEntry(*row) for row in rows]
        _entries["signature"] = latest
    return _entries["entries"]


@functools.lru_cache(maxsize=4096)
def _searchable(entry: QpvEntry) -> tuple[str, str]:
    """(normalised name, " name communes code"): computed once per process and QPV (the
    suggestions ask at every few keystrokes)."""
    name = normalise_place_name(entry.name)
    return name, f" {name} {normalise_place_name(entry.communes_label)} {entry.code.lower()}"


def resolve_qpv(
    *, text: str, region: str = "", departement: str = ""
) -> tuple[QpvEntry | None, list[QpvEntry]]:
    """The one current QPV a text designates, or (None, the candidates: none or several).
    A name given in full wins over the names that only begin with it."""
    found = find_qpvs(text=text, region=region, departement=departement, limit=6)
    if len(found) == 1:
        return found[0], found
    wanted = normalise_place_name(text)
    exact = [entry for entry in found if normalise_place_name(entry.name) == wanted]
    if len(exact) == 1:
        return exact[0], found
    return None, found


def unknown_qpv_codes(codes: Iterable[str]) -> list[str]:
    """The codes that are not those of a QPV of the current list, in the order given."""
    codes = list(codes)
    known = set(current_qpvs().filter(code__in=codes).values_list("code", flat=True))
    return [code for code in codes if code not in known]


def qpv_index_entries(*, region: str = "", departement: str = "", text: str = "") -> list[QpvEntry]:
    """The current QPV the index lists for these filters (words: see find_qpvs)."""
    text = " ".join(text.split())
    if text:
        return find_qpvs(text=text, region=region, departement=departement, limit=None)
    return qpv_entries(region=region, departement=departement)


# --- Finding communes by what a visitor types ---------------------------------------------

_POSTCODE = re.compile(r"^\d{5}$")
_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$", re.I)
_DEPARTEMENT_HINT = re.compile(r"^(?P<name>.*?)[\s,(]+(?P<dept>\d{2,3}|2[AB])\)?$", re.I)
# A place's label, "Saint-Denis (Seine-Saint-Denis, 93)": the name and the code.
_LABELLED = re.compile(r"^(?P<name>.+?)\s*\((?:[^(),]+,\s*)?(?P<dept>\d{2,3}|2[AB])\)$", re.I)


def normalise_place_name(text: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces, "st" as "saint"."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    spelled = {"st": "saint", "ste": "sainte"}
    return " ".join(spelled.get(word, word) for word in words)


class _CommuneNames:
    """Normalised commune names → codes, built once per process and per COG import."""

    lock = threading.Lock()
    size = -1
    index: dict[str, list[str]] = {}


def _name_index() -> dict[str, list[str]]:
    size = Commune.objects.count()
    if size != _CommuneNames.size:
        with _CommuneNames.lock:
            index: dict[str, list[str]] = {}
            for code, name in Commune.objects.values_list("code", "name"):
                index.setdefault(normalise_place_name(name), []).append(code)
            _CommuneNames.index, _CommuneNames.size = index, size
    return _CommuneNames.index


def search_communes(*, text: str, limit: int = 10) -> list[Commune]:
    """Communes a visitor means by a postal code, an INSEE code or a name ("Saint-Denis",
    "saint denis 93", "St-Denis (974)"), most populated first; several when ambiguous."""
    text = " ".join(text.split())
    if not text:
        return []
    communes = Commune.objects.select_related("departement")
    if _POSTCODE.match(text):
        found = list(communes.filter(postal_code_set__code=text).distinct())
        # "69008" is Lyon 8e, not Lyon: an arrondissement found hides its city.
        parents = {c.parent_id for c in found if c.parent_id}
        found = [c for c in found if c.code not in parents]
        if found:
            return sorted(found, key=_by_population)[:limit]
    if _INSEE.match(text):
        return list(communes.filter(code=text.upper()))
    departement = ""
    hint = _LABELLED.match(text) or _DEPARTEMENT_HINT.match(text)
    if hint and not text.isdigit():
        text, departement = hint.group("name"), hint.group("dept").upper()
    name = normalise_place_name(text)
    if not name:
        return []
    index = _name_index()
    codes = index.get(name, [])
    if not codes and len(name) >= 3:
        codes = [code for key, found in index.items() if key.startswith(name) for code in found]
    queryset = communes.filter(code__in=codes[:500])
    if departement:
        queryset = queryset.filter(departement_id=departement)
    return sorted(queryset, key=_by_population)[:limit]


def _by_population(commune: Commune) -> tuple[int, str]:
    return (-(commune.population or 0), commune.code)
