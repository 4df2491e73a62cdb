import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from pepites.core.startup import refuse_without_secret_key

refuse_without_secret_key()

application = get_asgi_application()
