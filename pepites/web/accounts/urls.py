from django.urls import path

from pepites.web.accounts import twofactor, views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("mot-de-passe/", views.password_change, name="password_change"),
    path("mes-donnees.json", views.my_data, name="my_data"),
    path("effacement/", views.erase, name="erase"),
    path("verification/", twofactor.verify, name="verify"),
    path("double-authentification/", twofactor.two_factor, name="two_factor"),
    path("double-authentification/codes/", twofactor.recovery_codes, name="recovery_codes"),
    path("double-authentification/desactiver/", twofactor.disable, name="two_factor_disable"),
    path("connexion/", views.login_view, name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("mot-de-passe/oubli/", views.password_reset, name="password_reset"),
    path("mot-de-passe/oubli/envoye/", views.password_reset_done, name="password_reset_done"),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/fait/",
        views.password_reset_complete,
        name="password_reset_complete",
    ),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
]
