"""The one client of the State's directory of companies ("recherche d'entreprises",
https://recherche-entreprises.api.gouv.fr, Sirene data, no key).

A look-up by SIRET ends in a clear status: found (active or closed), not found, or
unavailable (timeouts, errors, too many requests: HTTP 429 is retried after its
Retry-After). Answers are cached through Django's cache. Nothing else in Pépites speaks to
this service.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from enum import StrEnum

import httpx
from django.conf import settings
from django.core.cache import cache as default_cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pepites.organisations.validators import clean_siret, siret_problem
from pepites.territories.geocoding import parse_retry_after

logger = logging.getLogger(__name__)

USER_AGENT = "Pepites (carte des initiatives des centres de ressources politique de la ville)"
RETRYABLE_STATUS = {429, 500, 502, 503, 504}

# INSEE's headcount bands ("tranche d'effectif salarié").
HEADCOUNT_BANDS = {
    "NN": gettext_lazy("non employeuse"),
    "00": gettext_lazy("0 salarié"),
    "01": gettext_lazy("1 ou 2 salariés"),
    "02": gettext_lazy("3 à 5 salariés"),
    "03": gettext_lazy("6 à 9 salariés"),
    "11": gettext_lazy("10 à 19 salariés"),
    "12": gettext_lazy("20 à 49 salariés"),
    "21": gettext_lazy("50 à 99 salariés"),
    "22": gettext_lazy("100 à 199 salariés"),
    "31": gettext_lazy("200 à 249 salariés"),
    "32": gettext_lazy("250 à 499 salariés"),
    "41": gettext_lazy("500 à 999 salariés"),
    "42": gettext_lazy("1 000 à 1 999 salariés"),
    "51": gettext_lazy("2 000 à 4 999 salariés"),
    "52": gettext_lazy("5 000 à 9 999 salariés"),
    "53": gettext_lazy("10 000 salariés et plus"),
}


class LookupStatus(StrEnum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class CompanyRecord:
    """What the directory says of one establishment (SIRET) and its legal unit."""

    status: LookupStatus
    siret: str
    legal_name: str = ""
    naf_code: str = ""
    creation_date: str = ""  # ISO date, or ""
    headcount_band: str = ""
    is_ess: bool | None = None
    administrative_state: str = ""  # "A" (active) or "F" (closed)
    closed_on: str = ""
    commune_code: str = ""
    message: str = ""

    @property
    def found(self) -> bool:
        return self.status is LookupStatus.FOUND

    @property
    def is_closed(self) -> bool:
        return self.administrative_state == "F"

    def creation(self) -> date | None:
        return _iso_date(self.creation_date)

    def closure(self) -> date | None:
        return _iso_date(self.closed_on)


def _iso_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


class _Unavailable(Exception):
    pass


class SireneClient:
    """A client of the directory; HTTP client, base URL, retries, clock and cache are
    parameters, so tests use a local fake server."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        client: httpx.Client | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        budget_s: float | None = None,
        cache=None,
        cache_seconds: int | None = None,
        max_wait_s: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = (base_url or settings.SIRENE_URL).rstrip("/")
        self.timeout = float(timeout if timeout is not None else settings.SIRENE_TIMEOUT)
        self.client = client or httpx.Client(
            timeout=self.timeout, headers={"User-Agent": USER_AGENT}
        )
        self.retries = max(0, retries if retries is not None else settings.SIRENE_RETRIES)
        self.budget_s = float(budget_s if budget_s is not None else settings.SIRENE_BUDGET)
        self.cache = cache if cache is not None else default_cache
        self.cache_seconds = (
            cache_seconds if cache_seconds is not None else settings.SIRENE_CACHE_SECONDS
        )
        self.max_wait_s = max_wait_s
        self.sleep = sleep
        self.clock = clock

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> SireneClient:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def lookup_siret(self, siret: str) -> CompanyRecord:
        digits = clean_siret(siret)
        problem = siret_problem(digits)
        if problem:
            return CompanyRecord(status=LookupStatus.NOT_FOUND, siret=digits, message=problem)
        key = "sirene:" + hashlib.sha256(f"{self.base_url}|{digits}".encode()).hexdigest()
        cached = self.cache.get(key)
        if cached is not None:
            return CompanyRecord(**{**cached, "status": LookupStatus(cached["status"])})
        try:
            data = self._get_json({"q": digits, "page": 1, "per_page": 1})
            record = _record(digits, data)
        except _Unavailable as exc:
            return CompanyRecord(status=LookupStatus.UNAVAILABLE, siret=digits, message=str(exc))
        self.cache.set(key, {**asdict(record), "status": record.status.value}, self.cache_seconds)
        return record

    def _get_json(self, params: dict) -> dict:
        response = self._request(params)
        if response.status_code == 400:
            return {"results": []}
        if response.status_code != 200:
            raise _Unavailable(
                _("Réponse HTTP %(code)s de l'annuaire des entreprises.")
                % {"code": response.status_code}
            )
        try:
            data = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise _Unavailable(_("Réponse de l'annuaire des entreprises illisible.")) from exc
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            raise _Unavailable(_("Réponse de l'annuaire des entreprises inattendue."))
        return data

    def _request(self, params: dict) -> httpx.Response:
        """GET /search with retries: a 429 waits its Retry-After, errors back off, and the
        whole fits in the budget."""
        deadline = self.clock() + self.budget_s
        problem = ""
        attempts = 0
        for attempt in range(self.retries + 1):
            timeout = min(self.timeout, deadline - self.clock())
            if timeout <= 0:
                break
            attempts += 1
            wait = min(0.5 * 2**attempt, self.max_wait_s)
            try:
                response = self.client.get(
                    f"{self.base_url}/search", params=params, timeout=timeout
                )
            except httpx.TimeoutException:
                problem = _("délai de %(s)s s dépassé") % {"s": f"{self.timeout:g}"}
            except httpx.TransportError as exc:
                problem = _("connexion impossible (%(error)s)") % {"error": exc.__class__.__name__}
            else:
                if response.status_code not in RETRYABLE_STATUS:
                    return response
                problem = _("réponse HTTP %(code)s") % {"code": response.status_code}
                if response.status_code == 429:
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
                    if retry_after is not None:
                        if retry_after > self.max_wait_s:
                            raise _Unavailable(
                                _(
                                    "Annuaire des entreprises saturé (trop de requêtes) : "
                                    "réessayez dans %(s)d s."
                                )
                                % {"s": retry_after}
                            )
                        wait = retry_after
            if attempt < self.retries and self.clock() + wait < deadline:
                logger.info("sirene lookup: %s, retry in %.1f s", problem, wait)
                self.sleep(wait)
            elif attempt < self.retries:
                break
        raise _Unavailable(
            _(
                "Annuaire des entreprises injoignable après %(n)s tentative(s) : %(problem)s. "
                "Réessayez plus tard ; le SIRET est enregistré."
            )
            % {"n": attempts, "problem": problem}
        )


