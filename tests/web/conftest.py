import pytest

from tests.initiatives.helpers import new_initiative


@pytest.fixture
def sample_initiatives(reference_data):
    """A few published initiatives in different places and themes, and a draft."""
    return {
        "epicerie": new_initiative(
            title="Épicerie solidaire du Franc-Moisin",
            summary="Une épicerie solidaire tenue par les habitantes, ouverte à tous.",
            porteur_name="Association Les Paniers",
            commune_code="93066",
            theme_slugs=["commerce-proximite", "ess"],
            latitude=48.9277,
            longitude=2.3652,
            status="publiee",
        ),
        "garage": new_initiative(
            title="Garage solidaire de Meaux",
            summary="Réparations à prix coûtant pour aller travailler.",
            porteur_name="Mobilité 77",
            commune_code="77288",
            theme_slugs=["mobilite"],
            latitude=48.96,
            longitude=2.88,
            status="publiee",
        ),
        "lyon": new_initiative(
            title="Couveuse du 8e",
            summary="Tester son activité avant de créer son entreprise.",
            porteur_name="Entreprendre à Lyon",
            commune_code="69388",
            theme_slugs=["entrepreneuriat"],
            latitude=45.735,
            longitude=4.87,
            status="publiee",
        ),
        "draft": new_initiative(
            title="Brouillon caché",
            summary="Pas encore publié.",
            porteur_name="Personne",
            commune_code="93066",
            theme_slugs=["commerce-proximite"],
        ),
    }
