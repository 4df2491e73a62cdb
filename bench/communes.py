"""`communes`: the communes' outlines in memory, as `pepites fetch_reference_geodata` loads
them: building the STRtree of 35,000 generalised outlines (time, memory, stored size) and
finding the commune of 100,000 points (pepites.territories.commune_index, no database).

The outlines are synthetic (a grid of irregular cells over metropolitan France, about as
many vertices as Etalab's 100 m edition once simplified to 20 m), the points drawn at random
inside the grid.
"""

from __future__ import annotations

import math
import random
import time
from pathlib import Path

from bench.common import Context
from bench.registry import Row, register

COMMUNES = 35_000
POINTS = 100_000
VERTICES = 60  # per outline, after the 20 m simplification
WEST, SOUTH, EAST, NORTH = -4.5, 42.5, 7.5, 51.0


def _rss_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * 4096


def synthetic_outlines(count: int, seed: int) -> tuple[list[str], list[str]]:
    """GeoJSON texts of `count` cells tiling the box, each with VERTICES wobbly vertices."""
    import shapely
    from shapely.geometry import MultiPolygon, Polygon

    rng = random.Random(seed)
    columns = int(math.sqrt(count * (EAST - WEST) / (NORTH - SOUTH)))
    rows = math.ceil(count / columns)
    width, height = (EAST - WEST) / columns, (NORTH - SOUTH) / rows
    codes, texts = [], []
    for n in range(count):
        x0 = WEST + (n % columns) * width
        y0 = SOUTH + (n // columns) * height
        cx, cy = x0 + width / 2, y0 + height / 2
        ring = []
        for i in range(VERTICES):
            angle = 2 * math.pi * i / VERTICES
            r = rng.uniform(0.9, 1.0)
            ring.append(
                (cx + r * width / 2 * math.cos(angle), cy + r * height / 2 * math.sin(angle))
            )
        geometry = MultiPolygon([Polygon(ring)])
        codes.append(f"{n:05d}")
        texts.append(shapely.to_geojson(shapely.set_precision(geometry, 1e-5)))
    return codes, texts


@register(
    "communes",
    title="Communes' outlines: index and point → commune",
    description=(
        "Builds the in-memory index of 35,000 synthetic generalised commune outlines (as "
        "fetch_reference_geodata stores them) and finds the commune of 100,000 random points."
    ),
    sized=False,
    fixed_size=lambda options: COMMUNES,
)
def run(size: int, workdir: Path, ctx: Context) -> list[Row]:
    from pepites.territories.commune_index import CommuneIndex

    codes, texts = synthetic_outlines(size, ctx.options.seed)
    stored_mb = sum(len(t) for t in texts) / 1e6
    before = _rss_bytes()
    started = time.perf_counter()
    index = CommuneIndex(codes, texts)
    build_s = time.perf_counter() - started
    memory_mb = (_rss_bytes() - before) / 1e6
    rng = random.Random(ctx.options.seed)
    lons = [rng.uniform(WEST, EAST) for _ in range(POINTS)]
    lats = [rng.uniform(SOUTH, NORTH) for _ in range(POINTS)]
    started = time.perf_counter()
    found = index.locate_many(lons, lats)
    locate_s = time.perf_counter() - started
    return [
        {
            "database": "none (in memory)",
            "size": size,
            "outlines stored (MB of GeoJSON)": round(stored_mb, 1),
            "index build (s)": round(build_s, 2),
            "index memory (MB, RSS)": round(memory_mb, 1),
            f"{POINTS:,} points → commune (s)": round(locate_s, 2),
            "points placed": sum(1 for code in found if code),
        }
    ]
