from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pepites.audit.models import Action
from pepites.audit.services import record
from pepites.core.authentication import is_login_locked
from pepites.core.jobs.email import enqueue_email
from pepites.web.formtools import AccessibleErrorsMixin


class EmailLoginForm(AccessibleErrorsMixin, AuthenticationForm):
    username = forms.CharField(
        label=gettext_lazy("Adresse électronique"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": gettext_lazy(
            "Adresse électronique ou mot de passe incorrect. Les majuscules comptent dans le "
            "mot de passe."
        ),
        "inactive": gettext_lazy("Ce compte est désactivé."),
    }

    def clean(self):
        identifier = self.cleaned_data.get("username") or ""
        if identifier and is_login_locked(identifier=identifier, request=self.request):
            record(action=Action.LOCKOUT, actor_label=identifier)
            raise forms.ValidationError(
                _(
                    "Trop de tentatives de connexion échouées : la connexion à ce compte est "
                    "suspendue pendant quelques minutes. Vous pouvez aussi réinitialiser votre "
                    "mot de passe."
                ),
                code="locked",
            )
        return super().clean()


class FrenchPasswordResetForm(AccessibleErrorsMixin, PasswordResetForm):
    email = forms.EmailField(
        label=gettext_lazy("Adresse électronique"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": gettext_lazy("Saisissez une adresse électronique valide.")},
    )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Queued like every e-mail: the request never waits for the SMTP server."""
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        enqueue_email(
            subject=subject,
            body=render_to_string(email_template_name, context),
            to=[to_email],
            from_email=from_email or "",
        )


class FrenchSetPasswordForm(AccessibleErrorsMixin, SetPasswordForm):
    pass


class InvitationForm(AccessibleErrorsMixin, forms.Form):
    """Accepting an invitation: a name and a password for a new account."""

    first_name = forms.CharField(label=gettext_lazy("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=gettext_lazy("Nom"), max_length=150, required=False)
    password1 = forms.CharField(
        label=gettext_lazy("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy(
            "Au moins 8 caractères, pas uniquement des chiffres, ni trop courant, ni trop "
            "proche de votre nom ou de votre adresse."
        ),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_password2(self):
        one, two = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if one and two and one != two:
            raise forms.ValidationError(_("Les deux mots de passe ne sont pas identiques."))
        return two


class FrenchPasswordChangeForm(AccessibleErrorsMixin, PasswordChangeForm):
    """Django's form (its messages are translated); the other sessions end on success."""
