"""What the importer looks up, read once per import: communes (by INSEE code, name, postal
code, département), themes (by slug, label or a word of their label) and centres.

A file of 10,000 rows makes no query per row: every index is built from a few queries.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from pepites.initiatives.imports.values import ValueProblem, fold
from pepites.initiatives.models import Theme
from pepites.network.models import Centre
from pepites.territories.models import Commune, Departement, PostalCode
from pepites.territories.selectors import normalise_place_name

_SMALL_WORDS = {"de", "du", "des", "la", "le", "les", "l", "d", "et", "a", "au", "aux", "en"}
MAX_LISTED = 5


def _words(text: str) -> list[str]:
    words = re.sub(r"[^a-z0-9]+", " ", fold(text)).split()
    return [w[:-1] if len(w) > 3 and w[-1] in "sx" else w for w in words if w not in _SMALL_WORDS]


def _key(text: str) -> str:
    return " ".join(_words(text))


class PlaceProblem(ValueProblem):
    """A commune that cannot be found; `key` is the field to blame."""

    def __init__(self, message: str, key: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class CommuneInfo:
    code: str
    name: str
    departement: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.departement})"


class CommuneIndex:
    def __init__(self) -> None:
        self.by_code: dict[str, CommuneInfo] = {}
        for code, name, departement in Commune.objects.values_list(
            "code", "name", "departement_id"
        ).iterator(chunk_size=5000):
            self.by_code[code] = CommuneInfo(code, name, departement)
        self._by_name: dict[str, list[str]] | None = None
        self._keys: dict[str, str] = {}  # code → normalised name, as they are needed
        self.by_postcode: dict[str, list[str]] = defaultdict(list)
        for postcode, code in PostalCode.objects.values_list("code", "commune_id").iterator(
            chunk_size=5000
        ):
            self.by_postcode[postcode].append(code)
        self.departements: dict[str, str] = {}
        for code, name in Departement.objects.values_list("code", "name"):
            self.departements[code] = code
            self.departements[normalise_place_name(name)] = code

    @property
    def by_name(self) -> dict[str, list[str]]:
        """Codes by normalised name, made at the first search by name alone (a file with
        postal codes or INSEE codes never needs every commune's name normalised)."""
        if self._by_name is None:
            self._by_name = defaultdict(list)
            for code in self.by_code:
                self._by_name[self._key(code)].append(code)
        return self._by_name

    def _key(self, code: str) -> str:
        key = self._keys.get(code)
        if key is None:
            key = self._keys[code] = normalise_place_name(self.by_code[code].name)
        return key

    def departement(self, value: str) -> str:
        code = self.departements.get(value) or self.departements.get(normalise_place_name(value))
        if code is None:
            raise ValueProblem(_("Département « %(value)s » inconnu.") % {"value": value[:50]})
        return code

    def _labels(self, codes: list[str]) -> str:
        labels = [self.by_code[c].label for c in codes[:MAX_LISTED]]
        return ", ".join(labels) + ("…" if len(codes) > MAX_LISTED else "")

    def resolve(
        self, *, code: str = "", name: str = "", postcode: str = "", departement: str = ""
    ) -> CommuneInfo:
        """The commune meant by an INSEE code, or a name with a postal code or a
        département, or a name or postal code alone when only one commune fits."""
        if code:
            found = self.by_code.get(code)
            if found is None:
                raise PlaceProblem(
                    _("Le code INSEE %(code)s ne correspond à aucune commune.") % {"code": code},
                    "commune_code",
                )
            return found
        wanted = normalise_place_name(name) if name else ""
        if postcode:
            return self._by_postcode(postcode, name, wanted)
        if not wanted:
            raise PlaceProblem(
                _("Commune manquante : indiquez le code INSEE, ou la commune et son code postal."),
                "commune_name",
            )
        candidates = self.by_name.get(wanted, [])
        if departement:
            candidates = [c for c in candidates if self.by_code[c].departement == departement]
        if len(candidates) == 1:
            return self.by_code[candidates[0]]
        if not candidates:
            where = (
                _(" dans le département %(code)s") % {"code": departement} if departement else ""
            )
            raise PlaceProblem(
                _("Aucune commune ne s'appelle « %(name)s »%(where)s.")
                % {"name": name, "where": where},
                "commune_name",
            )
        raise PlaceProblem(
            _(
                "Plusieurs communes s'appellent « %(name)s » (%(communes)s) : ajoutez le code "
                "postal ou le département."
            )
            % {"name": name, "communes": self._labels(candidates)},
            "commune_name",
        )

    def _by_postcode(self, postcode: str, name: str, wanted: str) -> CommuneInfo:
        candidates = self.by_postcode.get(postcode, [])
        if not candidates:
            raise PlaceProblem(
                _("Le code postal %(postcode)s n'existe pas.") % {"postcode": postcode},
                "postcode",
            )
        if not wanted:
            if len(candidates) == 1:
                return self.by_code[candidates[0]]
            raise PlaceProblem(
                _(
                    "Le code postal %(postcode)s couvre plusieurs communes (%(communes)s) : "
                    "précisez la commune."
                )
                % {"postcode": postcode, "communes": self._labels(candidates)},
                "commune_name",
            )
        named = [c for c in candidates if self._key(c) == wanted]
        if named:
            return self.by_code[named[0]]
        raise PlaceProblem(
            _(
                "La commune « %(name)s » n'a pas le code postal %(postcode)s (communes de ce "
                "code : %(communes)s)."
            )
            % {"name": name, "postcode": postcode, "communes": self._labels(candidates)},
            "postcode",
        )


class ThemeIndex:
    """Themes by slug, label, or words that only one label holds ("Emploi", "RSE",
    "Création d'entreprise"); a term with a word foreign to every label matches nothing
    ("Économie circulaire" is not "Économie sociale et solidaire")."""

    def __init__(self) -> None:
        self.themes = list(Theme.objects.order_by("position", "label"))
        self.by_key: dict[str, str] = {}
        for theme in self.themes:
            for text in (theme.slug, theme.label, re.sub(r"\(.*?\)", "", theme.label)):
                self.by_key.setdefault(_key(text), theme.slug)
        owners: dict[str, set[str]] = defaultdict(set)
        for theme in self.themes:
            for word in _words(theme.label) + _words(theme.slug):
                owners[word].add(theme.slug)
        self.vocabulary = set(owners)
        self.by_word = {word: slugs.pop() for word, slugs in owners.items() if len(slugs) == 1}
        self._matched: dict[str, tuple[list[str], list[str]]] = {}

    def choices(self) -> str:
        return ", ".join(f"« {t.label} »" for t in self.themes)

    def match_term(self, term: str, *, fuzzy: bool = True) -> str | None:
        key = _key(term)
        if not key:
            return None
        if key in self.by_key:
            return self.by_key[key]
        words = [w for w in key.split() if len(w) >= 3]
        if words and all(w in self.vocabulary for w in words):
            owners = {self.by_word[w] for w in words if w in self.by_word}
            if len(owners) == 1:
                return owners.pop()
        if not fuzzy:
            return None
        close = difflib.get_close_matches(key, list(self.by_key), n=1, cutoff=0.85)
        return self.by_key[close[0]] if close else None

    def match(self, value: str) -> tuple[list[str], list[str]]:
        """(slugs in the order written, terms that match no theme). Terms are separated by
        ";", "|", "/" or new lines, and by commas unless a whole label holds them."""
        # A file repeats a few combinations of themes on every row: each is matched once.
        if value not in self._matched:
            self._matched[value] = self._match(value)
        slugs, unknown = self._matched[value]
        return list(slugs), list(unknown)

    def _match(self, value: str) -> tuple[list[str], list[str]]:
        slugs: list[str] = []
        unknown: list[str] = []
        for part in re.split(r"[;|/\n]+", value):
            if not _key(part):
                continue
            slug = self.match_term(part, fuzzy=False)
            if slug:
                slugs.append(slug)
                continue
            terms = [term for term in part.split(",") if _key(term)]
            found = [self.match_term(term) for term in terms]
            if len(terms) > 1 and not all(found):
                whole = self.match_term(part)  # a label with commas, slightly misspelt
                if whole:
                    slugs.append(whole)
                    continue
            for term, slug in zip(terms, found, strict=True):
                if slug:
                    slugs.append(slug)
                else:
                    unknown.append(term.strip())
        return list(dict.fromkeys(slugs)), unknown


class CentreIndex:
    def __init__(self) -> None:
        self.centres = {c.pk: c for c in Centre.objects.all()}
        self.by_key: dict[str, Centre] = {}
        for centre in self.centres.values():
            for value in (centre.slug, centre.name, centre.former_name):
                if value:
                    self.by_key[_key(value)] = centre
        # Same rule as network.selectors.centre_for_commune: the first by name.
        self.by_departement: dict[str, Centre] = {}
        for departement_id, centre_id in Centre.departements.through.objects.order_by(
            "centre__name", "centre_id"
        ).values_list("departement_id", "centre_id"):
            self.by_departement.setdefault(departement_id, self.centres[centre_id])

    def get(self, value: str) -> Centre:
        centre = self.by_key.get(_key(value))
        if centre is None:
            raise ValueProblem(
                _("Centre de ressources « %(value)s » inconnu.") % {"value": value[:80]}
            )
        return centre

    def for_departement(self, code: str) -> Centre | None:
        return self.by_departement.get(code)


# Where an initiative can be: metropolitan France with Corsica, and the overseas
# territories (south, west, north, east in degrees).
FRANCE_BOXES = (
    (41.2, -5.5, 51.2, 9.8),  # métropole et Corse
    (15.8, -61.9, 16.6, -60.9),  # Guadeloupe
    (17.8, -63.2, 18.2, -62.7),  # Saint-Martin, Saint-Barthélemy
    (14.3, -61.3, 14.9, -60.7),  # Martinique
    (2.0, -54.7, 6.0, -51.5),  # Guyane
    (-21.5, 55.1, -20.8, 56.0),  # La Réunion
    (-13.1, 44.9, -12.5, 45.4),  # Mayotte
    (46.7, -56.5, 47.2, -56.0),  # Saint-Pierre-et-Miquelon
    (-22.9, 163.5, -19.4, 168.2),  # Nouvelle-Calédonie
    (-28.0, -155.0, -7.0, -134.0),  # Polynésie française
    (-14.4, -178.3, -13.1, -176.0),  # Wallis-et-Futuna
)


def in_france(latitude: float, longitude: float) -> bool:
    return any(s <= latitude <= n and w <= longitude <= e for s, w, n, e in FRANCE_BOXES)


def looks_like_lambert93(x: float, y: float) -> bool:
    return 50_000 <= x <= 1_300_000 and 6_000_000 <= y <= 7_200_000


def lambert93_to_wgs84(x: float, y: float) -> tuple[float, float]:
    """(latitude, longitude) of a Lambert-93 point (EPSG:2154), as some GIS exports give."""
    from pyproj import Transformer

    transformer = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)
    longitude, latitude = transformer.transform(x, y)
    return latitude, longitude
