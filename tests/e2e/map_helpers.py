"""Data and checks shared by the browser tests of the map pages."""

from urllib.parse import urlparse

from pepites.initiatives.services import create_initiative
from tests.conftest import load_sample_reference_data

# Hosts of the map backgrounds: the browser tests block them, so their failed tile loads
# are the only console errors a page may show.
TILE_HOSTS = ("data.geopf.fr", "tile.openstreetmap.fr")

SAMPLES = [
    # title, commune, themes, (lat, lon), demo
    (
        "Épicerie solidaire du Franc-Moisin",
        "93066",
        ["commerce-proximite", "ess"],
        (48.9277, 2.3652),
        False,
    ),
    ("Garage solidaire de Meaux", "77288", ["mobilite"], (48.96, 2.88), False),
    ("Couveuse du 8e arrondissement", "69388", ["entrepreneuriat"], (45.735, 4.87), False),
    ("Recrutements au pied des immeubles", "59350", ["emploi-insertion"], (50.63, 3.06), True),
    (
        "Fabrique numérique de Montreuil",
        "93048",
        ["numerique", "formation-qualification"],
        (48.86, 2.44),
        False,
    ),
    ("Ressourcerie des Quartiers Nord", "13055", ["ess"], (43.35, 5.38), False),
    ("Hôtel d'entreprises de Bordeaux", "33063", ["immobilier-entreprise"], (44.85, -0.57), False),
    ("Club d'entreprises engagé", "31555", ["entreprises-quartiers"], (43.6, 1.44), True),
    ("Boutiques à l'essai de Nantes", "44109", ["commerce-proximite"], (47.21, -1.55), False),
    ("Chantier d'insertion de Rennes", "35238", ["emploi-insertion"], (48.11, -1.68), False),
    ("Conciergerie solidaire de Strasbourg", "67482", ["innovation-sociale"], (48.57, 7.75), False),
    (
        "Auto-école associative de Cergy",
        "95127",
        ["mobilite", "formation-qualification"],
        (49.04, 2.06),
        False,
    ),
]


def load_map_samples() -> dict[str, object]:
    load_sample_reference_data()
    created = {}
    for title, commune, themes, (lat, lon), demo in SAMPLES:
        created[title] = create_initiative(
            title=title,
            summary=f"{title} : une initiative pour l'emploi et l'activité dans les quartiers.",
            porteur_name="Association du quartier",
            commune_code=commune,
            theme_slugs=themes,
            latitude=lat,
            longitude=lon,
            status="publiee",
            is_demo=demo,
            context="Le quartier manquait de services de proximité.",
            actions="Les habitants ont monté le projet avec le centre social.",
            results="Vingt emplois créés en trois ans.",
        )
    return created


def watch_console(page) -> list[str]:
    """Console errors of the page, except the tile loads the tests block on purpose."""
    errors: list[str] = []

    def on_console(message):
        if message.type != "error":
            return
        host = urlparse(message.location.get("url", "")).hostname or ""
        if host in TILE_HOSTS and "ERR_FAILED" in message.text:
            return
        errors.append(f"{message.text} ({message.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def wait_for_map(page) -> int:
    """Wait until the map has drawn its markers; return how many (clusters and points)."""
    # Attached, not visible: on a phone the list is shown first and the map waits behind.
    page.wait_for_selector("[data-map][data-state='ready']", state="attached")
    return int(page.get_attribute("[data-map]", "data-items") or 0)
