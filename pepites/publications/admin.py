"""Django admin for the publications, under the same rules as the editors' space
(`permissions.py`): invited editors change their issues, the national team publishes."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from pepites.core.admin_permissions import PublicDataAdminMixin
from pepites.core.errors import ConflictError
from pepites.core.roles import is_national_team
from pepites.publications import permissions, services
from pepites.publications.models import Article, FeaturedInitiative, Issue, Series, Subscriber
from pepites.publications.selectors import editable_issues


@admin.register(Series)
class SeriesAdmin(PublicDataAdminMixin, admin.ModelAdmin):
    list_display = ["title", "slug", "is_demo", "created_at"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["editors"]

    def has_module_permission(self, request) -> bool:
        return permissions.can_access_edition(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return permissions.can_access_edition(request.user)

    def has_add_permission(self, request) -> bool:
        return is_national_team(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_national_team(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_national_team(request.user)


class ArticleInline(admin.StackedInline):
    model = Article
    extra = 0
    fields = [
        "position",
        "title",
        "author",
        "centres",
        "body",
        "image",
        "image_alt",
        "image_credit",
    ]
    filter_horizontal = ["centres"]


class FeaturedInitiativeInline(admin.TabularInline):
    model = FeaturedInitiative
    extra = 0
    fields = ["position", "initiative", "snapshot_at"]
    readonly_fields = ["snapshot_at"]
    raw_id_fields = ["initiative"]


class IssueAdminForm(forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Issue
        fields = "__all__"  # noqa: DJ007 (the admin fieldsets choose the fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version


@admin.register(Issue)
class IssueAdmin(PublicDataAdminMixin, admin.ModelAdmin):
    form = IssueAdminForm
    list_display = ["__str__", "status", "planned_date", "published_at", "is_demo"]
    list_select_related = ["series"]
    list_filter = ["series", "status", "themes", "is_demo"]
    search_fields = ["title", "editorial"]
    filter_horizontal = ["themes", "editors"]
    inlines = [ArticleInline, FeaturedInitiativeInline]
    actions = ["publish", "unpublish"]
    readonly_fields = ["status", "published_at", "notified_at", "version", "created_at"]
    fieldsets = [
        (None, {"fields": ["series", "number", "title", "themes", "is_demo", "expected_version"]}),
        (_("Calendrier"), {"fields": ["planned_date", "status", "published_at", "notified_at"]}),
        (_("Éditorial"), {"fields": ["editorial", "editorial_author"]}),
        (_("Rédaction"), {"fields": ["editors", "version", "created_at"]}),
    ]

    def get_queryset(self, request):
        return editable_issues(user=request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not permissions.can_manage_editors(request.user):
            fields += ["editors", "series"]
        return fields

    def has_module_permission(self, request) -> bool:
        return permissions.can_access_edition(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        if obj is None:
            return permissions.can_access_edition(request.user)
        return permissions.can_edit_issue(request.user, obj)

    def has_add_permission(self, request) -> bool:
        return permissions.can_create_issue(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_national_team(request.user) and (obj is None or not obj.is_published)

    def save_model(self, request, obj, form, change):
        if change:
            expected = form.cleaned_data.get("expected_version")
            services.claim_issue_version(issue=obj, expected_version=expected or obj.version)
        obj.full_clean()
        obj.save()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.renumber_articles(issue=form.instance)
        if form.instance.is_published:
            services.snapshot_missing(issue=form.instance)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ConflictError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(request.path)

    @admin.action(description=_("Publier les numéros choisis"))
    def publish(self, request, queryset):
        for issue in queryset:
            if not permissions.can_publish_issue(request.user, issue):
                self.message_user(
                    request, _("Vous ne pouvez pas publier « %s ».") % issue, messages.ERROR
                )
                continue
            try:
                services.publish_issue(issue=issue)
            except ValidationError as exc:
                self.message_user(request, f"{issue} : {' '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("« %s » publié.") % issue)

    @admin.action(description=_("Dépublier les numéros choisis"))
    def unpublish(self, request, queryset):
        for issue in queryset:
            if not permissions.can_unpublish_issue(request.user, issue):
                self.message_user(
                    request, _("Vous ne pouvez pas dépublier « %s ».") % issue, messages.ERROR
                )
                continue
            services.unpublish_issue(issue=issue)
            self.message_user(request, _("« %s » dépublié.") % issue)


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "series", "consented_at", "confirmed_at", "unsubscribed_at"]
    list_filter = ["series", ("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    readonly_fields = [
        "series",
        "email",
        "consent_text",
        "consented_at",
        "confirmation_sent_at",
        "confirmed_at",
        "created_at",
    ]
    fields = [*readonly_fields, "unsubscribed_at"]

    def has_module_permission(self, request) -> bool:
        return is_national_team(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_national_team(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_national_team(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_national_team(request.user)
