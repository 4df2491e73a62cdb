from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "pepites.alerts"
    label = "alerts"
    verbose_name = _("Alertes")

    def ready(self) -> None:
        from pepites.alerts import tasks  # noqa: F401 (registers the weekly digest)
