from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pepites.network.memberships import set_up_account
from pepites.network.models import Membership


class Command(BaseCommand):
    help = (
        "Rattache un compte (créé s'il n'existe pas) à un centre de ressources "
        "ou à l'équipe nationale."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="adresse électronique de la personne")
        parser.add_argument(
            "--centre", default="", help="identifiant du centre, ex. profession-banlieue"
        )
        parser.add_argument(
            "--role",
            default=Membership.Role.MEMBER,
            choices=Membership.Role.values,
            help="rôle dans le centre (membre par défaut ; responsable : gère les membres)",
        )
        parser.add_argument(
            "--national-team",
            action="store_true",
            help="équipe nationale du réseau (et accès à l'administration)",
        )

    def handle(self, *args, email, centre, role, national_team, **options):
        try:
            done = set_up_account(
                email=email, centre_slug=centre, role=role, national_team=national_team
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        user = done.user
        where = []
        if centre:
            where.append(f"{dict(Membership.Role.choices)[role].lower()} du centre {centre}")
        if national_team:
            where.append("équipe nationale")
        self.stdout.write(
            self.style.SUCCESS(
                f"{'Compte créé' if done.created else 'Compte existant'} : {user.email} — "
                + ", ".join(where)
                + "."
            )
        )
        if done.created:
            self.stdout.write(
                f"Ce compte n'a pas encore de mot de passe : pepites changepassword {user.username}"
            )
