"""Where a row is: its point (latitude and longitude, Lambert-93 converted, checked to be
in France) and its commune (INSEE code, name, postal code, département); the commune of a
row that only has a point, from the BAN's reverse geocoding; the point of a row that only
has an address, from the BAN's batch geocoding.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from pepites.initiatives.imports.fields import FIELDS_BY_KEY
from pepites.initiatives.imports.references import (
    PlaceProblem,
    in_france,
    lambert93_to_wgs84,
    looks_like_lambert93,
)
from pepites.initiatives.imports.report import CREATE, DEFERRED, UPDATE, WARNING
from pepites.initiatives.imports.rows import Row, RowContext, auto_ref, progress
from pepites.initiatives.imports.values import ValueProblem
from pepites.initiatives.models import LocationStatus
from pepites.territories.commune_index import communes_for_points
from pepites.territories.qpv_communes import communes_from_qpvs
from pepites.territories.selectors import normalise_place_name

MAX_REVERSE_GEOCODING = 1000


def resolve_place(row: Row, ctx: RowContext) -> None:
    v = row.values
    latitude = longitude = None
    coordinate_key = "latitude"
    if "coordinates" in v:
        latitude, longitude = v["coordinates"]
        coordinate_key = "coordinates"
    elif "latitude" in v or "longitude" in v:
        if "latitude" in v and "longitude" in v:
            latitude, longitude = v["latitude"], v["longitude"]
        else:
            missing = "longitude" if "latitude" in v else "latitude"
            ctx.problem(row, missing, _("Latitude et longitude vont ensemble : l'une manque."))
    if latitude is not None and longitude is not None:
        for x, y in ((latitude, longitude), (longitude, latitude)):  # in either order
            if looks_like_lambert93(x, y):
                latitude, longitude = lambert93_to_wgs84(x, y)
                ctx.problem(
                    row,
                    coordinate_key,
                    _("Coordonnées en Lambert-93 converties en latitude et longitude."),
                    WARNING,
                )
                break
        if in_france(latitude, longitude):
            row.fields.update(latitude=latitude, longitude=longitude)
            row.fields["location_status"] = LocationStatus.MANUAL.value
            row.report.placed = True
        elif in_france(longitude, latitude):
            ctx.problem(
                row,
                coordinate_key,
                _(
                    "Latitude et longitude semblent inversées (%(lat)s, %(lon)s) : la "
                    "latitude est le premier nombre en France métropolitaine (vers 41 à 51)."
                )
                % {"lat": latitude, "lon": longitude},
            )
        else:
            ctx.problem(
                row,
                coordinate_key,
                _("Le point (%(lat)s, %(lon)s) est hors de France.")
                % {"lat": latitude, "lon": longitude},
            )
    place_keys = {"commune_code", "commune_name", "postcode", "departement"}
    if any(p.field in {str(FIELDS_BY_KEY[k].label) for k in place_keys} for p in row.report.errors):
        return  # a bad postal code or INSEE code: guessing from the rest would mislead
    departement = ""
    if "departement" in v:
        try:
            departement = ctx.communes.departement(v["departement"])
        except ValueProblem as problem:
            ctx.problem(row, "departement", problem.message)
            return
    code, name, postcode = (
        v.get("commune_code", ""),
        v.get("commune_name", ""),
        v.get("postcode", ""),
    )
    if not (code or name or postcode):
        if row.report.placed:
            row.needs_reverse = True  # the commune is found from the point
        else:
            ctx.problem(
                row,
                "commune_code" if ctx.mapping.column_of("commune_code") else "commune_name",
                _(
                    "Commune manquante : indiquez le code INSEE, ou la commune avec son code postal."
                ),
            )
        return
    try:
        row.commune = ctx.communes.resolve(
            code=code, name=name, postcode=postcode, departement=departement
        )
    except PlaceProblem as problem:
        ctx.problem(row, problem.key, problem.message)
        return
    if code and name and normalise_place_name(name) != normalise_place_name(row.commune.name):
        ctx.problem(
            row,
            "commune_name",
            _(
                "« %(name)s » ne correspond pas au code INSEE %(code)s (%(commune)s) : le code est retenu."
            )
            % {"name": name, "code": code, "commune": row.commune.name},
            WARNING,
        )
    row.report.commune = row.commune.label


def reverse_geocode(rows: list[Row], ctx: RowContext) -> None:
    """The commune of the rows that only have a point (uMap): offline first, from the
    communes' outlines when they are loaded, then from the QPV outlines (a point in a QPV of
    one commune); else from the BAN's /reverse. Once the BAN is found unreachable it is not
    called again for this import (bounded time), and the rows left say so."""
    pending = [r for r in rows if r.needs_reverse and not r.failed]
    located = communes_for_points([(r.fields["longitude"], r.fields["latitude"]) for r in pending])
    for row, code in zip(pending, located, strict=True):
        if code and code in ctx.communes.by_code:
            _set_commune_from_point(row, ctx.communes.by_code[code], ctx)
    pending = [r for r in pending if r.commune is None]
    in_qpvs = communes_from_qpvs([(r.fields["longitude"], r.fields["latitude"]) for r in pending])
    for row, code in zip(pending, in_qpvs, strict=True):
        if code and code in ctx.communes.by_code:
            _set_commune_from_point(row, ctx.communes.by_code[code], ctx)
    pending = [r for r in pending if r.commune is None]
    client = _geocoder(ctx) if pending else None
    unreachable = ""
    for number, row in enumerate(pending):
        result = None
        if client is not None and number < MAX_REVERSE_GEOCODING and not unreachable:
            result = client.reverse(
                latitude=row.fields["latitude"], longitude=row.fields["longitude"]
            )
            if result.status == "unavailable":
                unreachable = result.message  # the circuit opens: no more calls
        commune = ctx.communes.by_code.get(result.citycode) if result and result.located else None
        if commune is None and unreachable:
            _unreachable(row, ctx)
            continue
        if commune is None:
            ctx.problem(
                row,
                "commune_name",
                _(
                    "Commune manquante et introuvable à partir du point : ajoutez une colonne "
                    "commune ou code INSEE."
                ),
                label=str(FIELDS_BY_KEY["commune_name"].label),
            )
            continue
        _set_commune_from_point(row, commune, ctx)
    ctx.address_service_problem = unreachable


def _unreachable(row: Row, ctx: RowContext) -> None:
    """The commune exists, the service did not answer: say so, and keep the row if asked."""
    label = str(FIELDS_BY_KEY["commune_name"].label)
    if ctx.options.place_later:
        row.report.action = DEFERRED
        ctx.problem(
            row,
            "commune_name",
            _(
                "Service d'adresses injoignable : ligne gardée, sa commune sera trouvée à "
                "partir du point dès que le service répondra, et l'initiative créée alors."
            ),
            WARNING,
            label=label,
        )
        return
    ctx.problem(
        row,
        "commune_name",
        _(
            "Service d'adresses injoignable : la commune n'a pas pu être trouvée à partir du "
            "point. Gardez ces lignes pour les placer plus tard, ajoutez une colonne commune "
            "ou code INSEE, ou réessayez plus tard."
        ),
        label=label,
    )


def _set_commune_from_point(row: Row, commune, ctx: RowContext) -> None:
    row.commune = commune
    row.report.commune = commune.label
    if row.values.get("title"):
        row.source_ref = row.values.get("ref") or auto_ref(row.values["title"], commune.code)
    if not row.centre_explicit:
        row.centre = ctx.centres.for_departement(commune.departement)


def _geocoder(ctx: RowContext):
    if not ctx.options.geocode:
        return None
    if ctx.options.geocoder is not None:
        return ctx.options.geocoder
    try:
        from pepites.territories.geocoding import geocoder
    except ImportError:  # the geocoding module is optional
        return None
    ctx.options.geocoder = geocoder()
    return ctx.options.geocoder


def _address_query(row: Row) -> str:
    """The address with its commune's name (the BAN ranks better with it)."""
    address = row.fields["address"]
    if normalise_place_name(row.commune.name) in normalise_place_name(address):
        return address
    return f"{address} {row.commune.name}"


