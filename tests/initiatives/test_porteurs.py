"""Porteurs as organisations: linking, the migration that proposes merges without merging,
the merge in the workspace, the nightly closure check (against a local fake directory),
and the organisation in the import, export, API and public page."""

import csv
import html
import io
import json

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from pepites.initiatives import porteurs
from pepites.initiatives.imports.importer import ImportOptions, run_import
from pepites.initiatives.imports.report import INVALID
from pepites.initiatives.models import Initiative, InitiativeStatus
from pepites.organisations.models import Organisation
from tests.initiatives.helpers import new_initiative
from tests.organisations.fake_sirene import ACTIVE_SIRET, CLOSED_SIRET, FakeSirene
from tests.territories.fake_ban import FakeBan

pytestmark = pytest.mark.django_db

migration = __import__(
    "pepites.initiatives.migrations.0011_porteurs_to_organisations", fromlist=["forwards"]
)


@pytest.fixture(autouse=True)
def offline_services(settings):
    ban, sirene = FakeBan().start(), FakeSirene().start()
    settings.GEOCODER_URL = ban.url
    settings.GEOCODER_RETRIES = 0
    settings.SIRENE_URL = sirene.url
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    yield sirene
    ban.stop()
    sirene.stop()


def publish(initiative: Initiative, centre) -> Initiative:
    Initiative.objects.filter(pk=initiative.pk).update(
        status=InitiativeStatus.PUBLISHED, centre=centre, published_at=timezone.now()
    )
    return Initiative.objects.get(pk=initiative.pk)


def test_a_new_initiative_gets_its_porteur_as_an_organisation(reference_data):
    first = new_initiative(porteur_name="Les Jardins du Plateau")
    second = new_initiative(title="Un autre projet", porteur_name="Les Jardins du Plateau")
    other_spelling = new_initiative(title="Troisième", porteur_name="LES JARDINS DU PLATEAU")
    assert first.organisation_id == second.organisation_id  # the same exact name, commune
    assert other_spelling.organisation_id != first.organisation_id  # never joined silently
    assert Organisation.objects.count() == 2


def test_the_migration_proposes_merges_and_merges_nothing(people):
    spellings = ["Asso. Les Jardins d'Émile", "LES JARDINS D'EMILE", "Les Jardins d'Émile"]
    made = [
        new_initiative(title=f"Projet {i}", porteur_name=name) for i, name in enumerate(spellings)
    ]
    made.append(
        new_initiative(title="Ailleurs", porteur_name="Les Jardins d'Émile", commune_code="69123")
    )
    made.append(new_initiative(title="Même texte", porteur_name="Les Jardins d'Émile"))
    Initiative.objects.update(organisation=None)
    Organisation.objects.all().delete()

    migration.forwards(django_apps, None)

    organisation_of = dict(Initiative.objects.values_list("title", "organisation_id"))
    assert len(set(organisation_of.values())) == 4  # 3 spellings in Saint-Denis + Lyon
    assert organisation_of["Projet 2"] == organisation_of["Même texte"]  # identical text
    proposals = porteurs.merge_proposals()
    assert len(proposals) == 1
    assert sorted(o.name for o in proposals[0].organisations) == sorted(spellings)
    assert proposals[0].commune_id == "93066"

    # A member of the centre merges them from the workspace; nothing moved before.
    for initiative in made:
        publish(initiative, people.pb)
    client = django_client(people.member)
    page = client.get(reverse("workspace:porteurs"))
    assert page.status_code == 200
    assert "Fusions proposées" in page.content.decode()
    target = next(o for o in proposals[0].organisations if o.name == "Les Jardins d'Émile")
    response = client.post(
        reverse("workspace:organisations_merge"),
        {"organisations": [o.pk for o in proposals[0].organisations], "cible": target.pk},
    )
    assert response.status_code == 302
    saint_denis = Initiative.objects.filter(commune_id="93066")
    assert set(saint_denis.values_list("organisation_id", flat=True)) == {target.pk}
    assert porteurs.merge_proposals() == []
    # A later save keeps the merge (the name reads the same once normalised).
    first = Initiative.objects.get(title="Projet 0")
    from pepites.initiatives.services import update_initiative

    update_initiative(initiative=first, expected_version=first.version, summary="Nouveau.")
    assert Initiative.objects.get(pk=first.pk).organisation_id == target.pk


