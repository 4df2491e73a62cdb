from django.urls import path

from pepites.web.events import views

app_name = "events"

urlpatterns = [
    path("", views.upcoming, name="upcoming"),
    path("passes/", views.past, name="past"),
    path("flux/agenda.ics", views.feed, name="feed"),
    path("flux/centres/<slug:slug>.ics", views.feed_centre, name="feed_centre"),
    path("flux/thematiques/<slug:slug>.ics", views.feed_theme, name="feed_theme"),
    path("flux/regions/<str:code>.ics", views.feed_region, name="feed_region"),
    path("inscription/<str:token>/", views.registration, name="registration"),
    path("inscription/<str:token>/annuler/", views.registration_cancel, name="registration_cancel"),
    path("inscription/<str:token>/agenda.ics", views.registration_ics, name="registration_ics"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/inscription/", views.register_view, name="register"),
    path("<slug:slug>/inscription/merci/", views.registered, name="registered"),
    path("<slug:slug>/agenda.ics", views.event_ics, name="ics"),
]
