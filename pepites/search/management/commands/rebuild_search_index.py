from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from pepites.search.services import index_initiatives


class Command(BaseCommand):
    help = "Reconstruit l'index de recherche de toutes les initiatives."

    def handle(self, *args, **options):
        count = index_initiatives()
        self.stdout.write(_("%(count)s initiatives indexées.") % {"count": count})
