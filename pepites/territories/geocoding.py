"""The one client of the BAN geocoder (Base Adresse Nationale, served by the IGN
Géoplateforme): /search, /reverse and /search/csv for batches.

Every answer ends in a clear status: found, uncertain (score under the minimum: a person
should confirm the point), not found, or unavailable (timeouts, errors, too many requests).
Answers are cached through Django's cache; HTTP 429 is retried after its Retry-After.
Nothing else in Pépites speaks to the geocoder.
"""

from __future__ import annotations

import csv
import email.utils
import hashlib
import io
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum

import httpx
from django.conf import settings
from django.core.cache import cache as default_cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)

USER_AGENT = "Pepites (carte des initiatives des centres de ressources politique de la ville)"
# The API refuses queries shorter than this.
MIN_QUERY_LENGTH = 3
BATCH_SIZE = 5_000
RETRYABLE_STATUS = {429, 500, 502, 503, 504}


class GeocodeStatus(StrEnum):
    FOUND = "found"
    UNCERTAIN = "uncertain"
    NOT_FOUND = "not_found"
    UNAVAILABLE = "unavailable"


STATUS_LABELS = {
    GeocodeStatus.FOUND: gettext_lazy("Adresse trouvée."),
    GeocodeStatus.UNCERTAIN: gettext_lazy("Adresse incertaine : vérifiez le point sur la carte."),
    GeocodeStatus.NOT_FOUND: gettext_lazy("Adresse introuvable : placez le point sur la carte."),
    GeocodeStatus.UNAVAILABLE: gettext_lazy(
        "Géocodeur injoignable : réessayez plus tard ou placez le point sur la carte."
    ),
}


@dataclass(frozen=True)
class GeocodeResult:
    status: GeocodeStatus
    query: str
    label: str = ""
    latitude: float | None = None
    longitude: float | None = None
    score: float | None = None
    citycode: str = ""
    postcode: str = ""
    city: str = ""
    result_type: str = ""
    message: str = ""

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def needs_review(self) -> bool:
        """A person should look at the point (or place it) before it is trusted."""
        return self.status is not GeocodeStatus.FOUND

    def location_fields(self) -> dict:
        """Fields for create_initiative/update_initiative: the point and how it was found."""
        fields: dict = {"location_status": self.status.value}
        if self.located:
            fields.update(latitude=self.latitude, longitude=self.longitude)
        return fields


@dataclass(frozen=True)
class BatchAddress:
    key: str  # the caller's identifier, given back with the result
    address: str
    citycode: str = ""
    postcode: str = ""


class _Unavailable(Exception):
    """The service did not give a usable answer after every attempt."""


