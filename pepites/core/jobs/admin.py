"""Staff see the queue's tasks (failed ones first to look at) and « Relancer » failed ones."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from pepites.core.jobs.models import PeriodicJobState, QueuedJob
from pepites.core.jobs.registry import PERIODIC_JOBS
from pepites.core.jobs.services import retry_jobs
from pepites.core.roles import is_national_team

admin.site.unregister(DBTaskResult)  # shown below in French, with « Relancer »


def _staff_of_the_network(request) -> bool:
    return request.user.is_staff and is_national_team(request.user)


@admin.register(QueuedJob)
class JobAdmin(DBTaskResultAdmin):
    list_display = (  # type: ignore[assignment]
        "task_name",
        "status",
        "attempts",
        "enqueued_at",
        "finished_at",
        "error",
    )
    actions = ["retry"]

    @admin.display(description=_("essais"))
    def attempts(self, obj: DBTaskResult) -> int:
        return len(obj.worker_ids)

    @admin.display(description=_("erreur"))
    def error(self, obj: DBTaskResult) -> str:
        return obj.exception_class_path.rsplit(".", 1)[-1]

    @admin.action(description=_("Relancer les tâches en échec sélectionnées"))
    def retry(self, request, queryset):
        count = retry_jobs(queryset)
        self.message_user(
            request,
            ngettext("%(count)d tâche remise en file.", "%(count)d tâches remises en file.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def has_module_permission(self, request) -> bool:
        return _staff_of_the_network(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _staff_of_the_network(request)

    def get_actions(self, request):
        # The admin offers actions only with the change permission, which stays refused.
        return {"retry": self.get_action("retry")} if _staff_of_the_network(request) else {}


@admin.register(PeriodicJobState)
class PeriodicJobStateAdmin(admin.ModelAdmin):
    list_display = ["name", "schedule", "next_run_at", "last_enqueued_at"]
    readonly_fields = ["name", "next_run_at", "last_enqueued_at", "last_task_id"]

    @admin.display(description=_("fréquence"))
    def schedule(self, obj: PeriodicJobState) -> str:
        declared = PERIODIC_JOBS.get(obj.name)
        return str(declared.schedule) if declared else "—"

    def has_add_permission(self, request) -> bool:
        return False

    def has_module_permission(self, request) -> bool:
        return _staff_of_the_network(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _staff_of_the_network(request)
