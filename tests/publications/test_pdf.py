"""The printed issue: its pages in order, their text as extracted from the PDF, the QR codes
decoded from the rendered pages, the cache, and the portfolio."""

import io

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from pepites.initiatives.services import update_initiative
from pepites.network.models import Centre
from pepites.publications.pdf import LocalOnlyFetcher, issue_pdf, portfolio_pdf
from pepites.publications.selectors import PortfolioFilters
from pepites.publications.services import publish_issue, update_issue
from tests.publications.pdftools import font_names, page_texts, qr_codes, read_pdf, render_pages

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), "#8c510a").save(buffer, "PNG")
    return buffer.getvalue()


def stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


@pytest.fixture(autouse=True)
def public_address(settings):
    """A production address: the PDF's links and QR codes use it (tests/e2e/test_site_url.py
    checks the address taken from the request when SITE_URL is unset)."""
    settings.SITE_URL = "https://pepites.example"


def live_url(initiative) -> str:
    return settings.SITE_URL + reverse("initiative_detail", kwargs={"slug": initiative.slug})


def test_the_issue_pdf_has_its_pages_in_order_and_decodable_qr_codes(
    client, issue, initiatives, tmp_path
):
    article = issue.articles.first()
    article.image = SimpleUploadedFile("vitrine.png", png_bytes(), content_type="image/png")
    article.image_alt = "Une vitrine rénovée en pied d'immeuble"
    article.image_credit = "Photo de démonstration"
    article.save()
    publish_issue(issue=issue)  # builds the PDF

    response = client.get(
        reverse("publications:issue_pdf", kwargs={"series": "eco-des-quartiers", "number": 1})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="eco-des-quartiers-n1.pdf"' in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    reader = read_pdf(data)
    pages = page_texts(reader)

    # Cover, contents (with the editorial), the two short articles and the cards following
    # one another on one page (no half-empty pages), the back page.
    # (Each started a page before: six pages, two of them three-quarters blank.)
    assert len(pages) == 5, pages
    cover, contents, back = pages[0], pages[1], pages[-1]
    first = second = cards = " ".join(pages[2:-1])
    assert "L'Éco des quartiers" in cover and "n° 1" in cover
    assert cover.count("L'Éco des quartiers") == 1  # the masthead once
    assert "Les initiatives à la une de ce numéro" in cover  # the cover's map
    assert "L'Éco des quartiers · n° 1" in contents  # the running header joins both
    assert "Le commerce de proximité, cœur du quartier" in cover
    assert "pour les décideurs et les professionnels" in cover
    assert "Sommaire" in contents and "Éditorial" in contents and "engagé" in contents
    # The contents give the page of each part (target-counter).
    assert "Revitaliser une polarité commerciale" in contents
    assert "Revitaliser une polarité commerciale . " not in contents  # leaders, then numbers
    for title, page in [
        ("Revitaliser une polarité commerciale", 3),
        ("Unions commerciales", 3),
        ("Initiatives à la une", 4),
        ("Les centres de ressources du réseau", 5),
    ]:
        assert f"{title}" in contents
        after = contents.split(title, 1)[1].lstrip(" .")
        assert after.startswith(str(page)), (title, after[:20])
    assert "Revitaliser une polarité commerciale" in first and "Par Camille Martin" in first
    assert "Profession Banlieue" in first and "Les leviers" in first
    assert "Crédit : Photo de démonstration" in first
    assert len(reader.pages[2].images) >= 1  # the article's image
    assert "Unions commerciales" in second and "Deuxième article." in second
    assert "Initiatives à la une" in cards
    for key in ("boutique", "couveuse"):
        assert initiatives[key].title in cards
    assert "Association Commerces en quartier" in cards and "Saint-Denis (93)" in cards
    assert "Couveuse du Nord" in cards and "Lille (59)" in cards
    assert "Commerce de proximité" in cards and "Entrepreneuriat" in cards
    assert live_url(initiatives["boutique"]) in cards
    assert "Les centres de ressources politique de la ville" in back
    for centre in Centre.objects.all():
        assert centre.name in back
        for phone in centre.phones:
            assert phone in back
    assert "01 48 09 26 36" in back and "www.professionbanlieue.org" in back
    assert "Initiatives à la une" in pages[3]
    assert "2 / 5" in contents and "5 / 5" in back  # page counters

    assert reader.metadata.title == (
        "L'Éco des quartiers n° 1 — Le commerce de proximité, cœur du quartier"
    )
    fonts = font_names(reader)
    assert any(name.startswith("Source-Serif-4") for name in fonts), fonts
    assert any(name.startswith("Source-Sans-3") for name in fonts), fonts

    # The QR codes, decoded from the rendered card page, lead to the initiatives' pages.
    pdf_path = tmp_path / "numero.pdf"
    pdf_path.write_bytes(data)
    [card_page] = render_pages(pdf_path, tmp_path / "fiches", dpi=150, first=4, last=4)
    assert sorted(qr_codes(card_page)) == sorted(
        [live_url(initiatives["boutique"]), live_url(initiatives["couveuse"])]
    )


def test_the_pdf_is_cached_and_rebuilt_when_the_issue_changes(issue, initiatives):
    publish_issue(issue=issue, generate_pdf=False)
    name = issue_pdf(issue=issue)
    assert name.startswith("var/publications/eco-des-quartiers-001-")
    stamp = default_storage.get_modified_time(name)
    assert issue_pdf(issue=issue) == name  # unchanged: not rendered again
    assert default_storage.get_modified_time(name) == stamp

    # Editing a featured initiative does not change a published issue (snapshot).
    boutique = initiatives["boutique"]
    update_initiative(initiative=boutique, expected_version=boutique.version, summary="Changé.")
    assert issue_pdf(issue=issue) == name

    issue.refresh_from_db()
    update_issue(issue=issue, expected_version=issue.version, title="Un nouveau titre")
    new_name = issue_pdf(issue=issue)
    assert new_name != name
    assert not default_storage.exists(name)  # the stale file is removed
    assert "Un nouveau titre" in page_texts(read_pdf(stored(new_name)))[0]


def test_the_preview_pdf_of_a_draft_is_for_editors_only(client, issue, editor):
    client.force_login(editor)
    response = client.get(reverse("publications:edition_preview_pdf", kwargs={"pk": issue.pk}))
    assert response.status_code == 200
    name = response.filename
    assert name == "eco-des-quartiers-n1.pdf"
    text = page_texts(read_pdf(b"".join(response.streaming_content)))
    assert "Le commerce de proximité, cœur du quartier" in text[0]


def test_portfolio_of_a_theme_and_its_cap(client, initiatives):
    response = client.get(reverse("publications:portfolio_pdf") + "?theme=entrepreneuriat")
    assert response.status_code == 200
    pages = page_texts(read_pdf(b"".join(response.streaming_content)))
    assert "Portfolio d'initiatives" in pages[0]
    # Shown in capitals on the cover (text-transform), extracted as such.
    assert "thématique : entrepreneuriat et création d'activité" in pages[0].lower()
    assert "2 initiatives inspirantes" in pages[0]
    body = " ".join(pages[1:-1])
    assert initiatives["boutique"].title in body and initiatives["couveuse"].title in body
    assert initiatives["atelier"].title not in body
    assert "Profession Banlieue" in pages[-1]

    capped = portfolio_pdf(filters=PortfolioFilters(), limit=2)
    assert (capped.total, capped.shown, capped.capped) == (3, 2, True)
    cover = page_texts(read_pdf(stored(capped.name)))[0]
    assert "Ce portfolio présente les 2 premières initiatives sur 3" in cover


def test_portfolio_page_filters_and_says_when_capped(client, initiatives, monkeypatch):
    from pepites.web.publications import views

    monkeypatch.setattr(views, "PORTFOLIO_MAX_CARDS", 2)
    html = client.get(reverse("publications:portfolio")).content.decode()
    assert "3 initiatives publiées" in html
    assert "Le portfolio est limité à 2 fiches" in html
    html = client.get(reverse("publications:portfolio") + "?departement=93").content.decode()
    assert "1 initiative publiée" in html and "limité" not in html
    assert 'href="/publications/portfolio.pdf?departement=93"' in html
    bad = client.get(reverse("publications:portfolio_pdf") + "?theme=inconnue")
    assert bad.status_code == 400
    assert "Sélectionnez un choix valide" in bad.content.decode()


def test_the_renderer_reads_no_file_and_no_network():
    fetcher = LocalOnlyFetcher(allowed_urls=set())
    for url in ("file:///etc/passwd", "http://example.org/image.png", "https://127.0.0.1/x"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"


def test_the_command_builds_the_pdfs_of_published_issues(issue):
    from io import StringIO

    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Aucun numéro publié"):
        call_command("publications_pdf", stdout=StringIO())
    with pytest.raises(CommandError, match="--number demande aussi --series"):
        call_command("publications_pdf", "--number", "1", stdout=StringIO())
    publish_issue(issue=issue, generate_pdf=False)
    out = StringIO()
    call_command("publications_pdf", "--series", "eco-des-quartiers", "--number", "1", stdout=out)
    name = out.getvalue().strip().rsplit(" : ", 1)[1]
    assert default_storage.exists(name)


def test_cards_print_the_initiatives_photo_and_the_cover_the_publishers_logo(
    issue, initiatives, tmp_path
):
    from pepites.initiatives.images import add_initiative_image, make_renditions

    photo = SimpleUploadedFile("boutique.png", png_bytes(), content_type="image/png")
    add_initiative_image(
        initiative=initiatives["boutique"],
        renditions=make_renditions(photo),
        alt_text="La boutique à l'essai et sa vitrine",
        credits="Photo de démonstration",
    )
    series = issue.series
    series.publisher_logo = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
    series.save()
    publish_issue(issue=issue)  # freezes the photo in the card's snapshot

    reader = read_pdf(stored(issue_pdf(issue=issue)))
    pages = page_texts(reader)
    cover, cards = pages[0], " ".join(pages[2:-1])
    assert "Initiatives à la une" in cards and "Photo de démonstration" in cards
    assert sum(len(page.images) for page in reader.pages[2:-1]) >= 1  # the card's photo
    assert len(reader.pages[0].images) >= 2  # the logo beside the cover's map
    assert len(reader.pages[-1].images) >= 1  # and on the back page
    assert "RÉSEAU NATIONAL DES CENTRES DE RESSOURCES" in cover.upper()

    # A photo deleted from the storage afterwards: the card prints without it, no error.
    from pepites.publications.pdf import render_issue_html

    assert "Photo de démonstration" in render_issue_html(issue=issue)
    default_storage.delete(initiatives["boutique"].images.get().small.name)
    assert "Photo de démonstration" not in render_issue_html(issue=issue)
