"""{% load pepites_events %}{% next_events %}: the next events of the network (home page), or
{% next_events centre=centre %} on a centre's page; one query for the events, one for their
centres and themes. {% event_jsonld event %}: an event page's schema.org data."""

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from pepites.core.siteurl import site_url
from pepites.events.models import EventStatus
from pepites.events.selectors import next_events as select_next_events
from pepites.events.timezones import in_zone
from pepites.web.events.views import decorate
from pepites.web.templatetags.pepites_open_data import NETWORK, _script

register = template.Library()


@register.inclusion_tag("web/events/includes/upcoming.html")
def next_events(centre=None, limit: int = 3) -> dict:
    events = select_next_events(limit=limit, centre_id=centre.pk if centre else None)
    more = reverse("events:upcoming") + (f"?centre={centre.slug}" if centre else "")
    return {
        "events": [decorate(event) for event in events],
        "heading": _("Les prochains événements du centre")
        if centre
        else _("Les prochains événements du réseau"),
        "heading_id": "titre-agenda",
        "more_url": more,
    }


@register.simple_tag
def event_jsonld(event) -> SafeString:
    """schema.org Event: times with their offset, the place or the online attendance mode
    (never the connection link), the organising centres."""
    url = site_url() + reverse("events:detail", kwargs={"slug": event.slug})
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": url,
        "url": url,
        "name": event.title,
        "description": event.summary,
        "startDate": in_zone(event.starts_at, event.time_zone).isoformat(),
        "endDate": in_zone(event.ends_at, event.time_zone).isoformat(),
        "eventStatus": "https://schema.org/EventCancelled"
        if event.status == EventStatus.CANCELLED
        else "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode"
        if event.is_online and not event.commune_id
        else "https://schema.org/OfflineEventAttendanceMode",
        "organizer": [
            {
                "@type": "Organization",
                "name": centre.name,
                "url": site_url() + reverse("centre_detail", kwargs={"slug": centre.slug}),
            }
            for centre in event.centres.all()
        ]
        or [{"@type": "Organization", "name": NETWORK}],
    }
    if event.commune_id:
        place: dict = {
            "@type": "Place",
            "name": event.venue or event.commune.name,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": event.address,
                "addressLocality": event.commune.name,
                "addressCountry": "FR",
            },
        }
        if event.latitude is not None and event.longitude is not None:
            place["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": event.latitude,
                "longitude": event.longitude,
            }
        data["location"] = place
    elif event.is_online:
        data["location"] = {"@type": "VirtualLocation", "url": url}
    if event.audience:
        data["audience"] = {"@type": "Audience", "audienceType": event.audience}
    if event.capacity:
        data["maximumAttendeeCapacity"] = event.capacity
    return _script(data)
