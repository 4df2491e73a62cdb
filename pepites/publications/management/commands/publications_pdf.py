from django.core.management.base import BaseCommand, CommandError

from pepites.publications.models import Issue, IssueStatus
from pepites.publications.pdf import issue_pdf


class Command(BaseCommand):
    help = (
        "Produit (ou vérifie) le PDF en cache des numéros publiés : seuls les numéros modifiés "
        "depuis leur dernier PDF sont recomposés. Utile après une mise à jour de Pépites ou des "
        "coordonnées des centres."
    )

    def add_arguments(self, parser):
        parser.add_argument("--series", help="Identifiant (slug) d'une collection.")
        parser.add_argument("--number", type=int, help="Numéro (avec --series).")

    def handle(self, *args, series: str | None, number: int | None, **options):
        if number is not None and not series:
            raise CommandError("--number demande aussi --series (ex. --series eco-des-quartiers).")
        issues = Issue.objects.filter(status=IssueStatus.PUBLISHED).select_related("series")
        if series:
            issues = issues.filter(series__slug=series)
        if number is not None:
            issues = issues.filter(number=number)
        if not issues.exists():
            raise CommandError("Aucun numéro publié ne correspond.")
        for issue in issues.order_by("series__slug", "number"):
            name = issue_pdf(issue=issue)
            self.stdout.write(f"{issue} : {name}")
