from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from pepites.search.registry import registered_kinds
from pepites.search.services import rebuild_index


class Command(BaseCommand):
    help = "Reconstruit l'index de recherche (toutes les sortes de documents, ou une seule)."

    def add_arguments(self, parser):
        parser.add_argument("--kind", help=_("Sorte de documents (par exemple « initiative »)."))

    def handle(self, *args, **options):
        kind = options["kind"]
        if kind is not None and kind not in registered_kinds():
            raise CommandError(
                _("Sorte inconnue : %(kind)s (connues : %(kinds)s).")
                % {"kind": kind, "kinds": ", ".join(registered_kinds())}
            )
        for name, count in rebuild_index(kind=kind).items():
            self.stdout.write(
                _("%(kind)s : %(count)s documents indexés.") % {"kind": name, "count": count}
            )
