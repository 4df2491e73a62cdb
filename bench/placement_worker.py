"""The Django side of the `placement-db` benchmark, in a subprocess of its own:

    python -m bench.placement_worker place '{"count": N, "seed": 0, "path": "qpv.geojson"}'

The last line printed is `BENCH-RESULT {json}` (see bench/worker.py).
"""

import time
from pathlib import Path

from bench.worker import run_task


def _place_task(args: dict) -> dict:
    """Inside Django: generate, import without placement, then time the placement."""
    from pepites.initiatives.demo import generate_initiatives
    from pepites.initiatives.placement.services import place_initiatives
    from pepites.territories.qpv_files import read_qpv_file
    from pepites.territories.services import import_qpv

    generate_initiatives(count=args["count"], seed=args.get("seed", 0))
    started = time.perf_counter()
    import_qpv(data=read_qpv_file(Path(args["path"])))
    import_s = time.perf_counter() - started
    started, cpu_started = time.perf_counter(), time.process_time()
    first = place_initiatives()
    place_s = time.perf_counter() - started
    place_cpu_s = time.process_time() - cpu_started
    started = time.perf_counter()
    second = place_initiatives()
    rerun_s = time.perf_counter() - started
    return {
        "import_s": import_s,
        "place_s": place_s,
        "place_cpu_s": place_cpu_s,
        "rerun_s": rerun_s,
        "changed": first.changed,
        "rerun_changed": second.changed,
        "by_relation": first.by_relation,
    }


if __name__ == "__main__":
    run_task({"place": _place_task})
