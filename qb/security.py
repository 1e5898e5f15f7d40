"""Per-request CSP nonce and the security headers every response carries.

The headers are added by a small WSGI middleware rather than an after_request hook: it is
several times cheaper per request, and it also covers responses Flask builds on its own.
"""

import secrets
from typing import NamedTuple

from flask import g, request

from .logs import REQUEST_ID_HEADER, REQUEST_ID_KEY, request_id

NONCE_KEY = "qb.csp_nonce"
# Where a feature leaves the hosts this one response may add to its policy (see CspSources).
CSP_SOURCES_KEY = "qb.csp_sources"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), browsing-topics=()"
)
# Framing is refused by CSP frame-ancestors, which every current browser honours, so the
# older X-Frame-Options would only repeat it.
STATIC_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
    ("Cross-Origin-Opener-Policy", "same-origin"),
]
# Pages are documents; everything else (CSS, images, robots.txt) is a resource that other
# sites must not embed.
HTML_CACHE_CONTROL = ("Cache-Control", "private, no-cache")
# Answers to a POST, and pages that show a visitor's own data, are kept by no cache at all
# (not even the browser's back/forward history on disk).
NO_STORE = ("Cache-Control", "no-store")
NO_STORE_KEY = "qb.no_store"
RESOURCE_POLICY = ("Cross-Origin-Resource-Policy", "same-origin")


class CspSources(NamedTuple):
    """Sources one response adds to the policy; each field is empty or starts with a space."""

    script: str = ""
    img: str = ""
    connect: str = ""
    directives: str = ""  # whole extra directives, each starting with "; "


NO_SOURCES = CspSources()


def content_security_policy(nonce, sources=NO_SOURCES):
    """A policy that allows nothing but our own styles, images, forms and nonced scripts,
    plus the `sources` a feature added for this response (consented analytics)."""
    return (
        "default-src 'none'; "
        f"script-src 'nonce-{nonce}'{sources.script}; "
        "style-src 'self'; "
        f"img-src 'self'{sources.img}; "
        # Same-origin fetches only: crawlers' audit tools read robots.txt from the page.
        f"connect-src 'self'{sources.connect}; "
        "form-action 'self'; "
        "base-uri 'none'; "
        "object-src 'none'; "
        f"frame-ancestors 'none'{sources.directives}"
    )


def add_csp_sources(sources):
    """Widen this response's policy by `sources` (a CspSources built from trusted settings)."""
    request.environ[CSP_SOURCES_KEY] = sources


def csp_nonce():
    """The nonce of this request's Content-Security-Policy."""
    # While a cached page is rendered, g holds a placeholder that is swapped per request.
    nonce = g.get("csp_nonce")
    if nonce is None:
        nonce = request.environ.get(NONCE_KEY)
        if nonce is None:  # a request context without the middleware (CLI, tests)
            nonce = request.environ[NONCE_KEY] = secrets.token_urlsafe(18)
    return nonce


class SecurityHeaders:
    """WSGI middleware: a fresh nonce in the environ, the security headers on the way out."""

    def __init__(self, wsgi_app, hsts_max_age):
        self.wsgi_app = wsgi_app
        self.hsts = ("Strict-Transport-Security", f"max-age={hsts_max_age}; includeSubDomains")

    def __call__(self, environ, start_response):
        nonce = environ[NONCE_KEY] = secrets.token_urlsafe(18)
        secure = environ.get("wsgi.url_scheme") == "https"

        def start(status, headers, exc_info=None):
            sources = environ.get(CSP_SOURCES_KEY, NO_SOURCES)
            headers.append(("Content-Security-Policy", content_security_policy(nonce, sources)))
            headers.extend(STATIC_HEADERS)
            # Only where it helps to match our log lines: the request logged something
            # (which made the id), or a proxy sent one along. A plain page view carries none:
            # each header costs the server time on every response.
            if REQUEST_ID_KEY in environ or "HTTP_X_REQUEST_ID" in environ:
                headers.append((REQUEST_ID_HEADER, request_id(environ)))
            if secure:
                headers.append(self.hsts)
            html = _is_html(headers)
            private = environ["REQUEST_METHOD"] == "POST" or NO_STORE_KEY in environ
            if html or private:
                # A page carries this request's nonce: no shared cache may keep it; a POST's
                # answer or a page of one visitor's data no cache may keep at all.
                headers[:] = [h for h in headers if h[0].lower() != "cache-control"]
                headers.append(NO_STORE if private else HTML_CACHE_CONTROL)
            if not html:
                headers.append(RESOURCE_POLICY)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


def no_store():
    """Mark this response as one no cache may keep: it shows the visitor's own data."""
    request.environ[NO_STORE_KEY] = True


def _is_html(headers):
    for name, value in headers:
        if name.lower() == "content-type":
            return value.startswith("text/html")
    return False


def init_app(app):
    """Wrap the WSGI app with the header middleware and expose csp_nonce() to templates."""
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.wsgi_app = SecurityHeaders(app.wsgi_app, int(app.config["HSTS_MAX_AGE"]))
