"""The second factor in the interface: asked after the password, set up from the account
page (and before anything else for the accounts that must have one)."""

from __future__ import annotations

from typing import cast

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from pepites.core.twofactor import (
    confirm_enrolment,
    disable_two_factor,
    has_two_factor,
    new_recovery_codes,
    pending_device,
    requires_two_factor,
    verify_code,
)
from pepites.web.formtools import AccessibleErrorsMixin

# Reachable before the second factor: the pages that ask for it, and leaving.
OPEN_PREFIXES = ("/compte/verification/", "/compte/double-authentification/", "/static/")
OPEN_PATHS = ("/compte/deconnexion/",)


class TwoFactorMiddleware:
    """A signed-in account with a second factor must give it; an account that must have one
    sets it up first. The API is authenticated by its tokens, not by the session."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        path = request.path
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]
            and not path.startswith(("/api/", *OPEN_PREFIXES))
            and path not in OPEN_PATHS
        ):
            if has_two_factor(user):
                return redirect(_with_next(reverse("accounts:verify"), request))
            if requires_two_factor(user):
                return redirect(_with_next(reverse("accounts:two_factor"), request))
        return self.get_response(request)


def _with_next(url: str, request: HttpRequest) -> str:
    from urllib.parse import urlencode

    return f"{url}?{urlencode({'next': request.get_full_path()})}"


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("accounts:account")


class CodeForm(AccessibleErrorsMixin, forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        help_text=gettext_lazy(
            "Les 6 chiffres affichés par votre application, ou un code de secours (1234-5678)."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = verify_code(user=cast(User, request.user), code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("code", _("Code incorrect ou expiré : réessayez avec le code affiché."))
    return render(
        request,
        "web/accounts/two_factor_verify.html",
        {"form": form, "next": _next(request)},
        status=400 if form.errors else 200,
    )


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, title=_("Code QR à scanner"))


@never_cache
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up (or replace) the application: scan, then confirm with a first code."""
    if has_two_factor(cast(User, request.user)) and not request.user.is_verified():  # type: ignore[union-attr]
        return redirect(_with_next(reverse("accounts:verify"), request))
    device = pending_device(user=cast(User, request.user))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = confirm_enrolment(user=cast(User, request.user), code=form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            return render(request, "web/accounts/recovery_codes.html", {"codes": codes})
        form.add_error("code", _("Code incorrect : vérifiez l'heure de votre téléphone."))
    secret = device.bin_key
    from base64 import b32encode

    return render(
        request,
        "web/accounts/two_factor_setup.html",
        {
            "form": form,
            "qr": _qr_svg(device.config_url),
            "secret": b32encode(secret).decode(),
            "required": requires_two_factor(request.user),
            "next": _next(request),
        },
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = new_recovery_codes(user=cast(User, request.user))
    return render(request, "web/accounts/recovery_codes.html", {"codes": codes})


@login_required
@require_POST
def disable(request: HttpRequest) -> HttpResponse:
    if requires_two_factor(request.user):
        messages.error(request, _("La double authentification est obligatoire pour ce compte."))
    else:
        disable_two_factor(user=cast(User, request.user))
        messages.success(request, _("La double authentification est désactivée."))
    return redirect("accounts:account")
