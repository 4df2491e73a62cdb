from django.urls import path

from pepites.web.alerts import views

app_name = "alerts"

urlpatterns = [
    path("alertes/", views.subscribe_view, name="subscribe"),
    path("alertes/merci/", views.subscribed, name="subscribed"),
    path("alertes/confirmer/<str:token>/", views.confirm_view, name="confirm"),
    path("alertes/desinscrire/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("flux/recherche.atom", views.SearchFeed(), name="feed"),
]
