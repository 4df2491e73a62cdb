"""{% load pepites_events %}{% next_events %}: the next events of the network (home page), or
{% next_events centre=centre %} on a centre's page; one query for the events, one for their
centres and themes."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from pepites.events.selectors import next_events as select_next_events
from pepites.web.events.views import decorate

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
