"""Print-quality PDFs (A4) of the issues and of initiative portfolios, with WeasyPrint.

The PDF is built from an HTML print template; the SHA-256 of that HTML (plus the renderer's
version) names the cached file under MEDIA_ROOT/var/publications/, so any change of the
issue, of a centre's contacts or of the layout gives a new name and a new PDF, and an
unchanged issue is never rendered twice.

WeasyPrint only gets data: URIs and the packaged font files: nothing typed by an editor can
make it read a local file or reach the network.
"""

import base64
import hashlib
import logging
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

import segno
import weasyprint
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from pepites.core.siteurl import site_url
from pepites.publications.cover_map import cover_map_data_uri
from pepites.publications.links import absolute_url, initiative_path
from pepites.publications.models import Issue
from pepites.publications.selectors import (
    PORTFOLIO_MAX_CARDS,
    PortfolioFilters,
    featured_cards,
    network_centres,
    portfolio_initiatives,
)
from pepites.publications.snapshots import snapshot_initiative
from pepites.publications.text import render_body

logger = logging.getLogger(__name__)

CACHE_DIR = "var/publications"
DIGEST_LENGTH = 20
ISSUE_TEMPLATE = "publications/print/issue.html"
PORTFOLIO_TEMPLATE = "publications/print/portfolio.html"

# (family, static path) of the fonts from the npm packages @fontsource/source-sans-3 and
# @fontsource/source-serif-4 (SIL Open Font License), exposed through VENDOR_STATIC.
FONT_FILES = [
    ("Source Sans 3", 400, "normal", "vendor/fonts/source-sans-3/source-sans-3-latin-400-normal"),
    ("Source Sans 3", 400, "italic", "vendor/fonts/source-sans-3/source-sans-3-latin-400-italic"),
    ("Source Sans 3", 600, "normal", "vendor/fonts/source-sans-3/source-sans-3-latin-600-normal"),
    ("Source Sans 3", 700, "normal", "vendor/fonts/source-sans-3/source-sans-3-latin-700-normal"),
    (
        "Source Serif 4",
        400,
        "normal",
        "vendor/fonts/source-serif-4/source-serif-4-latin-400-normal",
    ),
    (
        "Source Serif 4",
        400,
        "italic",
        "vendor/fonts/source-serif-4/source-serif-4-latin-400-italic",
    ),
    (
        "Source Serif 4",
        600,
        "normal",
        "vendor/fonts/source-serif-4/source-serif-4-latin-600-normal",
    ),
]


@dataclass(frozen=True)
class FontFace:
    family: str
    weight: int
    style: str
    url: str


def font_faces() -> list[FontFace]:
    faces = []
    for family, weight, style, path in FONT_FILES:
        found = finders.find(f"{path}.woff2") or finders.find(f"{path}.woff")
        if found:
            faces.append(FontFace(family, weight, style, Path(found).resolve().as_uri()))
        else:
            logger.warning("Font %s not found: run `npm ci` (make install)", path)
    return faces


class LocalOnlyFetcher(URLFetcher):
    """Serve data: URIs and the packaged font files; refuse everything else."""

    def __init__(self, allowed_urls: set[str]) -> None:
        super().__init__(allowed_protocols={"data", "file"})
        self.allowed_urls = allowed_urls

    def fetch(self, url, headers=None):
        if url.startswith("data:") or url in self.allowed_urls:
            return super().fetch(url, headers)
        raise ValueError(f"Ressource refusée dans un PDF : {url[:100]}")


def qr_code_data_uri(url: str) -> str:
    """An SVG QR code (error correction M) of an absolute URL."""
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=4)


def image_data_uri(field) -> str | None:
    """An uploaded image as a data: URI, read through the storage (works with S3 too)."""
    if not field:
        return None
    return stored_image_data_uri(field.name, storage=field.storage)


def stored_image_data_uri(name: str | None, *, storage=default_storage) -> str | None:
    """The file `name` of the storage as a data: URI; None (and a warning) when it is gone."""
    if not name:
        return None
    try:
        with storage.open(name, "rb") as handle:
            data = handle.read()
    except OSError:
        logger.warning("Image %s missing from the storage", name)
        return None
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _photo(card: dict) -> dict | None:
    photo: dict | None = card.get("photo")  # absent from cards frozen before photos were printed
    if not photo:
        return None
    uri = stored_image_data_uri(photo["name"])
    return {**photo, "uri": uri} if uri else None


def html_to_pdf(html: str, *, faces: list[FontFace]) -> bytes:
    font_config = FontConfiguration()
    fetcher = LocalOnlyFetcher({face.url for face in faces})
    document = weasyprint.HTML(string=html, base_url=site_url(), url_fetcher=fetcher)
    return document.write_pdf(font_config=font_config, pdf_tags=True)


