from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from pepites.api.api import api
from pepites.api.api import not_found as api_not_found

admin.site.site_header = "Pépites — administration"
admin.site.site_title = "Pépites"
admin.site.index_title = "Administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    path("", include("pepites.web.urls")),
]
if settings.SERVE_MEDIA:
    # Uploaded images, re-encoded on upload (pepites/initiatives/images.py).
    urlpatterns.append(
        re_path(
            rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    )

# French error pages (pepites/web/templates/); the 500 page renders without the database.
handler500 = "pepites.web.core.errors.server_error"
