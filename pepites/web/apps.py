from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "pepites.web"
    label = "web"
    verbose_name = _("Interface web")

    def ready(self) -> None:
        from pepites.web.links import register_pages

        register_pages()
