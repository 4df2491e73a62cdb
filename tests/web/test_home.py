import pytest
from django.urls import reverse

from pepites.initiatives.services import create_initiative


@pytest.mark.django_db
def test_home_lists_the_twenty_centres_and_the_ten_themes(client, reference_data):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="centre-card"') == 20
    assert html.count('class="theme-card"') == 10
    assert "Profession Banlieue" in html
    assert "En préfiguration" in html  # Guadeloupe
    assert "Immobilier d&#x27;entreprise et lieux d&#x27;activité" in html
    assert "01 48 09 26 36" in html
    assert '<html lang="fr">' in html


@pytest.mark.django_db
def test_home_counts_only_published_initiatives(client, reference_data):
    for status in ("publiee", "brouillon"):
        create_initiative(
            title=f"Initiative {status}",
            summary="Résumé.",
            porteur_name="Association test",
            commune_code="93066",
            theme_slugs=["commerce-proximite"],
            status=status,
        )
    html = client.get(reverse("home")).content.decode()
    assert "1 initiative publiée" in html


@pytest.mark.django_db
def test_home_query_count_does_not_grow_with_centres(
    client, reference_data, django_assert_max_num_queries
):
    # 20 centres and 10 themes: a query per item would exceed this bound.
    with django_assert_max_num_queries(6):
        client.get(reverse("home"))


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
