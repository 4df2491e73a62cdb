"""The job queue: Django's task framework (the `django-tasks` backport) with its database
backend, plus the thin layer it lacks (see README, « File de tâches »):

- `job(retries=…, backoff=…)` declares a task whose failures are retried with exponential
  backoff by `pepites worker` (same row, attempt count kept, last error visible);
- `periodic(…)` declares a periodic job; the scheduler (`scheduler.tick`) enqueues each due
  one exactly once across every worker, by a conditional UPDATE of its row;
- `pepites worker` runs the library's worker loop plus the scheduler;
- staff see the failed jobs in the admin and can « Relancer » them.

Each domain app declares its jobs in its own `tasks.py`, discovered when the worker starts.
"""

from pepites.core.jobs.registry import Daily, Every, job, periodic

__all__ = ["Daily", "Every", "job", "periodic"]
