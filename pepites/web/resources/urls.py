from django.urls import path

from pepites.web.resources import feeds, views, workspace
from pepites.web.search_box import views as search_box

# Included at the site's root (web/urls.py): public pages, feed, open data, workspace.
urlpatterns = [
    path("recherche/", search_box.search_page, name="search_box"),
    path("ressources/", views.resource_list, name="resource_list"),
    path("ressources/<slug:slug>/", views.resource_detail, name="resource_detail"),
    path("flux/ressources.atom", feeds.ResourcesFeed(), name="feed_resources"),
    path("donnees/ressources.<str:fmt>", views.export, name="open_data_resources"),
    path("espace/ressources/", workspace.resource_index, name="workspace_resources"),
    path(
        "espace/ressources/nouvelle/", workspace.resource_create, name="workspace_resource_create"
    ),
    path("espace/ressources/<int:pk>/", workspace.resource_edit, name="workspace_resource_edit"),
    path(
        "espace/ressources/<int:pk>/historique/",
        workspace.resource_history,
        name="workspace_resource_history",
    ),
]
