from django.urls import path

from pepites.web.events import workspace

app_name = "events_workspace"

urlpatterns = [
    path("", workspace.index, name="index"),
    path("nouveau/", workspace.create, name="create"),
    path("<int:pk>/", workspace.edit, name="edit"),
    path("<int:pk>/etat/", workspace.set_status, name="status"),
    path("<int:pk>/historique/", workspace.history, name="history"),
    path("<int:pk>/inscriptions/", workspace.registrations, name="registrations"),
    path("<int:pk>/inscriptions.csv", workspace.registrations_csv, name="registrations_csv"),
    path("<int:pk>/pieces/", workspace.attachment_add, name="attachment_add"),
    path(
        "<int:pk>/pieces/<int:attachment_pk>/retirer/",
        workspace.attachment_remove,
        name="attachment_remove",
    ),
]
