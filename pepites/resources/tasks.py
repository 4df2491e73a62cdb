"""The resources' queued jobs: a file's text and preview are extracted by the worker, never
during the request that uploaded it."""

from __future__ import annotations

from pepites.core.jobs import job


@job(retries=2, backoff=60)
def extract_resource_text(*, resource_id: int) -> str:
    from pepites.resources.reading import store_extraction

    return store_extraction(resource_id=resource_id)
