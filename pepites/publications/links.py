"""Addresses the publications point to: the live initiative page, absolute for e-mails and
print (a QR code needs a full URL)."""

from pepites.core import links
from pepites.core.siteurl import site_url


def initiative_path(slug: str) -> str:
    """The initiative's public page, /initiatives/<slug>/ (built by the initiatives pages)."""
    try:
        return links.path("initiative", slug=slug)
    except LookupError:  # the web pages are not installed: same address by hand
        return f"/initiatives/{slug}/"


def absolute_url(path: str) -> str:
    return site_url() + path
