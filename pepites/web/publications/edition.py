"""The editors' space: planning, composing, previewing, publishing (no JavaScript needed)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from pepites.core.errors import ConflictError
from pepites.initiatives.models import Initiative, Theme
from pepites.publications import permissions, services
from pepites.publications.models import Issue
from pepites.publications.pdf import issue_pdf, issue_pdf_filename
from pepites.publications.selectors import (
    editable_issues,
    editable_series,
    featured_for_edition,
    search_initiatives,
    year_planning,
)
from pepites.web.publications.forms import ArticleFormSet, IssueCreateForm, IssueForm
from pepites.web.publications.views import issue_page_context, pdf_response


def _issue_for(request: HttpRequest, pk: int, check) -> Issue:
    issue = get_object_or_404(Issue.objects.select_related("series"), pk=pk)
    if not check(request.user, issue):
        raise PermissionDenied
    return issue


# The compose page in steps, each with its own save: the issue, its articles, its featured
# initiatives, then proofreading and publication.
STEPS = [
    ("numero", gettext_lazy("Le numéro")),
    ("articles", gettext_lazy("Articles")),
    ("initiatives", gettext_lazy("Initiatives à la une")),
    ("publication", gettext_lazy("Relire et publier")),
]
STEP_NAMES = [name for name, _label in STEPS]


def _compose_url(issue: Issue, step: str = "", query: str = "", anchor: str = "") -> str:
    url = reverse("publications:edition_compose", kwargs={"pk": issue.pk})
    params = {k: v for k, v in (("etape", step), ("q", query)) if v}
    if params:
        url += "?" + urlencode(params)
    return url + (f"#{anchor}" if anchor else "")


@login_required
def edition_index(request: HttpRequest) -> HttpResponse:
    if not permissions.can_access_edition(request.user):
        raise PermissionDenied
    try:
        year = int(request.GET.get("annee") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    issues = editable_issues(user=request.user)
    return render(
        request,
        "web/publications/edition/index.html",
        {
            "issues": issues.order_by("series__title", "-number"),
            "planning": year_planning(issues=issues, year=year),
            "can_create": permissions.can_create_issue(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edition_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_create_issue(request.user):
        raise PermissionDenied
    series = editable_series(user=request.user)
    form = IssueCreateForm(request.POST or None, series_queryset=series)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not permissions.can_create_issue(request.user, data["series"]):
            raise PermissionDenied
        try:
            issue = services.create_issue(
                series=data["series"],
                title=data["title"],
                number=data["number"],
                theme_slugs=[t.slug for t in data["themes"]],
                planned_date=data["planned_date"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Numéro créé : composez-le ci-dessous."))
            return redirect(_compose_url(issue))
    return render(request, "web/publications/edition/create.html", {"form": form})


def _parse_action(value: str) -> tuple[str, str, int | None, str]:
    """'move:article:12:up' -> ('move', 'article', 12, 'up'); 'save' -> ('save', '', None, '')."""
    parts = value.split(":")
    verb = parts[0]
    kind = parts[1] if len(parts) > 1 else ""
    try:
        pk = int(parts[2]) if len(parts) > 2 else None
    except ValueError:
        pk = None
    direction = parts[3] if len(parts) > 3 else ""
    return verb, kind, pk, direction


def _apply_action(issue: Issue, action: str) -> str:
    """Do an ordering or featuring button's action; return the anchor to go back to."""
    verb, kind, pk, direction = _parse_action(action)
    if verb == "move" and pk and direction in ("up", "down"):
        if kind == "article":
            services.move_article(issue=issue, article_pk=pk, direction=direction)
            return f"article-{pk}"
        if kind == "featured":
            services.move_featured(issue=issue, featured_pk=pk, direction=direction)
            return f"une-{pk}"
    if verb == "remove" and kind == "featured" and pk:
        services.remove_featured_initiative(issue=issue, featured_pk=pk)
        return "initiatives"
    if verb == "add" and kind == "featured" and pk:
        initiative = Initiative.objects.filter(pk=pk).first()
        if initiative is None:
            raise ValidationError(_("Initiative introuvable."))
        services.add_featured_initiative(issue=issue, initiative=initiative)
        return "initiatives"
    return ""


def _save_issue(issue: Issue, form: IssueForm) -> None:
    data = form.cleaned_data
    services.update_issue(
        issue=issue,
        expected_version=data["expected_version"],
        theme_slugs=[t.slug for t in data["themes"]],
        **{name: data[name] for name in services.ISSUE_FIELDS if name in data},
    )


