"""From the headers people write to our fields, and from French values to Python values.

Headers are compared once normalised (no accents, case, punctuation, plural marks, small
words), against each field's name in our export and the synonyms seen in the centres'
spreadsheets and in uMap and GoGoCarto exports; a near miss (a typo) is accepted when
nothing else is close. What cannot be guessed is given as an explicit mapping
("column header or letter" → field name).

The value parsers raise ValueProblem with a French message; the importer adds where.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pepites.initiatives.imports.readers import RawRow, RawTable
from pepites.initiatives.models import InitiativeStatus, PorteurKind


class ValueProblem(Exception):
    """A cell's value is unusable; the message is French and says what is expected."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Field:
    key: str  # what the importer uses
    name: str  # the column name in our export, and the name used in explicit mappings
    label: Any  # French, for messages
    synonyms: tuple[str, ...] = ()


FIELDS: tuple[Field, ...] = (
    Field("uid", "uid", gettext_lazy("identifiant Pépites"), ("identifiant pepites", "uuid")),
    Field(
        "ref",
        "reference_origine",
        gettext_lazy("référence d'origine"),
        (
            "id",
            "identifiant",
            "ref",
            "reference",
            "numero",
            "n",
            "no",
            "num",
            "code projet",
            "id projet",
            "numero fiche",
            "reference fiche",
        ),
    ),
    Field(
        "title",
        "titre",
        gettext_lazy("titre"),
        (
            "nom",
            "nom du projet",
            "nom de l initiative",
            "nom de l action",
            "intitule",
            "intitule du projet",
            "intitule de l action",
            "projet",
            "initiative",
            "titre du projet",
            "titre de l initiative",
            "name",
            "title",
        ),
    ),
    Field(
        "summary",
        "resume",
        gettext_lazy("résumé"),
        (
            "description",
            "description courte",
            "descriptif",
            "presentation",
            "presentation du projet",
            "description du projet",
            "objet",
            "objectif",
            "objectifs",
            "synthese",
            "chapeau",
            "summary",
            "en bref",
        ),
    ),
    Field(
        "context",
        "contexte",
        gettext_lazy("contexte et enjeu"),
        ("contexte et enjeu", "enjeu", "enjeux", "constat", "problematique", "genese", "origine"),
    ),
    Field(
        "actions",
        "actions",
        gettext_lazy("ce qui a été fait"),
        (
            "ce qui a ete fait",
            "actions menees",
            "action menee",
            "realisations",
            "mise en oeuvre",
            "deroulement",
            "description detaillee",
            "descriptif detaille",
            "activites",
            "contenu",
        ),
    ),
    Field(
        "results",
        "resultats",
        gettext_lazy("résultats"),
        ("resultats obtenus", "impact", "impacts", "bilan", "effets", "evaluation"),
    ),
    Field(
        "replication",
        "pour_reproduire",
        gettext_lazy("pour reproduire"),
        (
            "conseils",
            "conseils pour reproduire",
            "facteurs de reussite",
            "cles de reussite",
            "points de vigilance",
            "transferabilite",
            "essaimage",
            "reproductibilite",
        ),
    ),
    Field(
        "porteur_name",
        "porteur",
        gettext_lazy("porteur"),
        (
            "porteur de projet",
            "porteur du projet",
            "porteur de l initiative",
            "structure",
            "structure porteuse",
            "nom de la structure",
            "nom du porteur",
            "organisme",
            "organisme porteur",
            "association",
            "operateur",
            "maitre d ouvrage",
            "organisation",
            "raison sociale",
        ),
    ),
    Field(
        "porteur_kind",
        "type_porteur",
        gettext_lazy("type de porteur"),
        (
            "type de porteur",
            "type de structure",
            "type structure",
            "statut juridique",
            "forme juridique",
            "nature du porteur",
            "nature de la structure",
            "categorie de porteur",
            "statut de la structure",
        ),
    ),
    Field(
        "partners",
        "partenaires",
        gettext_lazy("partenaires"),
        ("partenariat", "partenariats", "partenaires associes", "partenaires mobilises"),
    ),
    Field(
        "funders",
        "financeurs",
        gettext_lazy("financeurs"),
        ("financeur", "financements", "financement", "cofinanceurs", "co financeurs"),
    ),
    Field(
        "target_public",
        "public_vise",
        gettext_lazy("public visé"),
        ("public", "publics", "public cible", "publics cibles", "beneficiaires", "cible"),
    ),
    Field(
        "themes",
        "thematiques",
        gettext_lazy("thématiques"),
        (
            "thematique",
            "theme",
            "themes",
            "categories",
            "categorie",
            "domaine",
            "domaines",
            "secteur",
            "secteur d activite",
            "axe",
            "thematiques secondaires",
            "mots cles",
            "tags",
        ),
    ),
    Field(
        "principal_theme",
        "thematique_principale",
        gettext_lazy("thématique principale"),
        ("theme principal", "categorie principale", "domaine principal"),
    ),
    Field(
        "start_year",
        "annee_demarrage",
        gettext_lazy("année de démarrage"),
        (
            "annee",
            "annee de demarrage",
            "annee de debut",
            "annee de creation",
            "annee de lancement",
            "date de debut",
            "date de demarrage",
            "date de creation",
            "date de lancement",
            "debut",
            "demarrage",
            "lancement",
            "creation",
            "depuis",
        ),
    ),
    Field(
        "is_running",
        "en_cours",
        gettext_lazy("toujours en cours"),
        ("toujours en cours", "actif", "active", "en activite", "etat d avancement", "avancement"),
    ),
    Field(
        "commune_code",
        "code_commune",
        gettext_lazy("code INSEE de la commune"),
        (
            "code insee",
            "insee",
            "code insee commune",
            "code commune insee",
            "code officiel geographique",
            "cog",
            "citycode",
            "code geographique",
        ),
    ),
    Field(
        "commune_name",
        "commune",
        gettext_lazy("commune"),
        (
            "ville",
            "localite",
            "nom de la commune",
            "nom commune",
            "commune d implantation",
            "lieu",
            "address locality",
            "city",
            "town",
        ),
    ),
    Field(
        "postcode",
        "code_postal",
        gettext_lazy("code postal"),
        ("cp", "code postale", "postal code", "postcode", "zip", "zipcode"),
    ),
    Field(
        "departement",
        "departement",
        gettext_lazy("département"),
        ("dept", "dep", "dpt", "code departement", "numero de departement", "n departement"),
    ),
    Field(
        "address",
        "adresse",
        gettext_lazy("adresse"),
        (
            "adresse postale",
            "adresse complete",
            "adresse du projet",
            "adresse de l action",
            "rue",
            "voie",
            "street address",
            "address",
            "adresse ligne 1",
        ),
    ),
    Field("latitude", "latitude", gettext_lazy("latitude"), ("lat", "geo latitude")),
    Field(
        "longitude", "longitude", gettext_lazy("longitude"), ("lon", "lng", "long", "geo longitude")
    ),
    Field(
        "coordinates",
        "coordonnees",
        gettext_lazy("coordonnées"),
        ("coordonnees gps", "gps", "geolocalisation", "position", "lat lon", "latitude longitude"),
    ),
    Field(
        "centre",
        "centre",
        gettext_lazy("centre de ressources"),
        ("centre de ressources", "centre referent", "crpv", "centre ressources"),
    ),
    Field(
        "contact_name",
        "contact_nom",
        gettext_lazy("nom du contact"),
        ("contact", "nom du contact", "personne a contacter", "referent", "interlocuteur"),
    ),
    Field(
        "contact_email",
        "contact_courriel",
        gettext_lazy("courriel du contact"),
        (
            "courriel",
            "email",
            "e mail",
            "mail",
            "mel",
            "adresse mail",
            "adresse electronique",
            "courriel du contact",
            "email du contact",
        ),
    ),
    Field(
        "contact_phone",
        "contact_telephone",
        gettext_lazy("téléphone du contact"),
        ("telephone", "tel", "portable", "numero de telephone", "phone", "telephone du contact"),
    ),
    Field(
        "contact_consent",
        "contact_consentement",
        gettext_lazy("consentement du contact"),
        (
            "consentement",
            "consentement du contact",
            "contact public",
            "publication du contact",
            "accord de publication",
        ),
    ),
    Field(
        "links",
        "liens",
        gettext_lazy("liens"),
        (
            "lien",
            "site",
            "site web",
            "site internet",
            "url",
            "website",
            "page web",
            "pour en savoir plus",
        ),
    ),
    Field(
        "status",
        "etat",
        gettext_lazy("état"),
        ("etat de publication", "statut de publication", "publication"),
    ),
    Field("is_demo", "demonstration", gettext_lazy("démonstration"), ("exemple de demonstration",)),
    Field("layer", "calque", gettext_lazy("calque uMap"), ()),
)
FIELDS_BY_KEY = {f.key: f for f in FIELDS}
FIELDS_BY_NAME = {f.name: f for f in FIELDS}
# Columns of our own export that are derived from others: recognised and left aside.
READ_ONLY_COLUMNS = (
    "url",
    "commune_nom",
    "departement_nom",
    "region",
    "region_nom",
    "centre_nom",
    "thematiques_libelles",
    "type_porteur_libelle",
    "situation_qpv",
    "qpv",
    "date_publication",
    "date_modification",
)
IGNORE = "ignorer"
FUZZY_RATIO = 0.88
HEADER_SEARCH_ROWS = 10

