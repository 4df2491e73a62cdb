from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """RGPD duties across the domains: retention rules, a person's data, erasure."""

    name = "pepites.privacy"
    verbose_name = "Données personnelles"
