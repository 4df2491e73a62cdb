"""The no-op job of the `jobs` benchmark (imported by path by the workers)."""

from pepites.core.jobs import job


@job()
def noop() -> None:
    return None
