import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from pepites.core.startup import refuse_without_secret_key

refuse_without_secret_key()
django_application = get_wsgi_application()

# The map's data file is answered before Django's middleware stack: it is requested on
# every visit of a map page and must cost about what a static file costs (see
# pepites/web/initiatives/mapdata_http.py and the `mapserve` benchmark); likewise the
# revalidations of the public pages by their ETag (pepites/web/caching.py, `pages`).
from pepites.web.caching import RevalidationFastPath  # noqa: E402
from pepites.web.initiatives.mapdata_http import MapDataFastPath  # noqa: E402

application = RevalidationFastPath(MapDataFastPath(django_application))
