"""The centre's page for an initiative's programmes and labels: the programmes it belongs
to, the labels the user may grant; the others (another centre's, the publication's) shown."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pepites.core.roles import is_national_team
from pepites.initiatives import mapstore
from pepites.initiatives.labels.models import Label, Programme, ProgrammeScope
from pepites.initiatives.labels.selectors import badges_for, label_choices
from pepites.initiatives.labels.services import create_programme, set_labels, set_programmes
from pepites.initiatives.permissions import can_grant_label
from pepites.web.formtools import AccessibleErrorsMixin, add_service_errors
from pepites.web.workspace.common import initiative_for, workspace_required


class LabelsForm(AccessibleErrorsMixin, forms.Form):
    programmes = forms.MultipleChoiceField(
        label=gettext_lazy("Programmes"), required=False, widget=forms.CheckboxSelectMultiple
    )
    labels = forms.MultipleChoiceField(
        label=gettext_lazy("Labels que vous pouvez accorder"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, grantable: list[Label], **kwargs):
        super().__init__(*args, **kwargs)
        programmes = cast(forms.ChoiceField, self.fields["programmes"])
        programmes.choices = list(
            Programme.objects.order_by("position", "name").values_list("slug", "name")
        )
        cast(forms.ChoiceField, self.fields["labels"]).choices = [
            (label.slug, label.name) for label in grantable
        ]


@workspace_required
def labels(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = initiative_for(request, pk)
    grantable = [
        label
        for label in Label.objects.select_related("centre")
        if can_grant_label(request.user, label, initiative)
    ]
    granted = set(initiative.label_grants.values_list("label__slug", flat=True))
    status = 200
    if request.method == "POST":
        form = LabelsForm(request.POST, grantable=grantable)
        status = 400
        if form.is_valid():
            try:
                with transaction.atomic():
                    set_programmes(initiative=initiative, slugs=form.cleaned_data["programmes"])
                    set_labels(
                        initiative=initiative,
                        slugs=form.cleaned_data["labels"],
                        user=request.user,
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                mapstore.data_changed()  # the map's filters see it once rebuilt
                messages.success(request, _("Programmes et labels enregistrés."))
                return redirect("workspace:labels", pk=initiative.pk)
    else:
        form = LabelsForm(
            initial={
                "programmes": list(initiative.programmes.values_list("slug", flat=True)),
                "labels": [label.slug for label in grantable if label.slug in granted],
            },
            grantable=grantable,
        )
    mine = {label.slug for label in grantable}
    others = [
        badge
        for badge in badges_for([initiative.pk]).get(initiative.pk, [])
        if badge.kind == "label" and badge.slug not in mine
    ]
    return render(
        request,
        "web/workspace/labels.html",
        {
            "initiative": initiative,
            "form": form,
            "others": others,
            "national": is_national_team(request.user),
        },
        status=status,
    )


class ProgrammeForm(AccessibleErrorsMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("Nom du programme"), max_length=150)
    scope = forms.ChoiceField(label=gettext_lazy("Portée"), choices=ProgrammeScope.choices)
    url = forms.URLField(
        label=gettext_lazy("Site officiel"),
        required=False,
        max_length=300,
        assume_scheme="https",
        error_messages={
            "invalid": gettext_lazy("Saisissez une adresse web complète, ex. https://exemple.fr.")
        },
    )
    description = forms.CharField(
        label=gettext_lazy("Description courte"), required=False, max_length=300
    )


@workspace_required
def programme_lists(request: HttpRequest) -> HttpResponse:
    """The national team's lists: the programmes (added here) and the labels."""
    if not is_national_team(request.user):
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                programme = create_programme(**form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Programme « %(name)s » ajouté.") % {"name": programme.name}
                )
                return redirect("workspace:programme_lists")
    return render(
        request,
        "web/workspace/programme_lists.html",
        {
            "form": form,
            "programmes": Programme.objects.annotate(count=Count("initiatives")).order_by(
                "position", "name"
            ),
            "labels": Label.objects.select_related("centre")
            .annotate(count=Count("grants"))
            .order_by("position", "name"),
            "derived": label_choices()[Label.objects.count() :],
        },
        status=status,
    )
