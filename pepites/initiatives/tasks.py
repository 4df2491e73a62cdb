"""The initiatives' queued and periodic jobs (see pepites/core/jobs)."""

from __future__ import annotations

from datetime import time, timedelta

from pepites.core.jobs import Daily, Every, job, periodic


@periodic(
    name="imports.sweep",
    schedule=Daily(time(4, 10)),
    description="Supprime les imports (et leurs fichiers) de plus de deux jours.",
)
@job()
def sweep_import_jobs() -> int:
    from pepites.initiatives.imports.jobs import sweep

    return sweep()


@periodic(
    name="initiatives.check_reminders",
    schedule=Daily(time(8, 0), weekday=0),
    description="Rappel hebdomadaire à chaque centre de ses initiatives à vérifier.",
)
@job()
def send_check_reminders() -> int:
    from pepites.initiatives.reminders import send_check_reminders as send

    return send()


@periodic(
    name="initiatives.check_links",
    schedule=Daily(time(2, 30)),
    description="Vérifie les liens publics des initiatives publiées (LINK_CHECK_BATCH par nuit).",
)
@job()
def check_links() -> int:
    from pepites.initiatives.links import check_links as check

    return check()


@periodic(
    name="organisations.check_closures",
    schedule=Daily(time(3, 40)),
    description=(
        "Interroge l'annuaire des entreprises sur les SIRET des porteurs (SIRENE_CHECK_BATCH "
        "par nuit) et signale les porteurs fermés dans l'espace."
    ),
)
@job()
def check_porteur_closures() -> dict:
    from pepites.initiatives.porteurs import check_closures

    return check_closures()


@periodic(
    name="imports.place_pending",
    schedule=Every(timedelta(minutes=30)),
    description=(
        "Place les lignes d'import gardées sans commune (service d'adresses injoignable) "
        "et crée leurs initiatives."
    ),
)
@job()
def place_pending_rows() -> dict:
    from pepites.initiatives.imports.pending import place_pending_rows as place

    return place()


@periodic(
    name="harvest.fetch_sources",
    schedule=Every(timedelta(hours=1)),
    description=(
        "Moissonne les cartes des centres (uMap, GoGoCarto, tableurs en ligne) arrivées à "
        "échéance ; leurs différences attendent la décision du centre dans l'espace."
    ),
)
@job()
def harvest_sources() -> dict:
    from pepites.initiatives.harvest.services import harvest_due_sources

    return harvest_due_sources()
