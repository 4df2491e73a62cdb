from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "pepites.events"
    label = "events"
    verbose_name = _("Agenda")

    def ready(self) -> None:
        from pepites.events import permissions  # noqa: F401  (registers the rules)
        from pepites.events.search_documents import KIND, event_documents
        from pepites.search.registry import register_source

        register_source(kind=KIND, load=event_documents)
