"""The home page: the map's list and filters, rendered by the server (no JavaScript)."""

import pytest
from django.urls import reverse

from tests.initiatives.helpers import new_initiative


def titles(response) -> list[str]:
    return [i.title for i in response.context["page"].object_list]


@pytest.mark.django_db
def test_home_lists_published_initiatives_as_cards_newest_first(client, sample_initiatives):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert titles(response) == [
        "Couveuse du 8e",
        "Garage solidaire de Meaux",
        "Épicerie solidaire du Franc-Moisin",
    ]
    assert html.count('class="initiative-card"') == 3
    assert "Brouillon caché" not in html
    assert "3 initiatives" in html
    # A card: title, porteur, commune, themes, summary.
    assert "Association Les Paniers" in html
    assert "Saint-Denis (93)" in html
    assert "Économie sociale et solidaire" in html
    assert "tenue par les habitantes" in html
    # The map's configuration for the scripts, and the filters as a plain GET form.
    assert 'id="map-page"' in html and 'id="map-config"' in html
    assert '<form id="filtres"' in html and 'method="get"' in html


@pytest.mark.django_db
def test_demonstration_initiatives_wear_the_badge(client, reference_data):
    new_initiative(title="Fictive", status="publiee", is_demo=True)
    new_initiative(title="Réelle", status="publiee")
    html = client.get(reverse("home")).content.decode()
    assert html.count("Exemple de démonstration") == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("thematique=mobilite", ["Garage solidaire de Meaux"]),
        (
            "thematique=mobilite&thematique=ess",
            ["Garage solidaire de Meaux", "Épicerie solidaire du Franc-Moisin"],
        ),
        ("region=84", ["Couveuse du 8e"]),
        ("departement=93", ["Épicerie solidaire du Franc-Moisin"]),
        ("commune=Saint-Denis+93", ["Épicerie solidaire du Franc-Moisin"]),
        ("commune=69123", ["Couveuse du 8e"]),  # Lyon includes its arrondissements
        ("centre=profession-banlieue", ["Épicerie solidaire du Franc-Moisin"]),
        ("qpv=on", []),  # no QPV placement in this sample
        ("thematique=mobilite&region=84", []),
    ],
)
def test_filters_work_as_a_plain_form(client, sample_initiatives, query, expected):
    response = client.get(f"{reverse('home')}?{query}")
    assert response.status_code == 200
    assert titles(response) == expected


@pytest.mark.django_db
def test_in_a_qpv_keeps_the_initiatives_placed_in_one(client, sample_initiatives):
    from pepites.initiatives.models import Initiative

    Initiative.objects.filter(pk=sample_initiatives["garage"].pk).update(qpv_relation="dans")
    assert titles(client.get(reverse("home") + "?qpv=on")) == ["Garage solidaire de Meaux"]


@pytest.mark.django_db
def test_place_orders_the_list_by_distance(client, sample_initiatives):
    # 69008: Lyon 8e's postal code, resolved offline from the COG tables.
    response = client.get(reverse("home") + "?lieu=69008")
    assert titles(response)[0] == "Couveuse du 8e"
    assert "Liste ordonnée autour de : Lyon 8e Arrondissement (Rhône, 69)" in (
        response.content.decode()
    )
    response = client.get(reverse("home") + "?pres=48.96,2.88&lieu=ici")
    assert titles(response) == [
        "Garage solidaire de Meaux",
        "Épicerie solidaire du Franc-Moisin",
        "Couveuse du 8e",
    ]


@pytest.mark.django_db
def test_stale_values_in_a_shared_link_are_reported_not_fatal(client, sample_initiatives):
    response = client.get(reverse("home") + "?thematique=inconnue&commune=Zzyzx&region=84")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Aucune commune ne correspond à « Zzyzx »." in html
    assert "Sélectionnez un choix valide" in html
    assert titles(response) == ["Couveuse du 8e"]  # the valid filter still applies


@pytest.mark.django_db
def test_pagination_links_keep_the_filters(client, reference_data):
    for n in range(25):
        new_initiative(title=f"Initiative {n:02d}", status="publiee", theme_slugs=["ess"])
    response = client.get(reverse("home") + "?thematique=ess")
    html = response.content.decode()
    assert len(titles(response)) == 20
    assert "?thematique=ess&amp;page=2" in html
    second = client.get(reverse("home") + "?thematique=ess&page=2")
    assert len(titles(second)) == 5


@pytest.mark.django_db
def test_home_query_count_does_not_grow_with_the_list(
    client, reference_data, django_assert_max_num_queries
):
    for n in range(30):
        new_initiative(title=f"Initiative {n}", status="publiee")
    client.get(reverse("home"))  # builds the map data file once
    # 20 cards of 2 themes each: a query per card would exceed this bound. The programme
    # and label filters' choices (3) and the cards' labels and programmes (2) are constant.
    with django_assert_max_num_queries(15):
        response = client.get(reverse("home"))
    assert len(titles(response)) == 20


@pytest.mark.django_db
def test_theme_colours_are_readable_as_text_on_white(reference_data):
    """Theme colours are used for text and markers: WCAG AA asks a 4.5:1 contrast."""
    from pepites.initiatives.models import Theme

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for theme in Theme.objects.all():
        ratio = 1.05 / (luminance(theme.colour) + 0.05)
        assert ratio >= 4.5, f"{theme.slug} {theme.colour}: contraste {ratio:.2f}"


@pytest.mark.django_db
def test_the_worker_starts_with_the_filters_of_the_list_rendered(client, sample_initiatives):
    config = client.get(reverse("home")).context["map_page"]
    assert config["initialFilters"] == {
        "themes": [],
        "region": "",
        "departement": "",
        "centre": "",
        "relation": "",
        "near": None,
        "radius": 0,
        "programmes": [],
        "labels": [],
    }
    response = client.get(reverse("home") + "?thematique=ess&commune=69123&lieu=69008")
    initial = response.context["map_page"]["initialFilters"]
    assert initial["themes"] == ["ess"]
    assert (initial["communeFilter"], initial["communes"]) == (True, ["69123"])
    # The place the server resolved travels in the form, for the scripts.
    near = initial["near"]
    assert f'name="pres" value="{near[0]:.5f},{near[1]:.5f}"' in response.content.decode()
    # Words need the search first: the page's script sends them.
    assert client.get(reverse("home") + "?q=garage").context["map_page"]["initialFilters"] is None