class BanGeocoder:
    """A client of the BAN geocoder. The HTTP client (or just its transport), base URL,
    retries, clock and cache are parameters, so tests use a local fake server."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        min_score: float | None = None,
        cache=None,
        cache_seconds: int | None = None,
        max_wait_s: float = 30.0,
        budget_s: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = (base_url or settings.GEOCODER_URL).rstrip("/")
        self.timeout = float(timeout if timeout is not None else settings.GEOCODER_TIMEOUT)
        self.client = client or httpx.Client(
            transport=transport,
            timeout=self.timeout,
            headers={"User-Agent": USER_AGENT},
        )
        self.retries = max(0, retries if retries is not None else settings.GEOCODER_RETRIES)
        self.min_score = min_score if min_score is not None else settings.GEOCODER_MIN_SCORE
        self.cache = cache if cache is not None else default_cache
        self.cache_seconds = (
            cache_seconds if cache_seconds is not None else settings.GEOCODER_CACHE_SECONDS
        )
        self.max_wait_s = max_wait_s
        # Every attempt and wait of one request fits in this many seconds, whatever the
        # retries: a caller (a visitor's request) knows the most it can wait.
        self.budget_s = float(budget_s if budget_s is not None else settings.GEOCODER_BUDGET)
        self.sleep = sleep
        self.clock = clock

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> BanGeocoder:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # --- public operations -------------------------------------------------------------

    def search(self, *, address: str, citycode: str = "", postcode: str = "") -> GeocodeResult:
        """Geocode one address, within the commune `citycode` (INSEE code) when given."""
        query = " ".join((address or "").split())
        if len(query) < MIN_QUERY_LENGTH or not query[0].isalnum():
            return GeocodeResult(
                status=GeocodeStatus.NOT_FOUND,
                query=query,
                message=_("Adresse trop courte ou mal formée."),
            )
        params = {"q": query, "limit": 1, "index": "address"}
        if citycode:
            params["citycode"] = citycode
        if postcode:
            params["postcode"] = postcode
        return self._cached(
            "search",
            params,
            lambda: self._feature_result(query, self._get_json("/search", params)),
        )

    def reverse(self, *, latitude: float, longitude: float) -> GeocodeResult:
        """The nearest address of a point (to show what a hand-placed marker points at)."""
        params = {"lat": f"{latitude:.6f}", "lon": f"{longitude:.6f}", "limit": 1}
        query = f"{latitude:.6f},{longitude:.6f}"
        return self._cached(
            "reverse",
            params,
            lambda: self._feature_result(query, self._get_json("/reverse", params), reverse=True),
        )

    def search_batch(self, addresses: Sequence[BatchAddress]) -> dict[str, GeocodeResult]:
        """Geocode many addresses with /search/csv (a few requests instead of one each).

        Results are cached like single searches, and already cached ones are not sent.
        """
        results: dict[str, GeocodeResult] = {}
        pending: list[BatchAddress] = []
        for item in addresses:
            params = self._search_params(item)
            cached = self.cache.get(self._cache_key("search", params)) if params else None
            if params is None:
                results[item.key] = self.search(address=item.address)
            elif cached is not None:
                results[item.key] = self._from_cache(cached)
            else:
                pending.append(item)
        for start in range(0, len(pending), BATCH_SIZE):
            chunk = pending[start : start + BATCH_SIZE]
            try:
                rows = self._post_csv(chunk)
            except _Unavailable as exc:
                for item in chunk:
                    results[item.key] = self._unavailable(item.address, exc)
                continue
            for item, row in zip(chunk, rows, strict=True):
                result = self._csv_result(item, row)
                results[item.key] = result
                if result.status is not GeocodeStatus.UNAVAILABLE:
                    self._store("search", self._search_params(item), result)
        return results

    # --- answers -----------------------------------------------------------------------

    def _classify(self, score: float | None) -> GeocodeStatus:
        if score is not None and score < self.min_score:
            return GeocodeStatus.UNCERTAIN
        return GeocodeStatus.FOUND

    def _feature_result(self, query: str, data: dict, *, reverse: bool = False) -> GeocodeResult:
        features = data.get("features") if isinstance(data, dict) else None
        if not isinstance(features, list):
            raise _Unavailable(_("Réponse du géocodeur inattendue (pas de « features »)."))
        if not features:
            return GeocodeResult(
                status=GeocodeStatus.NOT_FOUND,
                query=query,
                message=_("Aucune adresse correspondante."),
            )
        feature = features[0]
        try:
            properties = feature["properties"]
            longitude, latitude = (float(v) for v in feature["geometry"]["coordinates"][:2])
            score = properties.get("score")
            score = float(score) if score is not None else None
        except (KeyError, TypeError, ValueError) as exc:
            raise _Unavailable(_("Réponse du géocodeur illisible.")) from exc
        status = GeocodeStatus.FOUND if reverse else self._classify(score)
        return GeocodeResult(
            status=status,
            query=query,
            label=str(properties.get("label", "")),
            latitude=latitude,
            longitude=longitude,
            score=score,
            citycode=str(properties.get("citycode", "")),
            postcode=str(properties.get("postcode", "")),
            city=str(properties.get("city", "")),
            result_type=str(properties.get("type", "")),
            message=(
                _("Score %(score).2f sous le minimum %(min).2f : à confirmer.")
                % {"score": score, "min": self.min_score}
                if status is GeocodeStatus.UNCERTAIN
                else ""
            ),
        )

    def _csv_result(self, item: BatchAddress, row: dict[str, str]) -> GeocodeResult:
        status = (row.get("result_status") or "").strip()
        query = " ".join(item.address.split())
        if status == "error":
            return self._unavailable(query, _Unavailable(_("Erreur du géocodeur sur cette ligne.")))
        latitude: float | None
        longitude: float | None
        score: float | None
        try:
            latitude = float(row["latitude"])
            longitude = float(row["longitude"])
            score = float(row["result_score"]) if row.get("result_score") else None
        except (KeyError, TypeError, ValueError):
            latitude = longitude = score = None
        if (status and status != "ok") or latitude is None or longitude is None:
            return GeocodeResult(
                status=GeocodeStatus.NOT_FOUND,
                query=query,
                message=_("Aucune adresse correspondante."),
            )
        result_status = self._classify(score)
        return GeocodeResult(
            status=result_status,
            query=query,
            label=row.get("result_label", ""),
            latitude=latitude,
            longitude=longitude,
            score=score,
            citycode=row.get("result_citycode", ""),
            postcode=row.get("result_postcode", ""),
            city=row.get("result_city", ""),
            result_type=row.get("result_type", ""),
            message=(
                _("Score %(score).2f sous le minimum %(min).2f : à confirmer.")
                % {"score": score, "min": self.min_score}
                if result_status is GeocodeStatus.UNCERTAIN
                else ""
            ),
        )

    def _unavailable(self, query: str, exc: Exception) -> GeocodeResult:
        return GeocodeResult(status=GeocodeStatus.UNAVAILABLE, query=query, message=str(exc))

    # --- HTTP with retries ---------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs) -> httpx.Response:
        """Send with retries: a 429 waits its Retry-After, errors back off exponentially."""
        last_problem = ""
        deadline = self.clock() + self.budget_s
        attempts = 0
        for attempt in range(self.retries + 1):
            wait = min(0.5 * 2**attempt, self.max_wait_s)
            timeout = min(self.timeout, deadline - self.clock())
            if timeout <= 0:
                break
            attempts += 1
            try:
                response = self.client.request(
                    method, f"{self.base_url}{path}", timeout=timeout, **kwargs
                )
            except httpx.TimeoutException:
                last_problem = _("délai de %(s)s s dépassé") % {"s": self.timeout}
            except httpx.TransportError as exc:
                last_problem = _("connexion impossible (%(error)s)") % {
                    "error": exc.__class__.__name__
                }
            else:
                if response.status_code not in RETRYABLE_STATUS:
                    return response
                last_problem = _("réponse HTTP %(code)s") % {"code": response.status_code}
                if response.status_code == 429:
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
                    if retry_after is not None:
                        if retry_after > self.max_wait_s:
                            raise _Unavailable(
                                _("Géocodeur saturé (trop de requêtes) : réessayez dans %(s)d s.")
                                % {"s": retry_after}
                            )
                        wait = retry_after
            if attempt < self.retries and self.clock() + wait >= deadline:
                last_problem += " ; " + _("durée maximale de %(s)s s atteinte") % {
                    "s": f"{self.budget_s:g}"
                }
                break
            if attempt < self.retries:
                logger.info("geocoder %s %s: %s, retry in %.1f s", method, path, last_problem, wait)
                self.sleep(wait)
        raise _Unavailable(
            _("Géocodeur injoignable après %(n)s tentatives : %(problem)s.")
            % {"n": attempts, "problem": last_problem}
        )

    def _get_json(self, path: str, params: dict) -> dict:
        response = self._request("GET", path, params=params)
        if response.status_code == 400:  # the query itself was refused: retrying won't help
            return {"features": []}
        if response.status_code != 200:
            raise _Unavailable(
                _("Réponse HTTP %(code)s du géocodeur.") % {"code": response.status_code}
            )
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise _Unavailable(_("Réponse du géocodeur qui n'est pas du JSON.")) from exc

    def _post_csv(self, chunk: Sequence[BatchAddress]) -> list[dict[str, str]]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["pepites_key", "adresse", "citycode", "postcode"])
        for index, item in enumerate(chunk):
            writer.writerow([index, " ".join(item.address.split()), item.citycode, item.postcode])
        form = {"columns": "adresse"}
        if any(item.citycode for item in chunk):
            form["citycode"] = "citycode"
        if any(item.postcode for item in chunk):
            form["postcode"] = "postcode"
        response = self._request(
            "POST",
            "/search/csv",
            data=form,
            files={"data": ("adresses.csv", buffer.getvalue().encode("utf-8"), "text/csv")},
        )
        if response.status_code != 200:
            raise _Unavailable(
                _("Réponse HTTP %(code)s du géocodeur.") % {"code": response.status_code}
            )
        try:
            rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        except (UnicodeDecodeError, csv.Error) as exc:
            raise _Unavailable(_("Réponse CSV du géocodeur illisible.")) from exc
        by_key: dict[int, dict[str, str]] = {}
        for row in rows:
            try:
                by_key[int(row.get("pepites_key", ""))] = row
            except ValueError:
                continue
        if set(by_key) != set(range(len(chunk))):
            raise _Unavailable(_("Réponse CSV du géocodeur incomplète."))
        return [by_key[i] for i in range(len(chunk))]

    # --- cache -------------------------------------------------------------------------

    @staticmethod
    def _search_params(item: BatchAddress) -> dict | None:
        query = " ".join((item.address or "").split())
        if len(query) < MIN_QUERY_LENGTH or not query[0].isalnum():
            return None
        params = {"q": query, "limit": 1, "index": "address"}
        if item.citycode:
            params["citycode"] = item.citycode
        if item.postcode:
            params["postcode"] = item.postcode
        return params

    def _cache_key(self, operation: str, params: dict) -> str:
        raw = json.dumps([self.base_url, operation, params], sort_keys=True)
        return "geocode:" + hashlib.sha256(raw.encode()).hexdigest()

    def _store(self, operation: str, params: dict | None, result: GeocodeResult) -> None:
        if params is None:
            return
        data = asdict(result)
        data["status"] = result.status.value
        self.cache.set(self._cache_key(operation, params), data, self.cache_seconds)

    def _from_cache(self, data: dict) -> GeocodeResult:
        data = dict(data)
        result = GeocodeResult(**{**data, "status": GeocodeStatus(data["status"])})
        if result.score is not None and result.status in {
            GeocodeStatus.FOUND,
            GeocodeStatus.UNCERTAIN,
        }:
            # The minimum score may have changed since the answer was cached.
            result = GeocodeResult(**{**asdict(result), "status": self._classify(result.score)})
        return result

    def _cached(self, operation: str, params: dict, fetch: Callable[[], GeocodeResult]):
        key = self._cache_key(operation, params)
        cached = self.cache.get(key)
        if cached is not None:
            return self._from_cache(cached)
        query = params.get("q") or f"{params.get('lat')},{params.get('lon')}"
        try:
            result = fetch()
        except _Unavailable as exc:
            return self._unavailable(query, exc)  # never cached: the next try may work
        self._store(operation, params, result)
        return result


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def geocoder(**overrides) -> BanGeocoder:
    """A client configured from the settings (GEOCODER_URL, GEOCODER_TIMEOUT…)."""
    return BanGeocoder(**overrides)
