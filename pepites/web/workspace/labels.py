"""The centre's page for an initiative's programmes and labels: the programmes it belongs
to, the labels the user may grant; the others (another centre's, the publication's) shown."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pepites.initiatives import mapdata
from pepites.initiatives.labels.models import Label, Programme
from pepites.initiatives.labels.selectors import badges_for
from pepites.initiatives.labels.services import set_labels, set_programmes
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
        self.fields["programmes"].choices = list(
            Programme.objects.order_by("position", "name").values_list("slug", "name")
        )
        self.fields["labels"].choices = [(label.slug, label.name) for label in grantable]


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
                mapdata.data_changed()  # the map's filters see it at once
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
        {"initiative": initiative, "form": form, "others": others},
        status=status,
    )
