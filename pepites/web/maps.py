"""Map backgrounds shared by every map of the site, chosen by the MAP_TILES setting.

Templates get `MAP_CONFIG` from the context processor below and render it with
`{% include "web/includes/map_config.html" %}` (a json_script element read by the scripts).
"""

from django.conf import settings
from django.http import HttpRequest

TILE_LAYERS = {
    "ign": {
        "url": (
            "https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
            "&LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&TILEMATRIXSET=PM"
            "&FORMAT=image/png&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}"
        ),
        "attribution": "© IGN – Plan IGN",
        "max_zoom": 19,
    },
    "osmfr": {
        "url": "https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png",
        "attribution": "© les contributeurs d'OpenStreetMap",
        "max_zoom": 20,
    },
}


def map_config() -> dict:
    return {"tiles": TILE_LAYERS[settings.MAP_TILES]}


def map_settings(request: HttpRequest) -> dict:
    return {"MAP_CONFIG": map_config()}
