"""/espace/api/: a centre member's personal API tokens (created, listed, revoked)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from pepites.accounts.models import TokenScope
from pepites.accounts.tokens import active_tokens, create_token, revoke_token
from pepites.web.workspace.common import workspace_required


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Nom du jeton"),
        max_length=100,
        help_text=gettext_lazy("À quoi il servira, ex. « synchronisation avec notre site »."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Droits du jeton"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "« Lecture » suffit pour lire ; il faut « lecture et écriture » pour créer ou "
            "modifier des initiatives."
        ),
        error_messages={
            "required": gettext_lazy("Choisissez les droits du jeton."),
            "invalid_choice": gettext_lazy("Choisissez « lecture » ou « lecture et écriture »."),
        },
    )


@never_cache
@workspace_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token = create_token(
                user=cast(User, request.user),
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)  # a dict goes to its fields, the rest above the form
        else:
            form = TokenForm()
    return render(
        request,
        "web/apitokens/tokens.html",
        {
            "form": form,
            "tokens": active_tokens(user=cast(User, request.user)),
            "new_token": new_token,
        },
    )


@require_POST
@workspace_required
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if revoke_token(user=cast(User, request.user), token_id=pk):
        messages.success(request, _("Jeton révoqué : il ne permet plus rien."))
    return redirect("apitokens:tokens")
