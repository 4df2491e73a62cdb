"""The Django side of the `essaimage` benchmark, in a subprocess of its own:

    python -m bench.essaimage_worker measure '{"count": N, "requests": M, ...}'

The last line printed is `BENCH-RESULT {json}` (see bench/worker.py).
"""

import random
import time
import tracemalloc
from datetime import timedelta

from bench.worker import run_task

WARMUP_ROUNDS = 2
BATCH = 5000


def _requests(*, count: int, seed: int) -> float:
    from django.utils import timezone

    from pepites.essaimage.models import InspirationRequest, RequesterKind, RequestStatus
    from pepites.essaimage.services import month_of
    from pepites.initiatives.models import Initiative
    from pepites.network.models import Centre
    from pepites.territories.models import Commune

    rng = random.Random(seed)
    started = time.perf_counter()
    initiatives = list(Initiative.objects.values_list("pk", "centre_id", "principal_theme_id"))
    communes = list(Commune.objects.values_list("code", "region_id"))
    centres = [*Centre.objects.values_list("pk", flat=True), None]
    now = timezone.now()
    batch = []
    for number in range(count):
        pk, centre, theme = rng.choice(initiatives)
        commune, region = rng.choice(communes)
        created = now - timedelta(days=rng.uniform(0, 3 * 365))
        status = rng.choice(RequestStatus.values)
        answered = created + timedelta(days=rng.uniform(0, 20)) if status != "nouvelle" else None
        batch.append(
            InspirationRequest(
                initiative_id=pk,
                theme_id=theme,
                requester_name=f"Demandeur {number}",
                requester_email=f"demandeur{number % 20000}@exemple.invalid",
                requester_kind=rng.choice(RequesterKind.values),
                commune_id=commune,
                region_id=region,
                project="Reproduire",
                referring_centre_id=centre,
                local_centre_id=rng.choice(centres),
                status=status,
                created_at=created,
                month=month_of(created),
                consent_at=created,
                first_answer_at=answered,
                answer_seconds=int((answered - created).total_seconds()) if answered else None,
                is_demo=True,
            )
        )
        if len(batch) == BATCH:
            InspirationRequest.objects.bulk_create(batch)
            batch = []
    InspirationRequest.objects.bulk_create(batch)
    return time.perf_counter() - started


def _links(*, count: int, seed: int) -> None:
    from pepites.initiatives.models import Initiative, InitiativeInspiration

    rng = random.Random(seed + 1)
    pks = list(Initiative.objects.values_list("pk", flat=True))
    pairs = {tuple(rng.sample(pks, 2)) for _ in range(count)}
    InitiativeInspiration.objects.bulk_create(
        [InitiativeInspiration(source_id=a, reproduction_id=b) for a, b in pairs],
        batch_size=BATCH,
        ignore_conflicts=True,
    )


def _dashboard(args: dict) -> dict[str, list[float]]:
    from datetime import date

    from pepites.initiatives.models import Theme
    from pepites.insights.impact import ImpactFilters, impact
    from pepites.network.models import Centre

    centre = Centre.objects.get(slug="profession-banlieue").pk
    theme = Theme.objects.order_by("position").first().slug
    year = date.today().year
    variants = {
        "whole network, all time": ImpactFilters(),
        "one centre": ImpactFilters(centre_id=centre),
        "one theme": ImpactFilters(theme_slug=theme),
        "one centre, one year": ImpactFilters(
            centre_id=centre, start=date(year - 1, 1, 1), end=date(year - 1, 12, 31)
        ),
    }
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for round_number in range(WARMUP_ROUNDS + args["rounds"]):
        for name, filters in variants.items():
            started = time.perf_counter()
            impact(filters=filters)
            if round_number >= WARMUP_ROUNDS:
                samples[name].append(time.perf_counter() - started)
    return samples


def _digest(args: dict) -> dict:
    from django.http import QueryDict
    from django.utils import timezone

    from pepites.alerts.models import SearchSubscription
    from pepites.alerts.searches import normalise
    from pepites.alerts.services import send_digests
    from pepites.initiatives.models import Initiative, Theme

    now = timezone.now()
    # 1% of the initiatives published in the last week: what a digest has to find.
    pks = list(
        Initiative.objects.order_by("?").values_list("pk", flat=True)[
            : max(1, args["count"] // 100)
        ]
    )
    Initiative.objects.filter(pk__in=pks).update(published_at=now - timedelta(days=2))
    themes = list(Theme.objects.values_list("slug", flat=True))
    relations = ["", "dans", "proximite"]
    departements = ["", "93", "59", "69", "13", "75"]
    queries = [
        QueryDict(f"thematique={t}&relation={r}&departement={d}").urlencode()
        for t in themes
        for r in relations
        for d in departements
    ]
    queries = [normalise(QueryDict(q)) for q in queries]
    week_ago = now - timedelta(days=7)
    SearchSubscription.objects.bulk_create(
        [
            SearchSubscription(
                email=f"abonne{n}@exemple.invalid",
                query=queries[n % len(queries)],
                label="banc",
                consent_text="banc",
                consented_at=week_ago,
                confirmation_token=f"banc-{n}",
                confirmed_at=week_ago,
                last_sent_at=week_ago,
            )
            for n in range(args["subscriptions"])
        ],
        batch_size=BATCH,
    )
    tracemalloc.start()
    started = time.perf_counter()
    sent = send_digests(now=now)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "subscriptions": args["subscriptions"],
        "searches": len({queries[n % len(queries)] for n in range(args["subscriptions"])}),
        "sent": sent,
        "seconds": elapsed,
        "peak_mb": peak / 1024 / 1024,
    }


def _vacuum() -> None:
    """PostgreSQL: what autovacuum does to a live database after a bulk load (it may be off
    on a benchmark server): the visibility map that lets the dashboard's counts read the
    indexes alone."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in (
            "initiatives_initiative",
            "essaimage_inspirationrequest",
            "essaimage_inspirationrequesttally",
            "initiatives_initiativeinspiration",
        ):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")


def _measure(args: dict) -> dict:
    from pepites.core.db import refresh_planner_statistics
    from pepites.essaimage.services import rebuild_impact_tally
    from pepites.initiatives.demo import generate_initiatives

    started = time.perf_counter()
    generate_initiatives(count=args["count"], seed=args["seed"])
    generate_s = time.perf_counter() - started
    requests_s = _requests(count=args["requests"], seed=args["seed"])
    started = time.perf_counter()
    rebuild_impact_tally()  # the bulk insert went around the services that keep it
    tally_s = time.perf_counter() - started
    _links(count=max(1, args["count"] // 50), seed=args["seed"])
    for table in ("essaimage_inspirationrequest", "initiatives_initiativeinspiration"):
        refresh_planner_statistics(table=table)
    _vacuum()
    return {
        "generate_s": generate_s,
        "requests_s": requests_s,
        "tally_s": tally_s,
        "dashboard": _dashboard(args),
        "digest": _digest(args),
    }


if __name__ == "__main__":
    run_task({"measure": _measure})