_SMALL_WORDS = {
    "de",
    "du",
    "des",
    "la",
    "le",
    "les",
    "l",
    "d",
    "et",
    "a",
    "au",
    "aux",
    "en",
    "un",
    "une",
}


def fold(text: Any) -> str:
    """Lower case ASCII without accents: "Thématique(s)" → "thematique(s)"."""
    text = str(text).replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    text = unicodedata.normalize("NFKD", text)
    return text.encode("ascii", "ignore").decode("ascii").lower()


def normalise_header(text: Any, *, split_camel_case: bool = False) -> str:
    text = str(text)
    if split_camel_case:
        text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)  # streetAddress → street Address
    text = fold(text)
    text = re.sub(r"\((?:s|e|es|x|nes)\)", "", text)  # Thématique(s), Porteur(e)
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    words = [w[:-1] if len(w) > 3 and w[-1] in "sx" else w for w in words]  # plurals
    return " ".join(w for w in words if w not in _SMALL_WORDS)


def _strip_details(text: Any) -> str:
    """The header without what comes after a colon or inside brackets."""
    text = re.sub(r"[(\[].*?[)\]]", " ", str(text))
    return text.split(":")[0].split("*")[0]


def _build_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for f in FIELDS:
        for variant in (f.name, str(f.label), *f.synonyms):
            index.setdefault(normalise_header(variant), f.key)
    for name in READ_ONLY_COLUMNS:
        index.setdefault(normalise_header(name), "")
    return index


