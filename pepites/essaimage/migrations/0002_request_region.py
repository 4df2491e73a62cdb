import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_regions(apps, schema_editor):
    request_model = apps.get_model("essaimage", "InspirationRequest")
    commune_model = apps.get_model("territories", "Commune")
    request_model.objects.update(
        region_id=Subquery(
            commune_model.objects.filter(code=OuterRef("commune_id")).values("region_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("essaimage", "0001_inspiration_requests"),
        ("territories", "0005_qpv_indicators"),
    ]

    operations = [
        migrations.AddField(
            model_name="inspirationrequest",
            name="region",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="territories.region",
            ),
        ),
        migrations.RunPython(fill_regions, migrations.RunPython.noop),
    ]
