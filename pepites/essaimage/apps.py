from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EssaimageConfig(AppConfig):
    name = "pepites.essaimage"
    label = "essaimage"
    verbose_name = _("Essaimage")

    def ready(self) -> None:
        from pepites.essaimage import tasks  # noqa: F401 (registers the periodic reminder)
