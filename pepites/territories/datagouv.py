"""data.gouv.fr: a dataset's resources through its API, and verified downloads.

The only module that downloads reference geodata. Every request has a timeout; transient
failures (network, 5xx, 429) are retried; an interrupted download resumes with a Range
request; a file whose size or checksum differs from what the API announced is deleted and
refused, so nothing downstream ever reads it.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import httpx
from django.utils.translation import gettext as _

USER_AGENT = "Pepites/1 (reference geodata)"
CONNECT_TIMEOUT_S = 5.0
CHUNK_BYTES = 1 << 16
LICENCES = {
    "lov2": "Licence Ouverte 2.0",
    "fr-lo": "Licence Ouverte 1.0",
    "odc-odbl": "Open Database License (ODbL)",
    "cc-by": "Creative Commons Attribution",
}
CHECKSUM_TYPES = ("sha256", "sha1", "md5")


class FetchError(Exception):
    """A download that did not happen or was refused; `offline`: the service was not
    reachable at all (no network), rather than answering wrongly."""

    def __init__(self, message: str, *, offline: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.offline = offline


@dataclass(frozen=True)
class Resource:
    """One file of a dataset, as the API describes it (or as pinned by the operator)."""

    url: str
    title: str
    format: str = ""
    filesize: int | None = None
    checksum: str = ""  # "sha1:…" (the API's), "sha256:…" (pinned), or "" when unknown
    last_modified: str = ""
    licence: str = ""
    page: str = ""  # the dataset's page, for people

    @property
    def filename(self) -> str:
        name = Path(unquote(urlparse(self.url).path)).name or "resource"
        return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:120]


def resources_of(dataset: dict) -> list[Resource]:
    """The resources of a dataset API answer (https://www.data.gouv.fr/api/1/datasets/…)."""
    licence = LICENCES.get(str(dataset.get("license") or ""), str(dataset.get("license") or ""))
    found = []
    for item in dataset.get("resources") or []:
        if not isinstance(item, dict) or not item.get("url"):
            continue
        checksum = item.get("checksum") or {}
        kind = str(checksum.get("type") or "").lower() if isinstance(checksum, dict) else ""
        value = str(checksum.get("value") or "").lower() if isinstance(checksum, dict) else ""
        size = item.get("filesize")
        found.append(
            Resource(
                url=str(item["url"]),
                title=str(item.get("title") or ""),
                format=str(item.get("format") or "").lower(),
                filesize=size if isinstance(size, int) and size > 0 else None,
                checksum=f"{kind}:{value}" if kind in CHECKSUM_TYPES and value else "",
                last_modified=str(item.get("last_modified") or ""),
                licence=licence,
                page=str(dataset.get("page") or ""),
            )
        )
    return found


class GeodataClient:
    def __init__(
        self,
        *,
        timeout: float = 30.0,
        retries: int = 2,
        backoff_s: float = 1.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.retries = max(0, retries)
        self.backoff_s = backoff_s
        self.client = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT_S, timeout)),
            headers={"User-Agent": USER_AGENT},
            follow_redirects=True,
            transport=transport,
        )

    def __enter__(self) -> GeodataClient:
        return self

    def __exit__(self, *exc) -> None:
        self.client.close()

    def _attempts(self):
        """1 + retries attempts, waiting a little longer before each new one."""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff_s * attempt)
            yield attempt

    def get_json(self, url: str) -> dict:
        error: FetchError | None = None
        for _attempt in self._attempts():
            try:
                response = self.client.get(url, headers={"Accept": "application/json"})
            except httpx.ConnectError as exc:  # no route, no name: no network, don't insist
                raise _unreachable(url, exc) from exc
            except httpx.TransportError as exc:
                error = _unreachable(url, exc)
                continue
            if response.status_code >= 500 or response.status_code == 429:
                error = FetchError(_http_error(url, response.status_code))
                continue
            if response.status_code != 200:
                raise FetchError(_http_error(url, response.status_code))
            try:
                data = response.json()
            except ValueError as exc:
                raise FetchError(
                    _("Réponse illisible de %(url)s : ce n'est pas du JSON.") % {"url": url}
                ) from exc
            if not isinstance(data, dict):
                raise FetchError(_("Réponse inattendue de %(url)s.") % {"url": url})
            return data
        assert error is not None
        raise error

    def download(self, resource: Resource, *, folder: Path) -> Path:
        """The file in `folder`, complete and verified; a partial download left by an
        earlier attempt is resumed. Raises FetchError (and keeps nothing unverified)."""
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / resource.filename
        partial = target.with_name(target.name + ".part")
        error: FetchError | None = None
        for _attempt in self._attempts():
            try:
                self._download_to(resource.url, partial)
            except httpx.TransportError as exc:
                error = _unreachable(resource.url, exc)  # keep the part: resume next time
                continue
            except FetchError as exc:
                error = exc
                continue
            error = None
            break
        if error is not None:
            raise error
        try:
            verify(partial, size=resource.filesize, checksum=resource.checksum)
        except FetchError:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(target)
        return target

    def _download_to(self, url: str, partial: Path) -> None:
        done = partial.stat().st_size if partial.exists() else 0
        # Raw bytes, not re-encoded: a Range counts the bytes of the file itself.
        headers = {"Accept-Encoding": "identity"}
        if done:
            headers["Range"] = f"bytes={done}-"
        with self.client.stream("GET", url, headers=headers) as response:
            if response.status_code == 416:  # nothing left to send: already complete
                return
            if response.status_code >= 500 or response.status_code == 429:
                raise FetchError(_http_error(url, response.status_code))
            if response.status_code not in (200, 206):
                raise FetchError(_http_error(url, response.status_code))
            mode = "ab" if response.status_code == 206 and done else "wb"
            with partial.open(mode) as out:
                for chunk in response.iter_raw():  # written as it comes: resumable
                    out.write(chunk)


def verify(path: Path, *, size: int | None, checksum: str) -> str:
    """Check the file against the announced size and checksum; return its SHA-256."""
    actual_size = path.stat().st_size
    if size is not None and actual_size != size:
        raise FetchError(
            _(
                "Fichier %(name)s refusé : %(actual)s octets reçus au lieu de %(size)s "
                "(téléchargement tronqué)."
            )
            % {"name": path.name.removesuffix(".part"), "actual": actual_size, "size": size}
        )
    kind, _sep, expected = checksum.partition(":")
    digests = {"sha256": hashlib.sha256()}
    if kind in CHECKSUM_TYPES and kind != "sha256":
        digests[kind] = hashlib.new(kind)
    with path.open("rb") as handle:
        while block := handle.read(CHUNK_BYTES * 16):
            for digest in digests.values():
                digest.update(block)
    if expected and digests[kind].hexdigest() != expected:
        raise FetchError(
            _(
                "Fichier %(name)s refusé : son empreinte %(kind)s ne correspond pas à celle "
                "annoncée (fichier corrompu ou modifié)."
            )
            % {"name": path.name.removesuffix(".part"), "kind": kind}
        )
    return digests["sha256"].hexdigest()


def _unreachable(url: str, exc: Exception) -> FetchError:
    host = urlparse(url).hostname or url
    return FetchError(
        _("%(host)s n'est pas joignable (%(error)s).")
        % {"host": host, "error": type(exc).__name__},
        offline=True,
    )


def _http_error(url: str, status: int) -> str:
    return _("%(url)s a répondu par une erreur HTTP %(status)s.") % {"url": url, "status": status}
