from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationsConfig(AppConfig):
    name = "pepites.publications"
    label = "publications"
    verbose_name = _("Publications")

    def ready(self) -> None:
        from pepites.initiatives.labels.derived import register
        from pepites.publications.labels import publication_labels

        register(publication_labels)
