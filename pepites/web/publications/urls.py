from django.urls import path

from pepites.web.publications import edition, views

app_name = "publications"

urlpatterns = [
    path("", views.index, name="index"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("portfolio.pdf", views.portfolio_pdf_view, name="portfolio_pdf"),
    path("abonnement/confirmer/<str:token>/", views.confirm_view, name="confirm"),
    path("abonnement/desinscription/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("edition/", edition.edition_index, name="edition_index"),
    path("edition/nouveau/", edition.edition_create, name="edition_create"),
    path("edition/<int:pk>/", edition.edition_compose, name="edition_compose"),
    path("edition/<int:pk>/apercu/", edition.edition_preview, name="edition_preview"),
    path("edition/<int:pk>/apercu.pdf", edition.edition_preview_pdf, name="edition_preview_pdf"),
    path("edition/<int:pk>/publier/", edition.edition_publish, name="edition_publish"),
    path("edition/<int:pk>/depublier/", edition.edition_unpublish, name="edition_unpublish"),
    path("<slug:series>/", views.series_detail, name="series_detail"),
    path("<slug:series>/abonnement/", views.subscribe_view, name="subscribe"),
    path("<slug:series>/<int:number>/", views.issue_detail, name="issue_detail"),
    path("<slug:series>/<int:number>/pdf/", views.issue_pdf_view, name="issue_pdf"),
]
