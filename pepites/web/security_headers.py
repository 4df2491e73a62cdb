"""Defence in depth on every answer: a strict Content-Security-Policy with a nonce per
request, a Permissions-Policy and (from Django's SecurityMiddleware) a
Cross-Origin-Opener-Policy.

A small middleware rather than django-csp: the policy is one function of three facts
(the request's nonce, whether the view may be framed, whether the page offers "Autour de
moi"), and the Permissions-Policy, which django-csp does not handle, follows the same facts.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from pepites.web.maps import TILE_LAYERS

# Pages that offer "Autour de moi" (the map explorer): the only ones allowed to ask the
# browser for the visitor's position.
GEOLOCATION_PATHS = ("/", "/embed/")
# Features the site never uses, refused to every page and every frame.
PERMISSIONS_REFUSED = (
    "camera",
    "microphone",
    "payment",
    "usb",
    "serial",
    "bluetooth",
    "hid",
    "magnetometer",
    "gyroscope",
    "accelerometer",
    "display-capture",
    "browsing-topics",
)


def tile_source() -> str:
    """The tile server's origin, `{s}` sub-domains as a wildcard."""
    parts = urlsplit(TILE_LAYERS[settings.MAP_TILES]["url"])
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


def content_security_policy(*, nonce: str, framable: bool) -> str:
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}'",
        "style-src": f"'self' 'nonce-{nonce}'",
        "img-src": f"'self' data: {tile_source()} {settings.CSP_EXTRA_IMG_SOURCES}".strip(),
        "font-src": "'self'",
        "connect-src": "'self'",
        "worker-src": "'self'",
        "frame-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "*" if framable else "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def permissions_policy(*, geolocation: bool) -> str:
    features = [f"{name}=()" for name in PERMISSIONS_REFUSED]
    features.insert(0, "geolocation=(self)" if geolocation else "geolocation=()")
    return ", ".join(features)


class SecurityHeadersMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.csp_nonce = secrets.token_urlsafe(18)
        response = self.get_response(request)
        # Views marked xframe_options_exempt (the embeddable map) may be framed by any site.
        framable = getattr(response, "xframe_options_exempt", False)
        response["Content-Security-Policy"] = content_security_policy(
            nonce=request.csp_nonce, framable=framable
        )
        response["Permissions-Policy"] = permissions_policy(
            geolocation=request.path in GEOLOCATION_PATHS
        )
        return response
