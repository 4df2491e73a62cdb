"""The initiative page, the correction page, the themes and the centres."""

import pytest
from django.urls import reverse

from pepites.initiatives.models import InitiativeQpv
from tests.initiatives.helpers import new_initiative


@pytest.mark.django_db
def test_initiative_page_tells_the_whole_case_study(client, sample_initiatives):
    epicerie = sample_initiatives["epicerie"]
    epicerie.context = "Pas de commerce alimentaire depuis 2015."
    epicerie.actions = "Un local prêté par le bailleur."
    epicerie.save()
    epicerie.links.create(url="https://example.org/epicerie", label="Le site de l'épicerie")
    InitiativeQpv.objects.create(initiative=epicerie, qpv_code="QN09301M", relation="dans")
    response = client.get(reverse("initiative_detail", kwargs={"slug": epicerie.slug}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Épicerie solidaire du Franc-Moisin — Pépites</title>" in html
    assert '<meta name="description" content="Une épicerie solidaire tenue' in html
    assert '<meta property="og:title" content="Épicerie solidaire du Franc-Moisin">' in html
    assert (
        # Built from the request (SITE_URL unset: tests/core/test_siteurl.py).
        '<meta property="og:url" content="http://testserver/initiatives/'
        'epicerie-solidaire-du-franc-moisin/">'
    ) in html
    for text in (
        "Contexte et enjeu",
        "Pas de commerce alimentaire depuis 2015.",
        "Un local prêté par le bailleur.",
        "Association Les Paniers",
        "Saint-Denis (Seine-Saint-Denis, Île-de-France)",
        "Commerce de proximité",
        "Économie sociale et solidaire",
        "Profession Banlieue",
        "01 48 09 26 36",
        "Le site de l&#x27;épicerie",
        "QN09301M",
        "pas encore vérifiée",
        "Partager",
        "Proposer une correction",
    ):
        assert text in html, text
    assert 'id="initiative-point"' in html  # the small map's point
    assert reverse("initiative_correction", kwargs={"slug": epicerie.slug}) in html
    assert "Exemple de démonstration" not in html


@pytest.mark.django_db
def test_drafts_have_no_public_page_and_demo_content_says_so(client, sample_initiatives):
    draft = sample_initiatives["draft"]
    assert client.get(reverse("initiative_detail", kwargs={"slug": draft.slug})).status_code == 404
    demo = new_initiative(title="Démo", status="publiee", is_demo=True)
    html = client.get(reverse("initiative_detail", kwargs={"slug": demo.slug})).content.decode()
    assert "Exemple de démonstration" in html


@pytest.mark.django_db
def test_themes_page_lists_the_ten_themes_with_their_counts(client, sample_initiatives):
    response = client.get(reverse("theme_list"))
    html = response.content.decode()
    assert html.count('class="theme-card"') == 10
    assert "Immobilier d&#x27;entreprise et lieux d&#x27;activité" in html
    themes = {t.slug: t.published_count for t in response.context["themes"]}
    assert themes["commerce-proximite"] == 1  # the draft does not count
    assert themes["mobilite"] == 1
    assert themes["numerique"] == 0


@pytest.mark.django_db
def test_theme_page_maps_and_lists_its_initiatives(client, sample_initiatives):
    response = client.get(reverse("theme_detail", kwargs={"slug": "mobilite"}))
    assert [i.title for i in response.context["page"].object_list] == ["Garage solidaire de Meaux"]
    assert response.context["map_page"]["fixed"] == {"themes": ["mobilite"]}
    assert client.get(reverse("theme_detail", kwargs={"slug": "inconnue"})).status_code == 404


@pytest.mark.django_db
def test_centres_directory_lists_the_twenty_centres_and_the_network_map(client, reference_data):
    response = client.get(reverse("centre_list"))
    html = response.content.decode()
    assert html.count('class="centre-card"') == 20
    assert html.count("En préfiguration") == 1  # Guadeloupe
    assert "Profession Banlieue" in html
    assert "01 48 09 26 36" in html
    points = response.context["network_map"]["points"]
    by_code = {p["code"]: p for p in points}
    assert by_code["93"]["centres"][0]["name"] == "Profession Banlieue"
    assert by_code["77"]["centres"] == []  # Seine-et-Marne: no centre
    assert {"code": "77", "name": "Seine-et-Marne"} in response.context["uncovered"]


@pytest.mark.django_db
def test_centre_page_shows_its_contacts_and_initiatives(client, sample_initiatives):
    response = client.get(reverse("centre_detail", kwargs={"slug": "profession-banlieue"}))
    html = response.content.decode()
    assert "Seine-Saint-Denis (93)" in html
    assert "01 48 09 26 36" in html
    assert [i.title for i in response.context["page"].object_list] == [
        "Épicerie solidaire du Franc-Moisin"
    ]
    assert response.context["map_page"]["fixed"] == {"centre": "profession-banlieue"}
    assert client.get(reverse("centre_detail", kwargs={"slug": "inconnu"})).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "kwargs", "extra"),
    [
        ("theme_detail", {"slug": "ess"}, {"theme_slugs": ["ess"]}),
        ("centre_detail", {"slug": "profession-banlieue"}, {"commune_code": "93066"}),
        ("theme_list", {}, {}),
        ("centre_list", {}, {}),
    ],
)
def test_list_pages_do_not_query_per_item(
    client, reference_data, django_assert_max_num_queries, url_name, kwargs, extra
):
    for n in range(30):
        new_initiative(title=f"Initiative {n}", status="publiee", **extra)
    url = reverse(url_name, kwargs=kwargs)
    client.get(url)  # builds the map's data file and caches the counts
    # The cards' labels and programmes: two queries a page, whatever its length; a centre's
    # page also reads its latest resources and next events (one query each).
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_cards_fragment_keeps_the_order_asked_and_skips_drafts(client, sample_initiatives):
    ids = [sample_initiatives[k].pk for k in ("garage", "draft", "epicerie")]
    html = client.get(reverse("map_cards") + "?ids=" + ",".join(map(str, ids)) + ",x").content
    html = html.decode()
    assert html.count('class="initiative-card"') == 2
    assert html.index("Garage solidaire") < html.index("Épicerie solidaire")
