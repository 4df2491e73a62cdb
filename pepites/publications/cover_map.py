"""The cover's map: the issue's initiatives drawn as points over the départements of
metropolitan France (one faint dot each), in SVG, offline — no tiles, no outline data."""

import base64
import math
from collections.abc import Iterable

from pepites.initiatives.mapdata import read_departement_centres

# Metropolitan France and Corsica; overseas points are counted, not drawn.
SOUTH, NORTH, WEST, EAST = 41.2, 51.3, -5.3, 9.7
WIDTH = 400
MARGIN = 12
_K = math.cos(math.radians((SOUTH + NORTH) / 2))  # equirectangular, true at mid-latitude


def _project(lat: float, lon: float) -> tuple[float, float]:
    scale = (WIDTH - 2 * MARGIN) / ((EAST - WEST) * _K)
    return MARGIN + (lon - WEST) * _K * scale, MARGIN + (NORTH - lat) * scale


def _height() -> float:
    return _project(SOUTH, WEST)[1] + MARGIN


def _in_frame(lat: float, lon: float) -> bool:
    return SOUTH <= lat <= NORTH and WEST <= lon <= EAST


def card_point(card: dict, departements: dict[str, tuple[float, float]]) -> tuple | None:
    """The card's own point (snapshots since issue 19), else its département's prefecture."""
    point = card.get("point")
    if point and point[0] is not None:
        return float(point[0]), float(point[1])
    return departements.get((card.get("commune") or {}).get("departement_code", ""))


def cover_map_svg(*, points: Iterable[tuple[float, float]], colour: str = "#0b5d6b") -> str:
    departements = read_departement_centres()
    height = _height()
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="{WIDTH}" height="{height:.0f}">'
    ]
    for lat, lon in departements.values():
        if _in_frame(lat, lon):
            x, y = _project(lat, lon)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="#e2ddd0"/>')
    for lat, lon in points:
        if _in_frame(lat, lon):
            x, y = _project(lat, lon)
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="{colour}" '
                'stroke="#ffffff" stroke-width="2"/>'
            )
    parts.append("</svg>")
    return "".join(parts)


def cover_map_data_uri(*, cards: list[dict], colour: str = "#0b5d6b") -> str | None:
    """The cover map of the cards as a data: URI, or None without any point to draw."""
    departements = read_departement_centres()
    points = [p for p in (card_point(card, departements) for card in cards) if p]
    if not any(_in_frame(lat, lon) for lat, lon in points):
        return None
    svg = cover_map_svg(points=points, colour=colour)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
