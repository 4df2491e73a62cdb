from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pepites.resources"
    verbose_name = "Ressources"

    def ready(self) -> None:
        from pepites.resources import permissions  # noqa: F401 (rules registered)
        from pepites.resources.indexing import KIND, load_documents
        from pepites.search.registry import register_source

        register_source(kind=KIND, load=load_documents)
