"""The resource library in the pages: JSON-LD (schema.org CreativeWork), a resource's
territories, and the lists shown on a centre's and an initiative's page."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.utils.safestring import SafeString

from pepites.core.siteurl import site_url
from pepites.insights.library import resource_items
from pepites.resources.models import Licence
from pepites.resources.selectors import latest_for_centre, resources_for_initiative
from pepites.web.templatetags.pepites_open_data import NETWORK, _script

register = template.Library()

LICENCE_URLS = {
    Licence.ETALAB: "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
    Licence.CC_BY_NC_ND: "https://creativecommons.org/licenses/by-nc-nd/4.0/",
}
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class Territory:
    key: str
    name: str


@register.simple_tag
def territories_of(resource) -> list[Territory]:
    found = [Territory(f"region:{r.pk}", r.name) for r in resource.regions.all()]
    found += [Territory(f"departement:{d.pk}", d.name) for d in resource.departements.all()]
    found += [Territory(f"commune:{c.pk}", c.name) for c in resource.communes.all()]
    found += [Territory(f"qpv:{q.pk}", q.name) for q in resource.qpvs.all()]
    return found


@register.simple_tag
def resource_jsonld(resource) -> SafeString:
    url = site_url() + resource.get_absolute_url()
    data: dict = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "@id": url,
        "url": url,
        "name": resource.title,
        "identifier": str(resource.uid),
        "genre": str(resource.get_kind_display()),
        "datePublished": resource.date.isoformat(),
        "inLanguage": "fr",
        "publisher": [
            {
                "@type": "Organization",
                "name": c.name,
                "memberOf": {"@type": "Organization", "name": NETWORK},
            }
            for c in resource.centres.all()
        ],
        "about": [t.label for t in resource.themes.all()],
        "spatialCoverage": [
            {"@type": "AdministrativeArea", "name": t.name, "identifier": t.key.partition(":")[2]}
            for t in territories_of(resource)
        ],
    }
    if resource.summary:
        data["abstract"] = resource.summary
    if resource.authors:
        data["author"] = [
            {"@type": "Person", "name": name.strip()}
            for name in resource.authors.split(",")
            if name.strip()
        ]
    if resource.licence in LICENCE_URLS:
        data["license"] = LICENCE_URLS[resource.licence]
    else:
        data["copyrightNotice"] = str(resource.get_licence_display())
    if resource.file:
        data["encoding"] = {
            "@type": "MediaObject",
            "contentUrl": site_url() + resource.file.url,
            "encodingFormat": MEDIA_TYPES.get(resource.file_type, ""),
            "contentSize": str(resource.file_size),
        }
        if resource.page_count:
            data["numberOfPages"] = resource.page_count
    if resource.external_url:
        data["sameAs"] = [resource.external_url]
    if resource.preview:
        data["thumbnailUrl"] = site_url() + resource.preview.url
    return _script(data)


@register.inclusion_tag("web/resources/includes/related.html", takes_context=True)
def centre_resources(context, centre) -> dict:
    return {
        "items": resource_items(latest_for_centre(centre_id=centre.pk)),
        "heading": "centre",
        "centre": centre,
    }


@register.inclusion_tag("web/resources/includes/related.html", takes_context=True)
def initiative_resources(context, initiative) -> dict:
    return {
        "items": resource_items(resources_for_initiative(initiative_id=initiative.pk)),
        "heading": "initiative",
    }