def _record(siret: str, data: dict) -> CompanyRecord:
    """The establishment `siret` in an answer of /search (a list of legal units, each with
    its head office and the establishments that matched the query)."""
    for unit in data["results"]:
        if not isinstance(unit, dict):
            continue
        establishments = [unit.get("siege") or {}, *(unit.get("matching_etablissements") or [])]
        establishment = next(
            (e for e in establishments if isinstance(e, dict) and e.get("siret") == siret), None
        )
        if establishment is None:
            continue
        complements = unit.get("complements") or {}
        unit_closed = unit.get("etat_administratif") == "F"
        state = "F" if unit_closed else str(establishment.get("etat_administratif") or "")
        return CompanyRecord(
            status=LookupStatus.FOUND,
            siret=siret,
            legal_name=str(unit.get("nom_raison_sociale") or unit.get("nom_complet") or "")[:300],
            naf_code=str(establishment.get("activite_principale") or "")[:8],
            creation_date=str(establishment.get("date_creation") or ""),
            headcount_band=str(
                establishment.get("tranche_effectif_salarie")
                or unit.get("tranche_effectif_salarie")
                or ""
            )[:4],
            is_ess=complements.get("est_ess") if isinstance(complements, dict) else None,
            administrative_state=state if state in {"A", "F"} else "",
            closed_on=str(establishment.get("date_fermeture") or unit.get("date_fermeture") or ""),
            commune_code=str(establishment.get("commune") or "")[:5],
        )
    return CompanyRecord(
        status=LookupStatus.NOT_FOUND,
        siret=siret,
        message=_("Aucun établissement de SIRET %(siret)s dans l'annuaire des entreprises.")
        % {"siret": siret},
    )


def sirene(**overrides) -> SireneClient:
    """A client configured from the settings (SIRENE_URL, SIRENE_TIMEOUT…)."""
    return SireneClient(**overrides)
