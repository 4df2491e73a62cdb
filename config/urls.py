from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

admin.site.site_header = "Pépites — administration"
admin.site.site_title = "Pépites"
admin.site.index_title = "Administration"

urlpatterns = [
    path("admin/", admin.site.urls),
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
