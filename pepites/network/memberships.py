"""Writes and reads about the people of the centres: memberships and invitations."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from pepites.audit.models import Action
from pepites.audit.services import record
from pepites.core import links
from pepites.core.jobs.email import enqueue_email
from pepites.core.roles import NATIONAL_TEAM_GROUP
from pepites.network.models import Centre, Invitation, Membership
from pepites.network.roles import forget_roles


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _normalise_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError(
            {"email": _("Saisissez une adresse électronique valide, ex. prenom.nom@exemple.fr.")}
        ) from exc
    local, _at, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


@transaction.atomic
def add_member(
    *,
    user: AbstractBaseUser,
    centre: Centre,
    role: str = Membership.Role.MEMBER,
    invited_by: AbstractBaseUser | None = None,
    by: AbstractBaseUser | None = None,
) -> Membership:
    """Attach the user to the centre (or change their role there); `by`: who does it."""
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Rôle inconnu : %(role)s.") % {"role": role}})
    membership, created = Membership.objects.get_or_create(
        user=user, centre=centre, defaults={"role": role, "invited_by": invited_by}
    )
    changed = created or membership.role != role
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    forget_roles(user)
    if changed:
        record(
            action=Action.MEMBER_ADD,
            actor=by or invited_by,
            target=membership,
            details={"compte": user.get_username(), "centre": centre.slug, "role": role},
        )
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, by: AbstractBaseUser | None = None) -> None:
    details = {"compte": membership.user.get_username(), "centre": membership.centre.slug}
    record(action=Action.MEMBER_REMOVE, actor=by, target=membership, details=details)
    membership.delete()
    forget_roles(membership.user)


@dataclass(frozen=True)
class SentInvitation:
    invitation: Invitation
    url: str


@transaction.atomic
def _inviter_name(invited_by: AbstractBaseUser | None) -> str:
    if not invited_by:
        return ""
    account = cast(User, invited_by)
    return account.get_full_name() or account.email


def invite_member(
    *,
    centre: Centre,
    email: str,
    invited_by: AbstractBaseUser | None,
    role: str = Membership.Role.MEMBER,
) -> SentInvitation:
    """Record an invitation and e-mail its link; the link works once, until it expires."""
    email = _normalise_email(email)
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Rôle inconnu : %(role)s.") % {"role": role}})
    if Membership.objects.filter(centre=centre, user__email__iexact=email).exists():
        raise ValidationError(
            {"email": _("%(email)s est déjà membre de ce centre.") % {"email": email}}
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        centre=centre,
        role=role,
        token_hash=_token_hash(token),
        invited_by=cast("User | None", invited_by),
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    url = links.absolute("accounts.invitation", token=token)
    context = {
        "invitation": invitation,
        "url": url,
        "inviter": _inviter_name(invited_by),
        "days": settings.INVITATION_VALID_DAYS,
    }
    enqueue_email(
        subject=_("Invitation à rejoindre %(centre)s sur Pépites") % {"centre": centre.name},
        body=render_to_string("network/emails/invitation.txt", context),
        to=[email],
    )
    return SentInvitation(invitation=invitation, url=url)


def get_valid_invitation(*, token: str) -> Invitation | None:
    """The pending invitation of this token, if it has not expired nor been used."""
    if not token:
        return None
    return (
        Invitation.objects.select_related("centre")
        .filter(
            token_hash=_token_hash(token), accepted_at__isnull=True, expires_at__gt=timezone.now()
        )
        .first()
    )


def existing_account(*, email: str):
    return get_user_model().objects.filter(email__iexact=email).order_by("pk").first()


@transaction.atomic
def accept_invitation(
    *,
    invitation: Invitation,
    password: str = "",
    first_name: str = "",
    last_name: str = "",
) -> AbstractBaseUser:
    """Join the centre: an existing account with this address joins it as it is; otherwise
    an account is made with the password chosen (checked by the password validators)."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None:
        raise ValidationError(_("Cette invitation a déjà été utilisée."))
    user = existing_account(email=locked.email)
    if user is None:
        User = get_user_model()
        user = User(
            username=locked.email.lower()[:150],
            email=locked.email,
            first_name=first_name.strip()[:150],
            last_name=last_name.strip()[:150],
        )
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password1": exc.messages}) from exc
        user.set_password(password)
        user.save()
    add_member(user=user, centre=locked.centre, role=locked.role, invited_by=locked.invited_by)
    locked.accepted_at = timezone.now()
    locked.save(update_fields=["accepted_at"])
    return user


def list_members(*, centre: Centre) -> QuerySet[Membership]:
    return Membership.objects.filter(centre=centre).select_related("user").order_by("user__email")


def pending_invitations(*, centre: Centre) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        centre=centre, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at")


def national_team_emails() -> list[str]:
    User = get_user_model()
    group = Group.objects.filter(name=NATIONAL_TEAM_GROUP).first()
    users = User.objects.filter(is_active=True).exclude(email="")
    if group is None:
        return []
    return sorted(set(users.filter(groups=group).values_list("email", flat=True)))


def notification_emails(*, centre: Centre | None) -> list[str]:
    """Who hears of a proposal for this centre: its members, or the national team where
    no centre covers the territory (or the centre has nobody yet)."""
    if centre is not None:
        emails = sorted(
            set(
                Membership.objects.filter(centre=centre, user__is_active=True)
                .exclude(user__email="")
                .values_list("user__email", flat=True)
            )
        )
        if emails:
            return emails
    return national_team_emails()


@dataclass(frozen=True)
class AccountSetUp:
    user: AbstractBaseUser
    created: bool  # a new account (no password yet)


@transaction.atomic
def set_up_account(
    *,
    email: str,
    centre_slug: str = "",
    role: str = Membership.Role.MEMBER,
    national_team: bool = False,
) -> AccountSetUp:
    """The account of `email` (made when missing, without a password) joined to a centre
    and/or to the national team (staff, for the administration): what `pepites add_member`
    does."""
    email = _normalise_email(email)
    if not centre_slug and not national_team:
        raise ValidationError(
            _("Indiquez un centre (--centre SLUG) ou l'équipe nationale (--national-team).")
        )
    centre = None
    if centre_slug:
        centre = Centre.objects.filter(slug=centre_slug).first()
        if centre is None:
            known = ", ".join(Centre.objects.order_by("slug").values_list("slug", flat=True))
            raise ValidationError(
                {
                    "centre": _("Aucun centre « %(slug)s ». Centres connus : %(known)s.")
                    % {"slug": centre_slug, "known": known or _("aucun")}
                }
            )
    user = existing_account(email=email)
    created = user is None
    if created:
        user = get_user_model()(username=email[:150], email=email)
        user.set_unusable_password()
        user.save()
    if centre is not None:
        add_member(user=user, centre=centre, role=role)
    if national_team:
        user.groups.add(Group.objects.get_or_create(name=NATIONAL_TEAM_GROUP)[0])
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        forget_roles(user)
    return AccountSetUp(user=user, created=created)
