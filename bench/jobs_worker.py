"""The Django side of the `jobs` benchmark, in a subprocess of its own:

    python -m bench.jobs_worker enqueue '{"kind": "noop", "count": N}'

The last line printed is `BENCH-RESULT {json}` (see bench/worker.py).
"""

import statistics
import time

from bench.worker import run_task


def _tasks():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects


def _enqueue(args: dict) -> dict:
    from django.db import transaction

    from bench.jobs_tasks import noop
    from pepites.core.jobs.email import send_email

    started = time.perf_counter()
    with transaction.atomic():
        for n in range(args["count"]):
            if args["kind"] == "noop":
                noop.enqueue()
            else:
                send_email.enqueue(
                    subject=f"Essai {n}", body="Un courriel de mesure.", to=[f"a{n}@example.org"]
                )
    return {"enqueue_s": time.perf_counter() - started}


def _stats(_args: dict) -> dict:
    """Throughput from the rows' own timestamps (from the first start to the last finish)."""
    from django.db.models import Max, Min

    done = _tasks().filter(status__in=["SUCCESSFUL", "FAILED"])
    span = done.aggregate(first=Min("started_at"), last=Max("finished_at"))
    return {
        "done": done.count(),
        "failed": done.filter(status="FAILED").count(),
        "span_s": (span["last"] - span["first"]).total_seconds(),
    }


def _trickle(args: dict) -> dict:
    """Enqueue no-op jobs one at a time while a worker waits idle; latency enqueue → start."""
    from bench.jobs_tasks import noop

    ids = []
    for _ in range(args["count"]):
        ids.append(noop.enqueue().id)
        time.sleep(args["every"])
    deadline = time.monotonic() + 120
    rows = _tasks().filter(pk__in=ids)
    while rows.exclude(status="SUCCESSFUL").exists():
        assert time.monotonic() < deadline, "the worker did not run the trickled jobs"
        time.sleep(0.1)
    latencies = sorted((r.started_at - r.enqueued_at).total_seconds() for r in rows)
    return {
        "p50_s": statistics.median(latencies),
        "p95_s": latencies[max(0, int(len(latencies) * 0.95) - 1)],
        "max_s": latencies[-1],
    }


if __name__ == "__main__":
    run_task({"enqueue": _enqueue, "stats": _stats, "trickle": _trickle})
