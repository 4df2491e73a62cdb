from django.urls import path

from pepites.web.apitokens import views

app_name = "apitokens"

urlpatterns = [
    path("", views.tokens, name="tokens"),
    path("<int:pk>/revoquer", views.revoke, name="revoke"),
]
