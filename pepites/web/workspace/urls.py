from django.urls import path

from pepites.web.workspace import (
    harvest,
    history_views,
    links,
    members,
    moderation,
    organisations,
    tools,
    views,
)

app_name = "workspace"

urlpatterns = [
    path("", views.index, name="index"),
    path("initiatives/nouvelle/", views.initiative_create, name="initiative_create"),
    path("initiatives/<int:pk>/", views.initiative_edit, name="initiative_edit"),
    path("initiatives/<int:pk>/etat/", views.initiative_set_status, name="initiative_status"),
    path(
        "initiatives/<int:pk>/images/<int:image_pk>/",
        views.image_visibility,
        name="image_visibility",
    ),
    path("initiatives/<int:pk>/historique/", history_views.history, name="history"),
    path(
        "initiatives/<int:pk>/historique/<int:history_id>/",
        history_views.version_detail,
        name="version",
    ),
    path(
        "initiatives/<int:pk>/historique/<int:history_id>/restaurer/",
        history_views.restore,
        name="restore",
    ),
    path("propositions/", moderation.queue, name="queue"),
    path("propositions/<int:pk>/", moderation.review, name="proposal"),
    path("propositions/<int:pk>/accepter/", moderation.accept, name="proposal_accept"),
    path("propositions/<int:pk>/refuser/", moderation.reject, name="proposal_reject"),
    path(
        "propositions/<int:pk>/fusionner/<int:initiative_pk>/",
        moderation.merge,
        name="proposal_merge",
    ),
    path("membres/", members.members, name="members"),
    path("liens/", links.links_to_fix, name="links"),
    path("porteurs/", organisations.porteurs, name="porteurs"),
    path("moissons/", harvest.sources, name="harvest"),
    path("moissons/<int:pk>/", harvest.decide, name="harvest_decide"),
    path("porteurs/fusionner/", organisations.merge, name="organisations_merge"),
    path("porteurs/<int:pk>/", organisations.organisation_edit, name="organisation"),
    path("membres/<int:pk>/retirer/", members.member_remove, name="member_remove"),
    path("outils/geocodage", tools.geocode, name="geocode"),
    path("outils/commune", tools.commune_place, name="commune_place"),
    path("outils/apercu", tools.markdown_preview, name="markdown_preview"),
]
