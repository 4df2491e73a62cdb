"""Defence in depth on every answer: a strict Content-Security-Policy with a nonce per
request, a Permissions-Policy and (from Django's SecurityMiddleware) a
Cross-Origin-Opener-Policy.

A small middleware rather than django-csp: the policy is one function of three facts
(the request's nonce, whether the view may be framed, whether the page offers "Autour de
moi"), and the Permissions-Policy, which django-csp does not handle, follows the same facts.
"""

from __future__ import annotations

import secrets
from typing import cast
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
    parts = urlsplit(cast(str, TILE_LAYERS[settings.MAP_TILES]["url"]))
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


def content_security_policy(
    *, nonce: str, framable: bool, hashes: dict[str, set[str]] | None = None
) -> str:
    """With `hashes` (a page shared caches keep, pepites/web/caching.py), the inline
    elements are allowed by their sha256 instead of the request's nonce."""
    if hashes is None:
        scripts = styles = f"'nonce-{nonce}'"
    else:
        scripts = " ".join(sorted(hashes["script-src"]))
        styles = " ".join(sorted(hashes["style-src"]))
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' {scripts}".strip(),
        "style-src": f"'self' {styles}".strip(),
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
        request.csp_nonce = secrets.token_urlsafe(18)  # type: ignore[attr-defined]
        response = self.get_response(request)
        if response.status_code == 304:
            # A 304's headers replace the stored response's: the page's own policy stays.
            return response
        # Views marked xframe_options_exempt (the embeddable map) may be framed by any site.
        framable = getattr(response, "xframe_options_exempt", False)
        response["Content-Security-Policy"] = content_security_policy(
            nonce=request.csp_nonce,  # type: ignore[attr-defined]
            framable=framable,
            hashes=getattr(request, "csp_hashes", None),
        )
        response["Permissions-Policy"] = permissions_policy(
            geolocation=request.path in GEOLOCATION_PATHS
        )
        return response
