from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "pepites.initiatives"
    label = "initiatives"
    verbose_name = _("Initiatives")

    def ready(self) -> None:
        from pepites.initiatives import permissions  # noqa: F401 (registers the rules)
        from pepites.initiatives.search_documents import KIND, initiative_documents
        from pepites.search.registry import register_source

        register_source(kind=KIND, load=initiative_documents)
