"""The initiatives' queued and periodic jobs (see pepites/core/jobs)."""

from __future__ import annotations

from datetime import time

from pepites.core.jobs import Daily, job, periodic


# Given back once to the queue when its worker dies (then run again from the start: an
# interrupted import wrote nothing); an error inside is reported on the job's page.
@job(retries=1, backoff=0, takes_context=True)
def run_import_job(context, *, job_id: int, write: bool) -> str:
    from pepites.initiatives.imports.jobs import run

    return run(job_id=job_id, write=write, task_id=str(context.task_result.id))


@periodic(
    name="imports.sweep",
    schedule=Daily(time(4, 10)),
    description="Supprime les imports (et leurs fichiers) de plus de deux jours.",
)
@job()
def sweep_import_jobs() -> int:
    from pepites.initiatives.imports.jobs import sweep

    return sweep()
