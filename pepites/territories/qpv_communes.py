"""A point's commune from the QPV outlines, offline: a point inside a quartier prioritaire
lies in the commune the ANCT names for it (only when it names exactly one: a QPV across
several communes does not say which). Used when the BAN cannot answer."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pepites.territories.models import Commune, Qpv
from pepites.territories.qpv_lookup import build_qpv_index
from pepites.territories.selectors import normalise_place_name


def _single_commune(qpv: Qpv) -> str:
    names = [n for n in re.split(r"\s*[,;]\s*", qpv.communes_label or "") if n.strip()]
    if len(names) != 1:
        return ""
    wanted = normalise_place_name(names[0])
    codes = [
        code
        for code, name in Commune.objects.filter(departement_id=qpv.departement_id).values_list(
            "code", "name"
        )
        if normalise_place_name(name) == wanted
    ]
    return codes[0] if len(codes) == 1 else ""


def communes_from_qpvs(points: Sequence[tuple[float, float]]) -> list[str]:
    """For each (longitude, latitude), the INSEE code of its commune when a QPV with a
    single commune contains it; "" otherwise."""
    if not points:
        return []
    index = build_qpv_index()
    if not len(index):
        return [""] * len(points)
    placements = index.place_many([p[0] for p in points], [p[1] for p in points])
    containing = {code for p in placements if p is not None for code in p.containing}
    commune_of = {qpv.code: _single_commune(qpv) for qpv in Qpv.objects.filter(code__in=containing)}
    found = []
    for placement in placements:
        codes = {commune_of.get(c, "") for c in (placement.containing if placement else ())}
        found.append(codes.pop() if len(codes) == 1 else "")
    return found
