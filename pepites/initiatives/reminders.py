"""The weekly reminder to each centre of its initiatives « à vérifier » (not checked for a
year), one e-mail digest per centre to its members, queued like every e-mail."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from pepites.core import links
from pepites.core.jobs.email import enqueue_email
from pepites.initiatives.links import broken_links
from pepites.initiatives.models import Initiative
from pepites.initiatives.selectors import to_check_filter
from pepites.network.memberships import notification_emails
from pepites.network.models import Centre

LISTED = 30  # initiatives named in one e-mail; the rest are counted


def send_check_reminders() -> int:
    """Queue one digest per centre that has initiatives to check; returns how many."""
    to_check = Initiative.objects.filter(to_check_filter(), centre__isnull=False)
    sent = 0
    for centre in Centre.objects.filter(pk__in=to_check.values("centre")).order_by("name"):
        mine = to_check.filter(centre=centre).order_by("title")
        count = mine.count()
        recipients = notification_emails(centre=centre)
        if not count or not recipients:
            continue
        url = links.absolute("workspace.index") + f"?centre={centre.slug}&etat=a_verifier"
        body = render_to_string(
            "initiatives/emails/to_check.txt",
            {
                "centre": centre,
                "initiatives": list(mine[:LISTED]),
                "count": count,
                "more": max(0, count - LISTED),
                "url": url,
                "broken_links": broken_links(centre=centre).count(),
            },
        )
        enqueue_email(
            subject=_("Pépites : %(n)d initiative(s) à vérifier pour %(centre)s")
            % {"n": count, "centre": centre.name},
            body=body,
            to=recipients,
        )
        sent += 1
    return sent