def _print_cards(cards) -> list[dict]:
    return [
        {
            **card.data,
            "url": card.absolute_url,
            "qr": qr_code_data_uri(card.absolute_url) if card.absolute_url else None,
            "photo": _photo(card.data),
        }
        for card in cards
    ]


def render_issue_html(*, issue: Issue) -> str:
    series = issue.series
    articles = [
        {
            "article": article,
            "anchor": f"article-{index}",
            "body": render_body(article.body),
            "image": image_data_uri(article.image),
        }
        for index, article in enumerate(
            issue.articles.prefetch_related("centres").order_by("position", "pk"), start=1
        )
    ]
    page_path = f"/publications/{series.slug}/{issue.number}/"
    cards = _print_cards(featured_cards(issue=issue))
    themes = list(issue.themes.all())
    return render_to_string(
        ISSUE_TEMPLATE,
        {
            "issue": issue,
            "series": series,
            "themes": themes,
            "editorial": render_body(issue.editorial),
            "articles": articles,
            "cards": cards,
            "cover_map": cover_map_data_uri(
                cards=cards, colour=themes[0].colour if themes else "#0b5d6b"
            ),
            "centres": list(network_centres()),
            "fonts": font_faces(),
            "logo": image_data_uri(series.publisher_logo),
            "issue_url": absolute_url(page_path),
            "print_date": timezone.localdate(issue.published_at) if issue.published_at else None,
        },
    )


def _cached_pdf(*, prefix: str, html: str, faces: list[FontFace]) -> str:
    """The storage name of the PDF of `html`, rendered once per distinct content."""
    digest = hashlib.sha256(f"{weasyprint.__version__}\n{html}".encode()).hexdigest()
    digest = digest[:DIGEST_LENGTH]
    name = f"{CACHE_DIR}/{prefix}-{digest}.pdf"
    if default_storage.exists(name):
        return name
    pdf = html_to_pdf(html, faces=faces)
    saved = default_storage.save(name, ContentFile(pdf))
    _remove_stale(prefix=prefix, keep={saved, name})
    return saved


def _remove_stale(*, prefix: str, keep: set[str]) -> None:
    try:
        _dirs, files = default_storage.listdir(CACHE_DIR)
    except (FileNotFoundError, NotImplementedError):
        return
    pattern = re.compile(rf"^{re.escape(prefix)}-[0-9a-f]{{{DIGEST_LENGTH}}}(_\w+)?\.pdf$")
    for filename in files:
        name = f"{CACHE_DIR}/{filename}"
        if pattern.match(filename) and name not in keep:
            default_storage.delete(name)


def issue_pdf_prefix(issue: Issue) -> str:
    state = "" if issue.is_published else "apercu-"
    return f"{state}{issue.series.slug}-{issue.number:03d}"


def issue_pdf(*, issue: Issue) -> str:
    """The storage name of the issue's PDF, built if the issue changed since last time."""
    html = render_issue_html(issue=issue)
    return _cached_pdf(prefix=issue_pdf_prefix(issue), html=html, faces=font_faces())


def issue_pdf_filename(issue: Issue) -> str:
    return f"{issue.series.slug}-n{issue.number}.pdf"


@dataclass(frozen=True)
class Portfolio:
    name: str  # storage name of the PDF
    total: int
    shown: int

    @property
    def capped(self) -> bool:
        return self.total > self.shown


def portfolio_pdf(*, filters: PortfolioFilters, limit: int = PORTFOLIO_MAX_CARDS) -> Portfolio:
    initiatives = portfolio_initiatives(filters=filters)
    total = initiatives.count()
    selected = list(initiatives[:limit])
    cards = []
    for initiative in selected:
        url = absolute_url(initiative_path(initiative.slug))
        card = snapshot_initiative(initiative)
        cards.append({**card, "url": url, "qr": qr_code_data_uri(url), "photo": _photo(card)})
    faces = font_faces()
    html = render_to_string(
        PORTFOLIO_TEMPLATE,
        {
            "cards": cards,
            "filters": filters.describe() or [_("Toutes les initiatives publiées")],
            "total": total,
            "shown": len(cards),
            "capped": total > len(cards),
            "centres": list(network_centres()),
            "fonts": faces,
            "print_date": timezone.localdate(),
        },
    )
    query = "-".join(f"{k}-{v}" for k, v in sorted(filters.query().items())) or "tout"
    name = _cached_pdf(prefix=f"portfolio-{query}"[:80], html=html, faces=faces)
    return Portfolio(name=name, total=total, shown=len(cards))
