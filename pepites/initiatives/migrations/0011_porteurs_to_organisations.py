"""Each existing porteur becomes an organisation: one per exact name in a commune. Different
spellings are not joined here; the workspace proposes them for merging (same normalised name,
same commune) and a person decides."""

from django.db import migrations

from pepites.organisations.names import normalise_name


def forwards(apps, schema_editor):
    Initiative = apps.get_model("initiatives", "Initiative")
    Organisation = apps.get_model("organisations", "Organisation")
    groups: dict[tuple[str, str], list[tuple[int, str, bool]]] = {}
    for pk, name, commune, kind, is_demo in Initiative.objects.filter(
        organisation__isnull=True
    ).values_list("pk", "porteur_name", "commune_id", "porteur_kind", "is_demo"):
        groups.setdefault((name, commune), []).append((pk, kind, is_demo))
    for (name, commune), members in groups.items():
        organisation = Organisation.objects.create(
            name=name,
            normalised_name=normalise_name(name),
            kind=members[0][1],
            commune_id=commune,
            is_demo=all(is_demo for _pk, _kind, is_demo in members),
        )
        Initiative.objects.filter(pk__in=[pk for pk, _kind, _demo in members]).update(
            organisation=organisation
        )


def backwards(apps, schema_editor):
    apps.get_model("initiatives", "Initiative").objects.update(organisation=None)
    apps.get_model("organisations", "Organisation").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0010_initiative_organisation"),
        ("organisations", "0001_organisations"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
