"""`placement` and `placement-db`: placing initiatives against 1,600 synthetic QPV outlines.

`placement` measures the in-memory index alone (pepites.territories.placement, no
database, no Django); `placement-db` the whole command path on a throwaway database:
`import_qpv` of the synthetic outlines written as GeoJSON, then `place_initiatives()` over
N generated initiatives, then the same again (which must write nothing).

    python -m bench.placement TASK '{"json": "arguments"}'   (the Django side, in a subprocess)
"""

from __future__ import annotations

import csv
import json
import math
import random
import time
from pathlib import Path

import numpy as np

from bench.common import REPO_DIR, Context, django_env, run_worker
from bench.registry import Row, register

OUTLINES = 1_600
CENTRES_FILE = REPO_DIR / "pepites" / "territories" / "data" / "departement_centres.csv"
BRUTE_FORCE_SAMPLE = 300
TARGET_SECONDS_100K = 60.0
BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _departements() -> list[tuple[str, float, float]]:
    with CENTRES_FILE.open(encoding="utf-8", newline="") as handle:
        return [
            (row["code"], float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(handle)
        ]


def _code(departement: str, n: int) -> str:
    digits = "".join(BASE36[(n // 36**i) % 36] for i in (2, 1, 0))
    return f"QN{departement:0>3}{digits}"


def _ring(rng: random.Random, lon: float, lat: float, radius_m: float, vertices: int):
    """An irregular closed ring around (lon, lat): a wobbly star, like a neighbourhood."""
    angles = np.sort(np.array([rng.uniform(0, 2 * math.pi) for _ in range(vertices)]))
    wobble = np.array([rng.uniform(0.65, 1.0) for _ in range(vertices)])
    radii = radius_m * wobble
    dlat = radii * np.sin(angles) / 111_000
    dlon = radii * np.cos(angles) / (111_320 * math.cos(math.radians(lat)))
    coords = np.column_stack([lon + dlon, lat + dlat])
    return np.vstack([coords, coords[:1]])


def synthetic_outlines(count: int = OUTLINES, seed: int = 0) -> list[dict]:
    """`count` outlines of realistic size: 200-900 m across, 60-600 vertices per ring, one
    in ten with a hole, one in seven in two or three parts; spread over the départements
    (overseas included), near each one's prefecture."""
    from shapely.geometry import MultiPolygon, Polygon

    rng = random.Random(f"qpv-outlines:{seed}")
    departements = _departements()
    per_departement: dict[str, int] = {}
    outlines = []
    for _ in range(count):
        code, lat0, lon0 = rng.choice(departements)
        n = per_departement[code] = per_departement.get(code, 0) + 1
        parts = 1 if rng.random() > 1 / 7 else rng.choice((2, 3))
        lon, lat = lon0 + rng.uniform(-0.25, 0.25), lat0 + rng.uniform(-0.18, 0.18)
        polygons = []
        for part in range(parts):
            radius = rng.uniform(200, 900) / (1 + part)
            shell = _ring(rng, lon + part * 0.02, lat, radius, rng.randint(60, 600))
            holes = []
            if part == 0 and rng.random() < 0.1:
                holes = [_ring(rng, lon + part * 0.02, lat, radius * 0.3, 40)[::-1]]
            polygons.append(Polygon(shell, holes))
        outlines.append(
            {
                "code": _code(code, n),
                "departement": code,
                "commune": f"{code}001" if len(code) == 2 else f"{code}01",
                "geometry": MultiPolygon(polygons),
            }
        )
    return outlines


def synthetic_points(outlines: list[dict], size: int, seed: int = 0) -> tuple[list, list]:
    """Half the points within about 1 km of an outline, half anywhere in a département."""
    rng = random.Random(f"qpv-points:{seed}:{size}")
    departements = _departements()
    lons, lats = [], []
    for i in range(size):
        if i % 2:
            point = rng.choice(outlines)["geometry"].centroid
            lon, lat = point.x + rng.uniform(-0.012, 0.012), point.y + rng.uniform(-0.009, 0.009)
        else:
            _departement, lat, lon = rng.choice(departements)
            lon, lat = lon + rng.uniform(-0.3, 0.3), lat + rng.uniform(-0.22, 0.22)
        lons.append(lon)
        lats.append(lat)
    return lons, lats


def write_geojson(outlines: list[dict], path: Path) -> Path:
    from shapely.geometry import mapping

    features = [
        {
            "type": "Feature",
            "properties": {
                "code_qp": o["code"],
                "lib_qp": f"Quartier synthétique {o['code']}",
                "insee_dep": o["departement"],
                "insee_com": o["commune"],
                "lib_com": "Commune synthétique",
            },
            "geometry": mapping(o["geometry"]),
        }
        for o in outlines
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


# --- in memory ---------------------------------------------------------------------------

_OUTLINE_CACHE: dict[int, list[dict]] = {}


def _outlines_for(seed: int) -> list[dict]:
    if seed not in _OUTLINE_CACHE:
        _OUTLINE_CACHE[seed] = synthetic_outlines(seed=seed)
    return _OUTLINE_CACHE[seed]


def _brute_force_seconds_per_point(index, lons, lats) -> float:
    """Without the spatial index: every outline's distance for every point (sample)."""
    import shapely

    started = time.process_time()
    for zone in index.zones:
        x, y = zone.to_plane.transform(np.array(lons), np.array(lats))
        for px, py in zip(x, y, strict=True):
            shapely.distance(shapely.Point(px, py), zone.geometries).argmin()
    return (time.process_time() - started) / len(lons)


@register(
    "placement",
    title="Placing points against the QPV outlines, in memory",
    description=(
        f"{OUTLINES:,} synthetic outlines of realistic size (200 to 900 m across, 60 to 600 "
        "vertices per ring, some with a hole or in several parts, spread over every "
        "département including overseas) are indexed by `QpvIndex` (one shapely STRtree "
        "per metric projection), then N points are placed in one `place_many` call: "
        "containment, every QPV within 300 m, the nearest QPV and its geodesic distance. "
        "`placement CPU` is the processor time of that call: on a shared machine it moves "
        "less than the wall time. `× without index` compares with computing every "
        f"outline's distance for each point (CPU time, on a sample of {BRUTE_FORCE_SAMPLE} "
        "points in the same run)."
    ),
)
def run_in_memory(size: int, workdir: Path, ctx: Context) -> list[Row]:
    from shapely import get_num_coordinates

    from pepites.territories.placement import QpvIndex, QpvOutline

    outlines = _outlines_for(ctx.options.seed)
    started = time.perf_counter()
    index = QpvIndex(
        [QpvOutline(o["code"], o["departement"], o["geometry"]) for o in outlines],
        near_distance_m=300,
    )
    build_s = time.perf_counter() - started
    lons, lats = synthetic_points(outlines, size, ctx.options.seed)
    ctx.log(f"placing {size:,} points")
    started, cpu_started = time.perf_counter(), time.process_time()
    placements = index.place_many(lons, lats)
    place_s = time.perf_counter() - started
    place_cpu_s = time.process_time() - cpu_started
    brute = _brute_force_seconds_per_point(
        index, lons[:BRUTE_FORCE_SAMPLE], lats[:BRUTE_FORCE_SAMPLE]
    )
    relations = [p.relation for p in placements if p is not None]
    if size >= 100_000:
        ctx.target(
            f"{size:,} points against {OUTLINES:,} outlines in under "
            f"{TARGET_SECONDS_100K:.0f} s (measured {place_s:.1f} s)",
            place_s < TARGET_SECONDS_100K,
        )
    vertices = sum(int(get_num_coordinates(o["geometry"])) for o in outlines)
    ctx.note(f"The synthetic outlines hold {vertices:,} vertices in all.")
    return [
        {
            "database": "in memory",
            "size": size,
            "outlines": len(outlines),
            "index build (s)": build_s,
            "placement (s)": place_s,
            "placement CPU (s)": place_cpu_s,
            "points/s": size / place_s,
            "× without index (CPU)": brute * size / place_cpu_s,
            "in a QPV": relations.count("dans"),
            "within 300 m": relations.count("proximite"),
            "outside": relations.count("hors"),
        }
    ]


# --- through the database ------------------------------------------------------------------


@register(
    "placement-db",
    title="Placing stored initiatives after a QPV import",
    description=(
        f"On a fresh database with the reference data, N initiatives from "
        f"`generate_initiatives(count=N)`, then `import_qpv` of {OUTLINES:,} synthetic "
        "outlines (GeoJSON, without placement), then `place_initiatives()` timed: read the "
        "outlines, build the index, place every initiative and write the results and the "
        "dans/proximite links. `rerun` is the same call again, which must write nothing."
    ),
)
def run_database(size: int, workdir: Path, ctx: Context) -> list[Row]:
    path = write_geojson(_outlines_for(ctx.options.seed), workdir / "qpv.geojson")
    rows = []
    for vendor in ctx.vendors():
        with ctx.database(vendor, workdir, f"{vendor}-{size}") as db:
            ctx.log(f"{vendor}: {size:,} initiatives, then import and placement")
            result = _run_task(
                "place",
                {"count": size, "seed": ctx.options.seed, "path": str(path)},
                django_env(db, workdir / "var"),
            )
        if result["rerun_changed"]:
            ctx.note(f"{vendor}, {size:,}: the rerun changed {result['rerun_changed']} rows.")
        rows.append(
            {
                "database": vendor,
                "size": size,
                "import QPV (s)": result["import_s"],
                "place_initiatives (s)": result["place_s"],
                "of which Python CPU (s)": result.get("place_cpu_s"),
                "initiatives/s": size / result["place_s"],
                "rerun (s)": result["rerun_s"],
                "changed": result["changed"],
                "in a QPV": result["by_relation"].get("dans", 0),
                "within 300 m": result["by_relation"].get("proximite", 0),
            }
        )
    return rows


def _run_task(task: str, args: dict, env: dict[str, str]) -> dict:
    return run_worker(task, args, env, module="bench.placement_worker")
