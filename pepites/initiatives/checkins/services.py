"""Sending the check-in links and recording the porteur's answer.

A confirmation (« toujours en cours ») updates `last_checked_at` at once, as a new version
of the initiative. Anything else — it stopped, changes, this year's figures — becomes a
correction in the moderation queue, with its diff, decided by the centre as any other.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from pepites.core import links, ratelimit
from pepites.core.jobs.email import enqueue_email
from pepites.core.richtext import clean_markdown
from pepites.initiatives.checkins.links import make_key, new_secret, read_key
from pepites.initiatives.checkins.models import CheckinAnswer, CheckinLink, CheckinPurpose
from pepites.initiatives.contributions.emails import notify_submission
from pepites.initiatives.contributions.submission import RateLimited, clean_correction_data
from pepites.initiatives.figures.services import clean_figures, clean_year
from pepites.initiatives.models import Initiative, InitiativeStatus, Proposal, ProposalKind
from pepites.initiatives.services import update_initiative


def _interval() -> timedelta:
    return timedelta(days=settings.CHECKIN_EVERY_DAYS)


def due_initiatives(*, now=None) -> QuerySet[Initiative]:
    """Published initiatives whose contact consented and left an address, not checked and
    not asked within CHECKIN_EVERY_DAYS."""
    since = (now or timezone.now()) - _interval()
    asked = CheckinLink.objects.filter(purpose=CheckinPurpose.YEARLY, created_at__gte=since)
    return (
        Initiative.objects.filter(
            status=InitiativeStatus.PUBLISHED, contact_consent=True, is_demo=False
        )
        .exclude(contact_email="")
        .exclude(last_checked_at__gte=since)
        .exclude(pk__in=asked.values("initiative_id"))
    )


def checkin_url(key: str) -> str:
    return links.absolute("checkin", key=key)


@transaction.atomic
def send_checkin(*, initiative: Initiative, sent_by: Any = None) -> CheckinLink:
    """A new link for `initiative` (the previous unused ones revoked), e-mailed to its
    contact through the job queue. ValidationError when there is nobody to write to."""
    if not (initiative.contact_consent and initiative.contact_email):
        raise ValidationError(
            _(
                "Cette initiative n'a pas de contact qui a consenti, avec une adresse : rien à envoyer."
            )
        )
    now = timezone.now()
    CheckinLink.objects.filter(
        initiative=initiative,
        purpose=CheckinPurpose.YEARLY,
        used_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    secret, secret_hash = new_secret()
    link = CheckinLink.objects.create(
        initiative=initiative,
        purpose=CheckinPurpose.YEARLY,
        secret_hash=secret_hash,
        email=initiative.contact_email,
        expires_at=now + timedelta(days=settings.CHECKIN_LINK_DAYS),
        sent_by=sent_by if sent_by is not None and sent_by.is_authenticated else None,
    )
    body = render_to_string(
        "initiatives/checkins/emails/checkin.txt",
        {
            "initiative": initiative,
            "centre": initiative.centre,
            "url": checkin_url(make_key(link=link, secret=secret)),
            "expires_at": link.expires_at,
            "page_url": links.absolute("initiative", slug=initiative.slug),
        },
    )
    enqueue_email(
        subject=_("Pépites : où en est « %(title)s » ? (bilan annuel)")
        % {"title": initiative.title},
        body=body,
        to=[link.email],
    )
    return link


def send_yearly_checkins() -> int:
    """The periodic job: at most CHECKIN_BATCH links per run, oldest checks first."""
    due = due_initiatives().order_by("last_checked_at", "published_at", "pk")
    sent = 0
    for initiative in due[: settings.CHECKIN_BATCH]:
        send_checkin(initiative=initiative)
        sent += 1
    return sent


def _figures(year: Any, values: dict[str, Any] | None) -> dict[str, Any] | None:
    """This year's (or last year's) figures, checked; None when none were given."""
    if not values or all(v in (None, "") for v in values.values()):
        return None
    cleaned = clean_figures(values)
    year = clean_year(year)
    today = timezone.localdate().year
    if year not in (today, today - 1):
        raise ValidationError(
            {
                "year": _("Le bilan porte sur %(last)s ou %(now)s.")
                % {"last": today - 1, "now": today}
            }
        )
    return {"year": year, **cleaned}


@transaction.atomic
def answer_checkin(
    *,
    key: str,
    answer: str,
    ip: str,
    changes: dict[str, Any] | None = None,
    figures_year: Any = None,
    figures: dict[str, Any] | None = None,
    message: str = "",
) -> CheckinLink:
    """Record the porteur's answer through the link `key` (LinkRefused if unusable; the
    link is then used up). ValidationError by field on bad input: nothing is recorded."""
    link = read_key(key, purpose=CheckinPurpose.YEARLY, for_update=True)
    initiative = link.initiative
    message = clean_markdown(message or "")[:3000]
    data = clean_correction_data(changes or {}, initiative=initiative)
    year_figures = _figures(figures_year, figures)
    if year_figures:
        data["figures"] = year_figures
    if answer == CheckinAnswer.RUNNING:
        if data:
            raise ValidationError(
                {
                    "answer": _(
                        "Vous avez saisi des modifications ou des chiffres : choisissez "
                        "« Je propose des modifications » pour qu'elles soient prises en compte."
                    )
                }
            )
        update_initiative(
            initiative=initiative,
            expected_version=initiative.version,
            last_checked_at=timezone.now(),
            history_reason=_("Bilan annuel : toujours en cours, confirmé par le porteur"),
        )
    elif answer in (CheckinAnswer.STOPPED, CheckinAnswer.CHANGES):
        if answer == CheckinAnswer.STOPPED:
            data["is_running"] = False
        elif not data and not message.strip():
            raise ValidationError(
                {"message": _("Modifiez au moins un champ, donnez des chiffres ou écrivez-nous.")}
            )
        if not ratelimit.consume(
            keys=["checkin:ip:" + ratelimit.hashed(ip)],
            limit=settings.PROPOSALS_PER_HOUR,
            window=timedelta(hours=1),
        ):
            raise RateLimited
        link.proposal = Proposal.objects.create(
            kind=ProposalKind.CORRECTION,
            initiative=initiative,
            base_version=initiative.version,
            data=data,
            message=message,
            commune=initiative.commune,
            centre=initiative.centre,
            proposer_name=initiative.contact_name[:150],
            proposer_email=link.email,
            consent_at=timezone.now(),
            ip_hash=ratelimit.hashed(ip),
        )
        notify_submission(link.proposal)
    else:
        raise ValidationError({"answer": _("Choisissez une réponse.")})
    link.used_at = timezone.now()
    link.answer = answer
    link.save(update_fields=["used_at", "answer", "proposal"])
    return link


@transaction.atomic
def revoke_link(*, link: CheckinLink) -> None:
    CheckinLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def purge_old_links(*, now=None) -> int:
    """The links (and the address they were sent to) older than a check-in period plus
    PROPOSAL_RETENTION_DAYS: by then a newer link has replaced them (retention job)."""
    limit = (now or timezone.now()) - _interval() - timedelta(days=settings.PROPOSAL_RETENTION_DAYS)
    deleted, _rows = CheckinLink.objects.filter(created_at__lt=limit).delete()
    return deleted
