from django.db import migrations


def fill(apps, schema_editor):
    from pepites.essaimage import tally

    tally.rebuild(
        request_model=apps.get_model("essaimage", "InspirationRequest"),
        tally_model=apps.get_model("essaimage", "InspirationRequestTally"),
    )


class Migration(migrations.Migration):
    dependencies = [("essaimage", "0004_impact_tally")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
