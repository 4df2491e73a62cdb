"""The pages that domain code links to (e-mails, exports, print), by name: see
pepites.core.links. Registered when the web app starts."""

from functools import partial

from django.urls import reverse

from pepites.core import links

# name used by the domains -> (route name, its URL arguments in order)
PAGES: dict[str, str] = {
    "initiative": "initiative_detail",
    "resource": "resource_detail",
    "home": "home",
    "alerts.confirm": "alerts:confirm",
    "alerts.feed": "alerts:feed",
    "alerts.unsubscribe": "alerts:unsubscribe",
    "workspace.essaimage": "workspace:essaimage",
    "checkin": "checkin",
    "open_data.schema": "open_data_schema",
    "workspace.index": "workspace:index",
    "workspace.proposal": "workspace:proposal",
    "accounts.invitation": "accounts:invitation",
    "publications.confirm": "publications:confirm",
    "publications.unsubscribe": "publications:unsubscribe",
    "publications.issue": "publications:issue_detail",
    "publications.issue_pdf": "publications:issue_pdf",
    "events.event": "events:detail",
    "events.registration": "events:registration",
}


def _reverse(route: str, **arguments: object) -> str:
    return reverse(route, kwargs=arguments or None)


def register_pages() -> None:
    for name, route in PAGES.items():
        links.register(name, partial(_reverse, route))
