from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from pepites.privacy.models import LegalPage
from pepites.web import feeds, legal
from pepites.web.caching import shared_cache
from pepites.web.checkins import views as checkin_views
from pepites.web.contributions import views as contributions_views
from pepites.web.core import views as core_views
from pepites.web.embed import views as embed_views
from pepites.web.essaimage import impact as impact_views
from pepites.web.essaimage import views as essaimage_views
from pepites.web.initiatives import exports as exports_views
from pepites.web.initiatives import mapdata_http
from pepites.web.initiatives import views as initiatives_views
from pepites.web.network import views as network_views
from pepites.web.organisations import views as organisations_views
from pepites.web.territories import gaps as territories_gaps
from pepites.web.territories import views as territories_views
from pepites.web.workspace import tools as workspace_tools

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("healthz/ready", core_views.readiness, name="readiness"),
    # The map page's data and answers (see pepites/web/static/web/map/).
    path("carte/donnees.bin", mapdata_http.mapdata_view, name="map_data"),
    path("carte/fiches", initiatives_views.map_cards, name="map_cards"),
    path("carte/recherche", initiatives_views.map_search, name="map_search"),
    path("carte/quartiers", territories_views.qpv_suggestions, name="qpv_suggestions"),
    path("recherche/lieu", initiatives_views.place_search, name="place_search"),
    path("initiatives/<slug:slug>/", initiatives_views.initiative_detail, name="initiative_detail"),
    path(
        "initiatives/<slug:slug>/corriger/",
        contributions_views.correction,
        name="initiative_correction",
    ),
    path(
        "organisations/<int:pk>/",
        organisations_views.organisation_detail,
        name="organisation_detail",
    ),
    # Essaimage: "M'en inspirer", the map's reproduction lines, the impact dashboard.
    path(
        "initiatives/<slug:slug>/m-en-inspirer/", essaimage_views.inspire, name="initiative_inspire"
    ),
    path("m-en-inspirer/merci/", essaimage_views.thanks, name="inspiration_thanks"),
    path(
        "carte/essaimage/<slug:slug>.json",
        essaimage_views.lines,
        name="initiative_essaimage_lines",
    ),
    path("impact/", impact_views.dashboard, name="impact"),
    path("impact.csv", impact_views.dashboard_csv, name="impact_csv"),
    path("impact/<int:year>.pdf", impact_views.dashboard_pdf, name="impact_pdf"),
    path("thematiques/", initiatives_views.theme_list, name="theme_list"),
    path("thematiques/<slug:slug>/", initiatives_views.theme_detail, name="theme_detail"),
    path("centres/", network_views.centre_list, name="centre_list"),
    path("centres/<slug:slug>/", network_views.centre_detail, name="centre_detail"),
    path("quartiers/", territories_views.qpv_list, name="qpv_list"),
    path("quartiers/<str:code>/", territories_views.qpv_detail, name="qpv_detail"),
    path("territoires/manques/", territories_gaps.gaps, name="territories_gaps"),
    path("territoires/manques.csv", territories_gaps.gaps_csv, name="territories_gaps_csv"),
    path("publications/", include("pepites.web.publications.urls")),
    path("agenda/", include("pepites.web.events.urls")),
    path("", include("pepites.web.resources.urls")),
    path("", include("pepites.web.alerts.urls")),
    # Contributions: public proposals, accounts, the centres' workspace.
    path("proposer/", contributions_views.propose, name="proposal_create"),
    path("proposer/merci/", contributions_views.thanks, name="proposal_thanks"),
    path("bilan/merci/", checkin_views.thanks, name="checkin_thanks"),
    path("bilan/<str:key>/", checkin_views.checkin, name="checkin"),
    path("communes/suggestions", workspace_tools.commune_suggestions, name="commune_suggestions"),
    path("compte/", include("pepites.web.accounts.urls")),
    path("espace/import/", include("pepites.web.imports.urls")),
    path("espace/api/", include("pepites.web.apitokens.urls")),
    path("espace/agenda/", include("pepites.web.events.workspace_urls")),
    path("espace/", include("pepites.web.workspace.urls")),
    # Open data: files, schema, embeddable map, feeds, discovery.
    path("donnees/", exports_views.open_data, name="open_data"),
    path("donnees/schema.json", exports_views.schema, name="open_data_schema"),
    path("donnees/datapackage.json", exports_views.datapackage, name="open_data_datapackage"),
    path("donnees/initiatives.<str:fmt>", exports_views.export_file, name="open_data_export"),
    path("donnees/resultats.csv", exports_views.figures_file, name="open_data_figures"),
    path("embed/", embed_views.embed, name="embed"),
    path("flux/initiatives.atom", shared_cache(feeds.InitiativesFeed()), name="feed_initiatives"),
    path("flux/thematiques/<slug:slug>.atom", shared_cache(feeds.ThemeFeed()), name="feed_theme"),
    path("flux/centres/<slug:slug>.atom", shared_cache(feeds.CentreFeed()), name="feed_centre"),
    path(
        "flux/programmes/<slug:slug>.atom",
        shared_cache(feeds.ProgrammeFeed()),
        name="feed_programme",
    ),
    path("flux/labels/<slug:slug>.atom", shared_cache(feeds.LabelFeed()), name="feed_label"),
    path(
        "flux/departements/<str:code>.atom",
        shared_cache(feeds.DepartementFeed()),
        name="feed_departement",
    ),
    path("flux/regions/<str:code>.atom", shared_cache(feeds.RegionFeed()), name="feed_region"),
    path("sitemap.xml", feeds.sitemap_index, name="sitemap_index"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": feeds.SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", feeds.robots_txt, name="robots_txt"),
    *(
        path(f"{slug}/", legal.legal, {"slug": slug}, name=f"legal_{slug.replace('-', '_')}")
        for slug in LegalPage.Kind.values
    ),
]