def test_a_member_of_another_centre_cannot_merge(people):
    a = publish(new_initiative(title="A", porteur_name="La Clé"), people.pb)
    b = publish(new_initiative(title="B", porteur_name="LA CLE"), people.pb)
    client = django_client(people.other_member)
    response = client.post(
        reverse("workspace:organisations_merge"),
        {"organisations": [a.organisation_id, b.organisation_id], "cible": a.organisation_id},
    )
    assert response.status_code == 403
    assert Organisation.objects.count() == 2


def test_the_nightly_check_flags_initiatives_whose_porteur_closed(people, offline_services):
    initiative = publish(new_initiative(porteur_name="Les Jardins du Plateau"), people.pb)
    alive = publish(new_initiative(title="Poste", porteur_name="La Poste"), people.pb)
    Organisation.objects.filter(pk=initiative.organisation_id).update(siret=CLOSED_SIRET)
    Organisation.objects.filter(pk=alive.organisation_id).update(siret=ACTIVE_SIRET)

    counts = porteurs.check_closures()

    assert counts == {"checked": 2, "closed": 1, "not_found": 0, "unavailable": 0}
    closed = porteurs.closed_porteur_initiatives(initiatives=Initiative.objects.all())
    assert [i.pk for i in closed] == [initiative.pk]
    organisation = Organisation.objects.get(pk=initiative.organisation_id)
    assert organisation.legal_name == "LES JARDINS DU PLATEAU" and organisation.is_ess
    assert str(organisation.closed_on) == "2025-12-31"
    page = django_client(people.member).get(reverse("workspace:porteurs"))
    assert html.escape(initiative.title) in page.content.decode()
    # Checked: not asked again before SIRENE_CHECK_EVERY_DAYS.
    assert porteurs.check_closures()["checked"] == 0


def test_the_closure_job_stops_when_the_directory_is_unreachable(people, offline_services):
    initiative = new_initiative(porteur_name="Les Jardins du Plateau")
    Organisation.objects.filter(pk=initiative.organisation_id).update(siret=CLOSED_SIRET)
    for _ in range(5):
        offline_services.then(status=503, body={"erreur": "maintenance"})
    counts = porteurs.check_closures()
    assert counts["unavailable"] == 1 and counts["checked"] == 0
    assert Organisation.objects.get(pk=initiative.organisation_id).looked_up_at is None


def test_the_workspace_page_looks_the_siret_up(people, offline_services):
    initiative = publish(new_initiative(porteur_name="La Poste"), people.pb)
    client = django_client(people.member)
    url = reverse("workspace:organisation", kwargs={"pk": initiative.organisation_id})
    bad = client.post(url, {"name": "La Poste", "kind": "autre", "siret": "35600000000049"})
    assert bad.status_code == 200
    assert "La Poste invalide" in bad.content.decode()
    response = client.post(
        url, {"name": "La Poste", "kind": "autre", "siret": "356 000 000 00048"}, follow=True
    )
    assert "Annuaire des entreprises consulté : LA POSTE" in response.content.decode()
    organisation = Organisation.objects.get(pk=initiative.organisation_id)
    assert organisation.siret == ACTIVE_SIRET and organisation.naf_code == "53.10Z"
    offline_services.then(status=503, body={"erreur": "x"})
    offline_services.then(status=503, body={"erreur": "x"})
    offline_services.then(status=503, body={"erreur": "x"})
    from django.core.cache import cache

    cache.clear()
    again = client.post(url, {"action": "annuaire"}, follow=True)
    assert "Annuaire des entreprises injoignable" in again.content.decode()
    assert django_client(people.other_member).get(url).status_code == 403


