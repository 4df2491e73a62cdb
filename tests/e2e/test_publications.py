"""L'Éco des quartiers in a browser: the demonstration issue's page (screenshots, axe), its
PDF rendered to PNG pages for a reviewer, and an issue composed and published without
JavaScript-only controls."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client

from pepites.core.roles import NATIONAL_TEAM_GROUP
from pepites.publications.demo import load_demo_publications
from pepites.publications.models import Issue, IssueStatus
from pepites.publications.services import add_article, create_issue
from tests.conftest import load_sample_reference_data
from tests.e2e.conftest import axe_violations
from tests.initiatives.helpers import new_initiative
from tests.publications.pdftools import page_texts, qr_codes, read_pdf, render_pages

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

THEMES = ["immobilier-entreprise", "innovation-sociale", "entrepreneuriat", "commerce-proximite"]
DEMO = [
    ("Des ateliers d'artisans dans un ancien parking", "91228", "immobilier-entreprise"),
    ("Un hôtel d'entreprises au pied des tours", "95127", "immobilier-entreprise"),
    ("Une conciergerie solidaire de quartier", "35238", "innovation-sociale"),
    ("Une laverie qui est aussi un lieu d'accès aux droits", "34172", "innovation-sociale"),
    ("Une couveuse d'entreprises de proximité", "31555", "entrepreneuriat"),
    ("Une cuisine partagée pour lancer son activité", "93066", "entrepreneuriat"),
    ("Des boutiques à l'essai pour ranimer une rue", "59350", "commerce-proximite"),
    ("Une union commerciale pour le cœur du quartier", "2A004", "commerce-proximite"),
]


def load_demo():
    load_sample_reference_data()
    for title, commune, theme in DEMO:
        new_initiative(
            title=title,
            summary=f"{title} : un exemple fictif pour découvrir Pépites et L'Éco des quartiers.",
            porteur_name="Association de démonstration",
            commune_code=commune,
            theme_slugs=[theme],
            status="publiee",
            is_demo=True,
        )
    assert load_demo_publications(generate_pdf=False) == 4


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_demo_issue_page_and_pdf_for_review(
    live_server, page, phone_page, artifacts_dir, console_errors
):
    load_demo()
    page.goto(live_server.url + "/publications/")
    assert page.get_by_role("heading", level=1).inner_text() == "Publications du réseau"
    assert page.locator(".issue-item").count() == 4
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts_dir / "publications-list.png"), full_page=True)

    page.get_by_role(
        "link", name="Des locaux pour entreprendre au pied des immeubles", exact=True
    ).click()
    page.wait_for_url("**/publications/eco-des-quartiers/1/")
    assert page.get_by_text("Les textes et les initiatives de ce numéro sont fictifs.").is_visible()
    assert page.locator(".featured-card").count() == 2
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts_dir / "publication-issue-desktop.png"), full_page=True)

    phone_page.goto(live_server.url + "/publications/eco-des-quartiers/1/")
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone_page.screenshot(path=str(artifacts_dir / "publication-issue-phone.png"), full_page=True)

    # The PDF, as a visitor downloads it, rendered to PNG pages for a reviewer.
    link = page.get_by_role("link", name="Télécharger le numéro en PDF")
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf_path = artifacts_dir / "publication-demo-issue.pdf"
    pdf_path.write_bytes(response.body())
    for old in artifacts_dir.glob("publication-demo-page-*.png"):
        old.unlink()
    pngs = render_pages(pdf_path, artifacts_dir / "publication-demo-page", dpi=70)
    texts = page_texts(read_pdf(response.body()))
    # Cover, contents, articles and cards one after the other (no half-empty page), back.
    assert len(pngs) == len(texts) >= 5
    assert "Exemple de démonstration" in texts[0] and "Sommaire" in texts[1]
    assert "Les centres de ressources politique de la ville" in texts[-1]
    card_page = next(
        i for i, t in enumerate(texts) if "Initiatives à la une" in t and "Porteur" in t
    )
    [sharp] = render_pages(
        pdf_path,
        artifacts_dir / "publication-demo-qr",
        dpi=150,
        first=card_page + 1,
        last=card_page + 1,
    )
    decoded = qr_codes(sharp)
    sharp.unlink()
    # SITE_URL unset: the address of the server that made the PDF (a port of the tests').
    assert decoded and all(url.startswith(live_server.url + "/initiatives/") for url in decoded)

    # From the issue to the live initiative page.
    page.locator(".featured-card h3 a").first.click()
    page.wait_for_url("**/initiatives/**")
    assert page.get_by_role("heading", level=1).is_visible()
    assert console_errors == []


def test_compose_reorder_pick_and_publish_in_the_browser(
    live_server, page, artifacts_dir, console_errors
):
    load_demo()
    user = User.objects.create_user("nationale", "nationale@example.org", "x")
    user.groups.add(Group.objects.get_or_create(name=NATIONAL_TEAM_GROUP)[0])
    issue = create_issue(
        series=Issue.objects.get(number=1).series,
        title="Numéro de test en préparation",
        theme_slugs=["entrepreneuriat"],
        editorial="Un éditorial.",
    )
    add_article(issue=issue, title="Premier article", body="Un.")
    add_article(issue=issue, title="Second article", body="Deux.")
    sign_in(page, live_server, user)

    page.goto(live_server.url + "/publications/edition/")
    assert page.locator("table.planning").is_visible()
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts_dir / "publications-planning.png"), full_page=True)

    # The compose page in steps, each with its own save.
    page.goto(live_server.url + f"/publications/edition/{issue.pk}/")
    steps = page.get_by_role("navigation", name="Étapes de la composition")
    assert steps.get_by_role("link").all_inner_texts() == [
        "1. Le numéro",
        "2. Articles",
        "3. Initiatives à la une",
        "4. Relire et publier",
    ]
    assert steps.locator("[aria-current=step]").inner_text() == "1. Le numéro"
    assert page.get_by_role("button", name="Enregistrer le numéro").count() == 1
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts_dir / "publication-compose-1.png"), full_page=True)

    steps.get_by_role("link", name="2. Articles").click()
    page.get_by_role("button", name="Descendre l'article « Premier article »").click()
    page.wait_for_load_state()
    assert list(issue.articles.values_list("title", flat=True)) == [
        "Second article",
        "Premier article",
    ]
    assert page.get_by_text("Modifications enregistrées.").is_visible()
    assert "etape=articles" in page.url
    assert axe_violations(page) == []

    page.get_by_role("link", name="Étape suivante : Initiatives à la une").click()
    words = page.get_by_label("Mots (titre, porteur, description, commune, centre)")
    words.fill("couveuse")
    words.press("Enter")
    page.wait_for_url("**q=couveuse*")
    page.get_by_role("button", name="Ajouter « Une couveuse d'entreprises de proximité »").click()
    page.wait_for_load_state()
    assert issue.featured.get().initiative.title == "Une couveuse d'entreprises de proximité"
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts_dir / "publication-compose.png"), full_page=True)

    steps = page.get_by_role("navigation", name="Étapes de la composition")
    steps.get_by_role("link", name="4. Relire et publier").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Publier ce numéro").click()
    page.wait_for_load_state()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.PUBLISHED
    assert page.get_by_text("Numéro publié.").is_visible()
    assert console_errors == []