def geocode(rows: list[Row], ctx: RowContext) -> None:
    """Place the rows that have an address but no point, in batches; the others are listed."""
    to_place = [
        r
        for r in rows
        if not r.failed
        and r.report.action in {CREATE, UPDATE}
        and not r.report.placed
        and r.commune is not None
    ]
    with_address = [r for r in to_place if r.fields.get("address")]
    client = _geocoder(ctx) if with_address else None
    results = {}
    if client is not None:
        from pepites.territories.geocoding import STATUS_LABELS, BatchAddress

        progress(ctx.options, "geocode", 0, len(with_address))
        results = client.search_batch(
            [
                BatchAddress(key=str(i), address=_address_query(r), citycode=r.commune.code)
                for i, r in enumerate(with_address)
            ]
        )
        progress(ctx.options, "geocode", len(with_address), len(with_address))
    for index, row in enumerate(with_address):
        result = results.get(str(index))
        if result is None:
            ctx.problem(
                row,
                "address",
                _(
                    "Adresse non géocodée (géocodage désactivé) : l'initiative ne sera pas placée sur la carte."
                ),
                WARNING,
            )
            continue
        target = row.update if row.report.action == UPDATE else row.fields
        target["location_status"] = result.status.value
        if result.located:
            target.update(latitude=result.latitude, longitude=result.longitude)
            row.report.placed = True
            if row.report.action == UPDATE:
                row.report.changes.append(_("position sur la carte"))
        if result.needs_review:
            message = str(STATUS_LABELS[result.status])
            if result.message:
                message += f" ({result.message})"
            ctx.problem(row, "address", message, WARNING)
        if result.located and result.citycode and result.citycode != row.commune.code:
            ctx.problem(
                row,
                "address",
                _(
                    "L'adresse trouvée (%(label)s) n'est pas dans la commune %(commune)s : vérifiez le point."
                )
                % {"label": result.label, "commune": row.commune.label},
                WARNING,
            )
    for row in to_place:
        if not row.fields.get("address") and row.report.action == CREATE:
            ctx.problem(
                row,
                "address",
                _("Ni adresse ni coordonnées : l'initiative ne sera pas placée sur la carte."),
                WARNING,
            )
