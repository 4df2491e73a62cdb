# Tokens get a scope. Those created before could all write: they keep "write" so that no
# client breaks; new tokens default to "read" (the least privilege).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_api_token_from_api"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "lecture"), ("write", "lecture et écriture")],
                default="write",
                help_text="Un jeton en lecture ne peut ni créer ni modifier.",
                max_length=10,
                verbose_name="droits",
            ),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "lecture"), ("write", "lecture et écriture")],
                default="read",
                help_text="Un jeton en lecture ne peut ni créer ni modifier.",
                max_length=10,
                verbose_name="droits",
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="last_used_ip",
            field=models.GenericIPAddressField(
                blank=True, null=True, verbose_name="adresse de la dernière utilisation"
            ),
        ),
    ]
