"""Accounts: login by e-mail address, password reset by e-mail, invitations to a centre."""

from typing import cast

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from pepites.audit.models import Action
from pepites.audit.services import record
from pepites.core.twofactor import has_two_factor, recovery_codes_left, requires_two_factor
from pepites.network.memberships import accept_invitation, existing_account, get_valid_invitation
from pepites.privacy.personal_data import erase_account, personal_data
from pepites.web.accounts.forms import (
    EmailLoginForm,
    FrenchPasswordChangeForm,
    FrenchPasswordResetForm,
    FrenchSetPasswordForm,
    InvitationForm,
)
from pepites.web.formtools import add_service_errors

login_view = auth_views.LoginView.as_view(
    template_name="web/accounts/login.html",
    authentication_form=EmailLoginForm,
    redirect_authenticated_user=True,
)
logout_view = auth_views.LogoutView.as_view()
password_reset = auth_views.PasswordResetView.as_view(
    template_name="web/accounts/password_reset.html",
    email_template_name="web/accounts/emails/password_reset.txt",
    subject_template_name="web/accounts/emails/password_reset_subject.txt",
    form_class=FrenchPasswordResetForm,
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="web/accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="web/accounts/password_reset_confirm.html",
    form_class=FrenchSetPasswordForm,
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="web/accounts/password_reset_complete.html"
)


@never_cache
@csrf_protect
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    found = get_valid_invitation(token=token)
    if found is None:
        return render(request, "web/accounts/invitation_invalid.html", status=404)
    account = existing_account(email=found.email)
    form = InvitationForm(request.POST or None) if account is None else None
    if request.method == "POST":
        if account is not None:
            accept_invitation(invitation=found)
            messages.success(
                request,
                _("Vous avez rejoint %(centre)s. Connectez-vous avec votre compte habituel.")
                % {"centre": found.centre.name},
            )
            return redirect("accounts:login")
        assert form is not None  # no account yet: the form was built above
        if form.is_valid():
            try:
                user = accept_invitation(
                    invitation=found,
                    password=form.cleaned_data["password1"],
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                login(request, cast(User, user), backend="pepites.core.authentication.EmailBackend")
                messages.success(
                    request,
                    _("Bienvenue ! Vous êtes membre de %(centre)s.")
                    % {"centre": found.centre.name},
                )
                return redirect("workspace:index")
    return render(
        request,
        "web/accounts/invitation.html",
        {"invitation": found, "form": form, "account": account},
    )


@never_cache
@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The person's own account: second factor, password (and their data)."""
    return render(
        request,
        "web/accounts/account.html",
        {
            "has_two_factor": has_two_factor(cast(User, request.user)),
            "two_factor_required": requires_two_factor(request.user),
            "recovery_codes_left": recovery_codes_left(cast(User, request.user)),
        },
    )


# Django keeps this session and ends every other one: the session carries a hash of the
# password (update_session_auth_hash), which no longer matches elsewhere.
class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "web/accounts/password_change.html"
    form_class = FrenchPasswordChangeForm
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        record(action=Action.PASSWORD_CHANGE, actor=self.request.user)
        return super().form_valid(form)


password_change = PasswordChangeView.as_view()


@never_cache
@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """The data held on the person, as a JSON file (RGPD, right of access)."""
    response = JsonResponse(
        personal_data(user=cast(User, request.user)),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = 'attachment; filename="pepites-mes-donnees.json"'
    return response


@never_cache
@login_required
def erase(request: HttpRequest) -> HttpResponse:
    """Erase the account at the person's request, after their password (right to erasure)."""
    error = ""
    if request.method == "POST":
        if request.user.check_password(request.POST.get("password", "")):
            erase_account(user=cast(User, request.user))
            logout(request)
            messages.success(request, _("Votre compte et vos données personnelles sont effacés."))
            return redirect("home")
        error = _("Mot de passe incorrect : rien n'a été effacé.")
    return render(
        request, "web/accounts/erase.html", {"error": error}, status=400 if error else 200
    )
