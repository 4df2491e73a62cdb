from django.http import HttpRequest

from pepites.core.siteurl import site_url


def site(request: HttpRequest) -> dict:
    return {"SITE_URL": site_url(request)}