HEADER_INDEX = _build_index()


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def match_header(header: Any) -> tuple[str | None, str]:
    """(field key, how): key "" for a known read-only column, None when unrecognised;
    how is "exact", "approx" or ""."""
    if header is None:
        return None, ""
    for split in (False, True):
        for candidate in (header, _strip_details(header)):
            key = HEADER_INDEX.get(normalise_header(candidate, split_camel_case=split))
            if key is not None:
                return key, "exact"
    normalised = normalise_header(_strip_details(header))
    if len(normalised) < 4:
        return None, ""
    close = difflib.get_close_matches(normalised, list(HEADER_INDEX), n=2, cutoff=FUZZY_RATIO)
    keys = {HEADER_INDEX[c] for c in close}
    if len(keys) == 1:
        return keys.pop(), "approx"
    return None, ""


@dataclass
class Column:
    index: int
    header: str
    key: str | None  # field key; None: not imported
    how: str  # "exact", "approx", "explicit", "read_only", "duplicate", "unknown", "ignored"
    note: str = ""

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def where(self) -> str:
        return f"{self.letter} (« {self.header} »)" if self.header else self.letter


@dataclass
class Mapping:
    columns: list[Column]
    header_line: int | None  # None for JSON files (their properties are the headers)
    problems: list[str] = field(default_factory=list)  # file-level errors, in French
    notes: list[str] = field(default_factory=list)  # file-level warnings

    def column_of(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    @property
    def keys(self) -> set[str]:
        return {c.key for c in self.columns if c.key}


def parse_explicit_mapping(items: list[str] | dict[str, str] | None) -> dict[str, str]:
    """ "En-tête=champ" strings (or a dict) → {normalised header or letter: field key or IGNORE}.

    Raise ValueProblem on an unknown field name."""
    pairs: list[tuple[str, str]] = []
    if isinstance(items, dict):
        pairs = list(items.items())
    else:
        for item in items or []:
            if "=" not in item:
                raise ValueProblem(
                    _("Correspondance « %(item)s » : écrivez « En-tête du fichier=champ ».")
                    % {"item": item}
                )
            header, _sep, name = item.rpartition("=")
            pairs.append((header, name))
    explicit: dict[str, str] = {}
    for header, name in pairs:
        name = name.strip()
        if name in {"", IGNORE, "-"}:
            key = IGNORE
        elif name in FIELDS_BY_NAME:
            key = FIELDS_BY_NAME[name].key
        elif name in FIELDS_BY_KEY:
            key = name
        else:
            raise ValueProblem(
                _("Champ « %(name)s » inconnu. Champs possibles : %(names)s, ou « ignorer ».")
                % {"name": name, "names": ", ".join(f.name for f in FIELDS)}
            )
        header = header.strip()
        explicit[header if re.fullmatch(r"[A-Z]{1,3}", header) else normalise_header(header)] = key
    return explicit


def _header_score(cells: list[Any]) -> int:
    keys = set()
    for cell in cells:
        if isinstance(cell, str) and cell.strip():
            key, _how = match_header(cell)
            if key:
                keys.add(key)
    return len(keys)


def find_header_row(rows: list[RawRow]) -> int:
    """Index of the header row among the first rows: the first one that names the most
    fields (a title line above the headers is common), or 0."""
    best, best_score = 0, 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = _header_score(row.cells)
        if score > best_score:
            best, best_score = index, score
    return best


# The porteur defaults to the title (uMap and GoGoCarto name the structure), the themes to
# the uMap layer or to the theme chosen for the whole file.
REQUIRED = ("title", "summary")
PLACE_KEYS = ("commune_code", "commune_name", "postcode", "coordinates", "latitude")


def map_columns(
    table: RawTable, *, explicit: dict[str, str] | None = None, default_theme: bool = False
) -> tuple[Mapping, list[RawRow]]:
    """The mapping of the table's columns, and its data rows (after the header row)."""
    explicit = explicit or {}
    if table.headers is not None:
        headers, data_rows, header_line = list(table.headers), table.rows, None
    else:
        if not table.rows:
            return Mapping(
                columns=[], header_line=None, problems=[_("Le fichier ne contient aucune ligne.")]
            ), []
        start = find_header_row(table.rows)
        header_row = table.rows[start]
        headers = ["" if c is None else str(c).strip() for c in header_row.cells]
        data_rows, header_line = table.rows[start + 1 :], header_row.line
    columns: list[Column] = []
    taken: dict[str, Column] = {}
    for index, header in enumerate(headers):
        forced = explicit.get(column_letter(index), explicit.get(normalise_header(header)))
        if forced == IGNORE:
            columns.append(Column(index, header, None, "ignored"))
            continue
        if forced:
            key, how = forced, "explicit"
        else:
            key, how = match_header(header) if header else (None, "")
            if key == "":
                columns.append(Column(index, header, None, "read_only"))
                continue
            if key is None:
                columns.append(Column(index, header, None, "unknown"))
                continue
        if key in taken and how != "explicit":
            columns.append(
                Column(
                    index,
                    header,
                    None,
                    "duplicate",
                    _("« %(field)s » vient déjà de la colonne %(other)s")
                    % {"field": FIELDS_BY_KEY[key].label, "other": taken[key].where},
                )
            )
            continue
        if key in taken:  # an explicit choice wins over a guess
            previous = taken[key]
            previous.key, previous.how = None, "duplicate"
        column = Column(index, header, key, how)
        taken[key] = column
        columns.append(column)
    mapping = Mapping(columns=columns, header_line=header_line)
    keys = mapping.keys
    for key in REQUIRED:
        if key not in keys:
            f = FIELDS_BY_KEY[key]
            examples = ", ".join(f"« {s} »" for s in (f.name, *f.synonyms[:3]))
            mapping.problems.append(
                _(
                    "Colonne « %(field)s » introuvable (en-têtes reconnus : %(examples)s…). "
                    "Renommez la colonne ou indiquez la correspondance."
                )
                % {"field": f.label, "examples": examples}
            )
    if not keys.intersection({"themes", "principal_theme", "layer"}) and not default_theme:
        mapping.problems.append(
            _(
                "Colonne « thématiques » introuvable : ajoutez-la, indiquez la correspondance "
                "ou choisissez une thématique pour tout le fichier."
            )
        )
    if "porteur_name" not in keys and "title" in keys:
        mapping.notes.append(
            _("Pas de colonne « porteur » : le porteur de chaque initiative sera son titre.")
        )
    if not keys.intersection(PLACE_KEYS) and "address" not in keys:
        mapping.problems.append(
            _(
                "Aucune colonne ne situe les initiatives : il faut le code INSEE, la commune, "
                "le code postal ou les coordonnées."
            )
        )
    if "latitude" in keys and "longitude" not in keys:
        mapping.problems.append(_("Colonne « latitude » sans colonne « longitude »."))
    if "longitude" in keys and "latitude" not in keys:
        mapping.problems.append(_("Colonne « longitude » sans colonne « latitude »."))
    for column in columns:
        if column.how == "approx":
            mapping.notes.append(
                _("Colonne %(where)s lue comme « %(field)s » (en-tête approché).")
                % {"where": column.where, "field": FIELDS_BY_KEY[column.key].label}
            )
        elif column.how == "duplicate":
            mapping.notes.append(
                _("Colonne %(where)s ignorée : %(note)s.")
                % {"where": column.where, "note": column.note}
            )
        elif column.how == "unknown" and column.header:
            mapping.notes.append(
                _(
                    "Colonne %(where)s non reconnue : ignorée (indiquez sa correspondance si besoin)."
                )
                % {"where": column.where}
            )
    return mapping, data_rows


# --- Values ---------------------------------------------------------------------------------


def text(value: Any) -> str:
    """A cell as text: numbers without a useless ".0", dates in French, line ends unified."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return (
            value.strftime("%d/%m/%Y %H:%M")
            if value.time() != datetime.min.time()
            else value.strftime("%d/%m/%Y")
        )
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    value = str(value).replace("\r\n", "\n").replace("\r", "\n")
    # Control characters and lone surrogates out (spreadsheets and JSON leave some); spaces
    # kept as written, so that an export re-imports to the very same text.
    return "".join(
        ch for ch in value if ch in "\n\t" or unicodedata.category(ch) not in {"Cc", "Cs"}
    ).strip()


_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$")


def decimal(value: Any) -> float:
    """ "45,75", "45.75", "1 234,5" → float."""
    if isinstance(value, bool):
        raise ValueProblem(_("Nombre attendu (ex. 45,75)."))
    if isinstance(value, int | float):
        number = float(value)
    else:
        raw = re.sub(r"[\s\u00a0\u202f']", "", str(value))
        if raw.count(",") == 1 and raw.count(".") >= 1 and raw.index(".") < raw.index(","):
            raw = raw.replace(".", "")  # 1.234,5
        if not _NUMBER.match(raw):
            raise ValueProblem(
                _("« %(value)s » n'est pas un nombre (ex. 45,75).") % {"value": text(value)[:50]}
            )
        number = float(raw.replace(",", "."))
    if not math.isfinite(number):
        raise ValueProblem(_("Nombre attendu (ex. 45,75)."))
    return number


_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|2[01]\d\d)(?!\d)")
EXCEL_EPOCH = date(1899, 12, 30)


def year(value: Any) -> int:
    """2019, "2019", "03/2019", "mars 2019", "01/03/2019", "2019-03-01", a date cell, or an
    Excel serial date → 2019."""
    if isinstance(value, datetime | date):
        found = value.year
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if 1800 <= value <= 2199 and float(value).is_integer():
            found = int(value)
        elif 10_000 <= value <= 80_000:  # a date cell read as its serial number
            found = (EXCEL_EPOCH + timedelta(days=int(value))).year
        else:
            raise ValueProblem(_("Année attendue (ex. 2019 ou 03/2019)."))
    else:
        years = _YEAR.findall(text(value))
        if len(set(years)) != 1:
            raise ValueProblem(
                _("« %(value)s » : année attendue (ex. 2019 ou 03/2019).")
                % {"value": text(value)[:50]}
            )
        found = int(years[0])
    if not 1900 <= found <= 2100:
        raise ValueProblem(
            _("L'année %(year)s n'est pas plausible (entre 1900 et 2100).") % {"year": found}
        )
    return found


_TRUE = {"oui", "o", "yes", "y", "vrai", "true", "1", "x", "en cours", "actif", "active", "ok"}
_FALSE = {
    "non",
    "n",
    "no",
    "faux",
    "false",
    "0",
    "termine",
    "terminee",
    "arrete",
    "arretee",
    "fini",
    "finie",
    "inactif",
    "clos",
    "close",
}


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    folded = " ".join(fold(text(value)).replace("-", " ").split())
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ValueProblem(_("« %(value)s » : oui ou non attendu.") % {"value": text(value)[:50]})


_PORTEUR_WORDS = (
    (PorteurKind.ASSOCIATION, ("association", "asso", "loi 1901", "federation")),
    (PorteurKind.COOPERATIVE, ("cooperative", "scop", "scic", "cae")),
    (PorteurKind.BAILLEUR, ("bailleur", "oph", "esh", "hlm", "office public habitat")),
    (
        PorteurKind.ETABLISSEMENT_PUBLIC,
        ("etablissement public", "epic", "epa", "ccas", "gip", "chambre", "universite"),
    ),
    (
        PorteurKind.COLLECTIVITE,
        ("collectivite", "commune", "mairie", "ville", "epci", "agglomeration", "metropole"),
    ),
    (
        PorteurKind.ENTREPRISE,
        ("entreprise", "sarl", "sas", "sasu", "eurl", "sa", "auto entrepreneur", "societe"),
    ),
    (PorteurKind.AUTRE, ("autre",)),
)


def porteur_kind(value: Any) -> str:
    folded = " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text(value))).split())
    for kind in PorteurKind:
        if folded in {
            kind.value.replace("_", " "),
            " ".join(re.sub(r"[^a-z0-9]+", " ", fold(kind.label)).split()),
        }:
            return kind.value
    words = f" {folded} "
    for kind, hints in _PORTEUR_WORDS:
        if any(f" {hint} " in words for hint in hints):
            return kind.value
    raise ValueProblem(
        _("Type de porteur « %(value)s » inconnu ; valeurs possibles : %(choices)s.")
        % {"value": text(value)[:50], "choices": ", ".join(str(k.label) for k in PorteurKind)}
    )


def status(value: Any) -> str:
    folded = fold(text(value)).strip()
    for choice in InitiativeStatus:
        if folded in {choice.value, fold(choice.label)}:
            return choice.value
    aliases = {
        "publie": InitiativeStatus.PUBLISHED,
        "en ligne": InitiativeStatus.PUBLISHED,
        "propose": InitiativeStatus.PROPOSED,
        "archive": InitiativeStatus.ARCHIVED,
    }
    if folded in aliases:
        return aliases[folded].value
    raise ValueProblem(
        _("État « %(value)s » inconnu ; valeurs possibles : %(choices)s.")
        % {"value": text(value)[:50], "choices": ", ".join(str(c.label) for c in InitiativeStatus)}
    )


def postcode(value: Any) -> str:
    """ "93200", 93200, "1000" (a leading zero lost by a spreadsheet) → "01000"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = re.sub(r"\s", "", text(value))
    if re.fullmatch(r"\d{4}", raw):
        raw = "0" + raw
    if not re.fullmatch(r"\d{5}", raw):
        raise ValueProblem(
            _("Code postal « %(value)s » invalide : 5 chiffres attendus (ex. 93200).")
            % {"value": text(value)[:20]}
        )
    return raw


def commune_code(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = re.sub(r"\s", "", text(value)).upper()
    if re.fullmatch(r"\d{4}", raw):
        raw = "0" + raw
    if not re.fullmatch(r"\d{5}|2[AB]\d{3}", raw):
        raise ValueProblem(
            _("Code INSEE « %(value)s » invalide : 5 caractères attendus (ex. 93066 ou 2A004).")
            % {"value": text(value)[:20]}
        )
    return raw


def departement_code(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = text(value).strip().upper()
    match = re.match(r"^(\d{2,3}|2[AB])\b", raw)
    if match:
        code = match.group(1)
        return code.zfill(2) if code.isdigit() and len(code) == 1 else code
    if re.fullmatch(r"\d", raw):
        return raw.zfill(2)
    return raw  # a name: resolved by the importer


_EMAIL = EmailValidator()
_URL = URLValidator(schemes=["http", "https"])


def email(value: Any) -> str:
    raw = text(value).replace("mailto:", "").strip()
    try:
        _EMAIL(raw)
    except ValidationError as exc:
        raise ValueProblem(
            _("Adresse électronique « %(value)s » invalide.") % {"value": raw[:100]}
        ) from exc
    return raw


def url(value: str) -> str:
    raw = value.strip().rstrip(".,;")
    if raw.lower().startswith("www."):
        raw = "https://" + raw
    try:
        _URL(raw)
    except ValidationError as exc:
        raise ValueProblem(_("Adresse web « %(value)s » invalide.") % {"value": raw[:100]}) from exc
    return raw


_UMAP_LINK = re.compile(r"\[\[(\S+?)(?:\|([^\]]*))?\]\]")


def links(value: Any) -> list[tuple[str, str]]:
    """One link per line, "url label" (our export), or URLs separated by spaces or ";";
    uMap's [[url|label]] too."""
    raw = text(value)
    found: list[tuple[str, str]] = []
    for match in _UMAP_LINK.finditer(raw):
        found.append((url(match.group(1)), (match.group(2) or "").strip()))
    raw = _UMAP_LINK.sub("\n", raw)
    for line in re.split(r"[\n;]", raw):
        line = line.strip()
        if not line:
            continue
        first, _sep, rest = line.partition(" ")
        if re.match(r"(?i)^(https?://|www\.)", first):
            found.append((url(first), rest.strip()))
        else:
            raise ValueProblem(
                _("« %(value)s » : une adresse web par ligne attendue (ex. https://exemple.fr).")
                % {"value": line[:100]}
            )
    return list(dict.fromkeys(found))


_UMAP_MARKUP = re.compile(r"\{\{[^}]*\}\}|\*\*|(?<!\w)_{1,2}(?=\w)|(?<=\w)_{1,2}(?!\w)")


def umap_markup(value: str) -> tuple[str, list[tuple[str, str]]]:
    """uMap's description syntax: [[url|label]] links taken out (the label stays in the
    text), {{image}} and **bold** marks removed."""
    found: list[tuple[str, str]] = []

    def link(match: re.Match) -> str:
        try:
            found.append((url(match.group(1)), (match.group(2) or "").strip()))
        except ValueProblem:
            return match.group(0)
        return (match.group(2) or "").strip()

    cleaned = _UMAP_LINK.sub(link, value)
    cleaned = _UMAP_MARKUP.sub("", cleaned)
    return text("\n".join(line.strip() for line in cleaned.split("\n"))), found


def split_list(value: Any) -> list[str]:
    return [part.strip() for part in re.split(r"[;|\n/]+", text(value)) if part.strip()]


def coordinates(value: Any) -> tuple[float, float]:
    """ "48.9355, 2.358", "48,9355 ; 2,358" or "48.9355 2.358" → (latitude, longitude)."""
    raw = text(value).strip("()[] ")
    for separator in (";", "/", ", ", " "):
        if separator in raw:
            parts = raw.split(separator)
            break
    else:
        parts = raw.split(",") if raw.count(",") == 1 else [raw]
    parts = [p.strip() for p in parts if p.strip()]
    if len(parts) != 2:
        raise ValueProblem(
            _(
                "Coordonnées « %(value)s » illisibles : « latitude, longitude » attendu "
                "(ex. 48.9355, 2.358)."
            )
            % {"value": raw[:50]}
        )
    return decimal(parts[0]), decimal(parts[1])
