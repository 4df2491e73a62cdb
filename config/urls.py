from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Pépites — administration"
admin.site.site_title = "Pépites"
admin.site.index_title = "Administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("pepites.web.urls")),
]