def test_the_public_page_lists_its_initiatives_across_centres(people):
    one = publish(new_initiative(title="À Saint-Denis", porteur_name="Réseau Cocagne"), people.pb)
    two = new_initiative(title="À Lyon", porteur_name="Réseau Cocagne", commune_code="69123")
    two = publish(two, people.labo)
    Initiative.objects.filter(pk=two.pk).update(organisation=one.organisation_id)
    page = django_client(None).get(
        reverse("organisation_detail", kwargs={"pk": one.organisation_id})
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "À Saint-Denis" in text and "À Lyon" in text
    assert people.pb.name in text and people.labo.name in text
    detail = django_client(None).get(reverse("initiative_detail", kwargs={"slug": one.slug}))
    assert reverse("organisation_detail", kwargs={"pk": one.organisation_id}) in (
        detail.content.decode()
    )


def test_import_export_and_api_carry_the_siret(people):
    rows = [
        ["titre", "resume", "porteur", "siret", "code_commune", "thematiques"],
        ["Tiers-lieu", "Un lieu partagé.", "La Poste", "356 000 000 00048", "93066", "emploi"],
        ["Mauvais", "Un SIRET faux.", "Autre", "73282932000075", "93066", "emploi"],
    ]
    data = "\n".join(";".join(r) for r in rows).encode()
    dry = run_import(data, ImportOptions(filename="porteurs.csv", dry_run=True))
    bad = next(r for r in dry.rows if r.title == "Mauvais")
    assert bad.action == INVALID
    assert any("clé de contrôle" in p.message and p.field == "SIRET du porteur" for p in bad.errors)
    report = run_import(
        data,
        ImportOptions(
            filename="porteurs.csv", skip_invalid=True, status=InitiativeStatus.PUBLISHED
        ),
    )
    assert report.committed
    initiative = Initiative.objects.get(title="Tiers-lieu")
    assert initiative.organisation.siret == ACTIVE_SIRET

    Initiative.objects.filter(pk=initiative.pk).update(centre=people.pb)
    client = django_client(None)
    exported = client.get(reverse("open_data_export", kwargs={"fmt": "csv"}))
    body = b"".join(exported.streaming_content).decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(body)) if r["titre"] == "Tiers-lieu")
    assert row["siret"] == ACTIVE_SIRET and row["organisation_nom"] == "La Poste"

    api = json.loads(client.get(f"/api/v1/initiatives/{initiative.slug}").content)
    assert api["porteur"]["organisation"]["siret"] == ACTIVE_SIRET
    assert api["porteur"]["organisation"]["name"] == "La Poste"
    schema = json.loads(client.get(reverse("open_data_schema")).content)
    assert {"siret", "organisation_nom"} <= {f["name"] for f in schema["fields"]}


def django_client(user):
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_api_writes_the_porteur_siret(people):
    from pepites.accounts.tokens import create_token
    from tests.api.test_api import CREATION, bearer

    token = create_token(user=people.member, name="t", scope="write").raw
    client = django_client(None)
    bad = client.post(
        "/api/v1/initiatives",
        {**CREATION, "porteur_siret": "73282932000075"},
        content_type="application/json",
        **bearer(token),
    )
    assert bad.status_code == 400, bad.content
    assert "clé de contrôle" in bad.content.decode()
    assert Initiative.objects.count() == 0
    response = client.post(
        "/api/v1/initiatives",
        {**CREATION, "porteur_siret": "732 829 320 00074"},
        content_type="application/json",
        **bearer(token),
    )
    assert response.status_code == 201, response.content
    assert response.json()["porteur"]["organisation"]["siret"] == "73282932000074"


def test_organisations_said_different_are_no_longer_proposed(people):
    a = publish(new_initiative(title="A", porteur_name="La Clé"), people.pb)
    b = publish(new_initiative(title="B", porteur_name="LA CLE"), people.pb)
    response = django_client(people.member).post(
        reverse("workspace:organisations_merge"),
        {
            "organisations": [a.organisation_id, b.organisation_id],
            "cible": a.organisation_id,
            "action": "distinctes",
        },
    )
    assert response.status_code == 302
    assert porteurs.merge_proposals() == []
    assert Organisation.objects.count() == 2
    # A third spelling in the same commune: the group is proposed again.
    publish(new_initiative(title="C", porteur_name="la clé."), people.pb)
    assert len(porteurs.merge_proposals()[0].organisations) == 3
