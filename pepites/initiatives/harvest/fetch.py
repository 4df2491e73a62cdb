"""Fetching a source: one GET with a timeout, a size limit read as it streams, and the
validators of the previous answer (If-None-Match, If-Modified-Since): a 304 is no change."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

USER_AGENT = "Pepites (moissonnage des cartes des centres de ressources)"


class FetchError(Exception):
    """The source could not be read; the message is French."""


@dataclass(frozen=True)
class Fetched:
    not_modified: bool
    content: bytes = b""
    etag: str = ""
    last_modified: str = ""


def fetch(
    *, url: str, etag: str = "", last_modified: str = "", client: httpx.Client | None = None
) -> Fetched:
    headers = {"User-Agent": USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    limit = settings.HARVEST_MAX_BYTES
    own = client is None
    client = client or httpx.Client(timeout=settings.HARVEST_TIMEOUT, follow_redirects=True)
    try:
        with client.stream("GET", url, headers=headers) as response:
            if response.status_code == 304:
                return Fetched(not_modified=True, etag=etag, last_modified=last_modified)
            if response.status_code != 200:
                raise FetchError(_("Réponse HTTP %(code)s.") % {"code": response.status_code})
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                raise FetchError(_("Contenu trop gros (plus de %(mb)s Mo).") % {"mb": limit >> 20})
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise FetchError(
                        _("Contenu trop gros (plus de %(mb)s Mo).") % {"mb": limit >> 20}
                    )
                chunks.append(chunk)
            return Fetched(
                not_modified=False,
                content=b"".join(chunks),
                etag=response.headers.get("ETag", "")[:200],
                last_modified=response.headers.get("Last-Modified", "")[:100],
            )
    except httpx.TimeoutException as exc:
        raise FetchError(_("Délai de %(s)s s dépassé.") % {"s": settings.HARVEST_TIMEOUT}) from exc
    except httpx.HTTPError as exc:
        raise FetchError(
            _("Adresse injoignable (%(error)s).") % {"error": exc.__class__.__name__}
        ) from exc
    finally:
        if own:
            client.close()
