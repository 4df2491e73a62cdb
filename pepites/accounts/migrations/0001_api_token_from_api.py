# The ApiToken model moves from the api app to accounts; its table (api_apitoken) stays.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("api", "0001_api_tokens"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ApiToken',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(help_text='À quoi sert ce jeton (ex. « site du centre »).', max_length=100, verbose_name='nom')),
                        ('prefix', models.CharField(help_text='Pour reconnaître le jeton.', max_length=12, verbose_name='début du jeton')),
                        ('token_hash', models.CharField(max_length=64, unique=True, verbose_name='empreinte du jeton')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='créé le')),
                        ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='dernière utilisation')),
                        ('expires_at', models.DateTimeField(blank=True, null=True, verbose_name='expire le')),
                        ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='révoqué le')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL, verbose_name='compte')),
                    ],
                    options={
                        'verbose_name': "jeton d'API",
                        'verbose_name_plural': "jetons d'API",
                        'ordering': ['-created_at'],
                        'db_table': 'api_apitoken',
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
