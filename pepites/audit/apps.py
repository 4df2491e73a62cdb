from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "pepites.audit"
    verbose_name = "Journal des actions sensibles"
    default_auto_field = "django.db.models.BigAutoField"
