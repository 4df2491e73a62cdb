"""/espace/import/: upload a file, see what it would do, confirm, follow the progress."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from pepites.initiatives.imports import jobs
from pepites.initiatives.imports.models import ImportJob
from pepites.initiatives.imports.pending import pending_rows
from pepites.initiatives.imports.report import ImportReport
from pepites.initiatives.permissions import can_create_initiative
from pepites.network.models import Centre
from pepites.web.imports.forms import MappingForm, UploadForm
from pepites.web.workspace.common import workspace_required

ROWS_SHOWN = 500  # the preview lists every problem, but at most this many rows


def _job_for(request: HttpRequest, token: str) -> ImportJob:
    job = jobs.load(token)
    if job is None or job.user_id != request.user.pk:
        raise Http404
    return job


@workspace_required
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        centre = Centre.objects.filter(slug=form.cleaned_data["centre"]).first()
        if centre is not None and not can_create_initiative(request.user, centre=centre):
            form.add_error("centre", "Vous ne pouvez pas importer pour ce centre.")
        else:
            upload = form.cleaned_data["file"]
            job = jobs.create(
                user=request.user,
                filename=upload.name[:200],
                data=upload.read(),
                centre_slug=form.cleaned_data["centre"],
                status=form.cleaned_data["status"],
                default_theme=form.cleaned_data["default_theme"],
                skip_invalid=form.cleaned_data["skip_invalid"],
                place_later=form.cleaned_data["place_later"],
            )
            jobs.start(job, write=False)
            return redirect("imports:job", token=job.token)
    return render(
        request,
        "web/imports/upload.html",
        {"form": form, "pending": pending_rows(user=request.user)},
    )


@never_cache
@workspace_required
def job_page(request: HttpRequest, token: str) -> HttpResponse:
    job = _job_for(request, token)
    report = ImportReport.from_dict(job.report) if job.report else None
    mapping_form = None
    if report is not None and job.state == jobs.CHECKED and report.columns:
        mapping_form = MappingForm(columns=report.columns, current=dict(job.mapping))
    rows = report.rows[:ROWS_SHOWN] if report else []
    state = jobs.effective_state(job)
    committed = bool(report and report.committed)
    return render(
        request,
        "web/imports/job.html",
        {
            "job": job,
            "report": report,
            "rows": [(row, row.action_label(committed)) for row in rows],
            "rows_hidden": len(report.rows) - len(rows) if report else 0,
            "mapping_form": mapping_form,
            "mapping_rows": list(
                zip(mapping_form.columns, mapping_form, strict=True) if mapping_form else []
            ),
            "state": state,
            "running": state in jobs.RUNNING or state == jobs.WAITING,
        },
    )


@never_cache
@require_GET
@workspace_required
def job_progress(request: HttpRequest, token: str) -> JsonResponse:
    return JsonResponse(jobs.progress(_job_for(request, token)))


@require_POST
@workspace_required
def job_remap(request: HttpRequest, token: str) -> HttpResponse:
    job = _job_for(request, token)
    if job.state != jobs.CHECKED or not job.report:
        return redirect("imports:job", token=token)
    form = MappingForm(request.POST, columns=job.report["columns"], current={})
    if form.is_valid():
        job.mapping = form.mapping()
        jobs.start(job, write=False)
    return redirect("imports:job", token=token)


@require_POST
@workspace_required
def job_confirm(request: HttpRequest, token: str) -> HttpResponse:
    job = _job_for(request, token)
    report = ImportReport.from_dict(job.report) if job.report else None
    if job.state == jobs.CHECKED and report is not None and report.can_commit:
        jobs.start(job, write=True)
    return redirect("imports:job", token=token)