def _save_articles(issue: Issue, formset, expected_version: int | None) -> None:
    if expected_version is None:
        raise ValidationError(_("Version du numéro manquante : rechargez la page."))
    saved, deleted = [], []
    for article_form in formset.forms:
        if not article_form.has_changed() and article_form.instance.pk is None:
            continue
        if article_form.cleaned_data.get("DELETE"):
            if article_form.instance.pk:
                deleted.append(article_form.instance.pk)
            continue
        saved.append((article_form.save(commit=False), article_form.cleaned_data.get("centres")))
    services.save_articles(
        issue=issue, expected_version=expected_version, saved=saved, deleted=deleted
    )


def _step_of(request: HttpRequest) -> str:
    step = request.POST.get("etape") or request.GET.get("etape") or STEP_NAMES[0]
    return step if step in STEP_NAMES else STEP_NAMES[0]


@login_required
@require_http_methods(["GET", "POST"])
def edition_compose(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _issue_for(request, pk, permissions.can_edit_issue)
    step = _step_of(request)
    query = request.GET.get("q", "")
    theme_slugs = request.GET.getlist("thematique")
    bound = request.method == "POST"
    form = IssueForm(request.POST if bound and step == "numero" else None, instance=issue)
    formset = ArticleFormSet(
        request.POST if bound and step == "articles" else None,
        request.FILES if bound and step == "articles" else None,
        instance=issue,
        prefix="articles",
    )
    if bound:
        action = request.POST.get("action", "save")
        try:
            if step == "numero" and action == "save":
                if not form.is_valid():
                    raise ValidationError(_("corrigez les champs signalés."))
                _save_issue(issue, form)
            elif step == "articles" and action == "save":
                if not formset.is_valid():
                    raise ValidationError(_("corrigez les champs signalés."))
                _save_articles(issue, formset, _expected_version(request))
            anchor = _apply_action(issue, action)
        except ConflictError as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            if step == "numero" and form.is_valid():  # a service's error, not a field's
                form.add_error(None, exc.messages)
            messages.error(
                request,
                _("Rien n'a été enregistré : %(why)s") % {"why": " ".join(exc.messages)},
            )
        else:
            messages.success(request, _("Modifications enregistrées."))
            return redirect(_compose_url(issue, step, request.POST.get("q", ""), anchor))
    index = STEP_NAMES.index(step)
    return render(
        request,
        "web/publications/edition/compose.html",
        {
            "issue": issue,
            "step": step,
            "steps": [
                {"name": name, "label": label, "number": n, "url": _compose_url(issue, name)}
                for n, (name, label) in enumerate(STEPS, start=1)
            ],
            "next_step": STEPS[index + 1] if index + 1 < len(STEPS) else None,
            "next_url": _compose_url(issue, STEPS[index + 1][0]) if index + 1 < len(STEPS) else "",
            "form": form,
            "formset": formset,
            "featured": featured_for_edition(issue=issue),
            "query": query,
            "theme_options": Theme.objects.order_by("position", "label"),
            "chosen_themes": theme_slugs,
            "results": (
                search_initiatives(query=query, issue=issue, theme_slugs=theme_slugs)
                if query or theme_slugs
                else None
            ),
            "can_publish": permissions.can_publish_issue(request.user, issue),
            "problems": services.publication_problems(issue=issue),
        },
    )


@login_required
@require_http_methods(["GET"])
def edition_preview(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _issue_for(request, pk, permissions.can_preview_issue)
    context = issue_page_context(issue)
    context["preview"] = True
    return render(request, "web/publications/issue_detail.html", context)


@login_required
@require_http_methods(["GET"])
def edition_preview_pdf(request: HttpRequest, pk: int) -> FileResponse:
    issue = _issue_for(request, pk, permissions.can_preview_issue)
    return pdf_response(issue_pdf(issue=issue), issue_pdf_filename(issue), attachment=False)


def _expected_version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("expected_version", ""))
    except ValueError:
        return None


@login_required
@require_POST
def edition_publish(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _issue_for(request, pk, permissions.can_publish_issue)
    try:
        services.publish_issue(issue=issue, expected_version=_expected_version(request))
    except (ConflictError, ValidationError) as exc:
        text = str(exc) if isinstance(exc, ConflictError) else " ".join(exc.messages)
        messages.error(request, _("Le numéro n'a pas été publié. %(why)s") % {"why": text})
    else:
        messages.success(request, _("Numéro publié."))
    return redirect(_compose_url(issue, "publication"))


@login_required
@require_POST
def edition_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _issue_for(request, pk, permissions.can_unpublish_issue)
    try:
        services.unpublish_issue(issue=issue, expected_version=_expected_version(request))
    except ConflictError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Numéro dépublié : il n'est plus visible du public."))
    return redirect(_compose_url(issue, "publication"))
