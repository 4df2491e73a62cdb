"""Addresses the publications point to: the live initiative page, absolute for e-mails and
print (a QR code needs a full URL)."""

from django.urls import NoReverseMatch, reverse

from pepites.core.siteurl import site_url

INITIATIVE_URL_NAME = "initiative_detail"


def initiative_path(slug: str) -> str:
    """The initiative's public page, /initiatives/<slug>/ (built by the initiatives pages)."""
    try:
        return reverse(INITIATIVE_URL_NAME, kwargs={"slug": slug})
    except NoReverseMatch:  # the initiatives pages are not installed: same address by hand
        return f"/initiatives/{slug}/"


def absolute_url(path: str) -> str:
    return site_url() + path
