from django.urls import path

from pepites.web.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("<str:token>/", views.job_page, name="job"),
    path("<str:token>/avancement.json", views.job_progress, name="progress"),
    path("<str:token>/colonnes", views.job_remap, name="remap"),
    path("<str:token>/confirmer", views.job_confirm, name="confirm"),
]
