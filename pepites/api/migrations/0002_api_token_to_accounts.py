# ApiToken now belongs to the accounts app (same table): forget it here, state only.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0001_api_tokens"),
        ("accounts", "0001_api_token_from_api"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ApiToken")],
            database_operations=[],
        ),
    ]
