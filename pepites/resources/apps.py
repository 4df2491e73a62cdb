from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pepites.resources"
    verbose_name = "Ressources"

    def ready(self) -> None:
        from pepites.resources import permissions  # noqa: F401 (rules registered)
