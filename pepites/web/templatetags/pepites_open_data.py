"""Open data in the pages: schema.org JSON-LD and the embedded map's address."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from pepites.core.siteurl import site_url
from pepites.initiatives.exports import LICENCE

register = template.Library()
NETWORK = "Réseau national des centres de ressources politique de la ville"


def _script(data: dict) -> SafeString:
    text = json.dumps(data, ensure_ascii=False, indent=1)
    # Nothing in the data can close the script element.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def _absolute(path: str) -> str:
    return site_url() + path


@register.simple_tag
def initiative_jsonld(initiative) -> SafeString:
    """The page is an Article (a case study) about a Project carried by an organisation."""
    url = _absolute(reverse("initiative_detail", kwargs={"slug": initiative.slug}))
    place: dict = {
        "@type": "Place",
        "address": {
            "@type": "PostalAddress",
            "addressLocality": initiative.commune.name,
            "addressCountry": "FR",
            **({"streetAddress": initiative.address} if initiative.address else {}),
        },
    }
    if initiative.latitude is not None and initiative.longitude is not None:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": initiative.latitude,
            "longitude": initiative.longitude,
        }
    project: dict = {
        "@type": "Project",
        "name": initiative.title,
        "description": initiative.summary,
        "identifier": str(initiative.uid),
        "parentOrganization": {"@type": "Organization", "name": initiative.porteur_name},
        "location": place,
    }
    if initiative.start_year:
        project["foundingDate"] = str(initiative.start_year)
    links = [link.url for link in initiative.links.all()]
    if links:
        project["sameAs"] = links
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Article",
        "@id": url,
        "url": url,
        "headline": initiative.title[:110],
        "abstract": initiative.summary,
        "inLanguage": "fr",
        "isAccessibleForFree": True,
        "license": LICENCE["path"],
        "keywords": [theme.label for theme in initiative.themes.all()],
        "about": project,
        "publisher": {"@type": "Organization", "name": "Pépites", "url": _absolute("/")},
    }
    if initiative.published_at:
        data["datePublished"] = initiative.published_at.isoformat()
    if initiative.updated_at:
        data["dateModified"] = initiative.updated_at.isoformat()
    if initiative.centre_id:
        data["author"] = {
            "@type": "Organization",
            "name": initiative.centre.name,
            "url": _absolute(reverse("centre_detail", kwargs={"slug": initiative.centre.slug})),
        }
    return _script(data)


@register.simple_tag
def centre_jsonld(centre) -> SafeString:
    url = _absolute(reverse("centre_detail", kwargs={"slug": centre.slug}))
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": url,
        "url": url,
        "name": centre.name,
        "memberOf": {"@type": "Organization", "name": NETWORK},
        "areaServed": [
            {"@type": "AdministrativeArea", "name": d.name, "identifier": d.code}
            for d in centre.departements.all()
        ],
    }
    if centre.former_name:
        data["alternateName"] = centre.former_name
    if centre.description:
        data["description"] = centre.description
    if centre.email:
        data["email"] = centre.email
    if centre.phones:
        data["telephone"] = str(centre.phones[0])
    if centre.website:
        data["sameAs"] = [centre.website]
    return _script(data)


@register.simple_tag
def embed_url(**filters) -> str:
    """/embed/ with these filters, e.g. {% embed_url centre=centre.slug %}."""
    query = urlencode({k: v for k, v in filters.items() if v}, doseq=True)
    return reverse("embed") + (f"?{query}" if query else "")
