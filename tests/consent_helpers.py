"""Helpers for the consent tests: choice cookies, posting a choice, the records, the CSP."""

import sqlalchemy as sa

from qb.cookies.models import CookieConsent
from qb.extensions import db

CONSENT_ID = "A" * 22
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
GA_HOSTS = {
    "script-src": {"https://*.googletagmanager.com"},
    "img-src": {"https://*.google-analytics.com", "https://*.googletagmanager.com"},
    "connect-src": {
        "https://*.google-analytics.com",
        "https://*.analytics.google.com",
        "https://*.googletagmanager.com",
    },
}


def choice_cookie(ga, ym, revision=1, consent_id=CONSENT_ID):
    return f"1.r{revision}.ga{ga}.ym{ym}.{consent_id}"


def has_banner(html):
    return 'class="consent-banner"' in html


def csp_hosts(response):
    """{directive: set of hosts} of a response's CSP (keywords and nonces left out)."""
    hosts = {}
    for directive in response.headers["Content-Security-Policy"].split("; "):
        name, *values = directive.split()
        hosts[name] = {v for v in values if "://" in v}
    return hosts


def third_party_hosts(response):
    return set().union(*csp_hosts(response).values())


def records(app):
    """Every stored consent record, oldest first."""
    with app.app_context():
        query = sa.select(CookieConsent).order_by(CookieConsent.id)
        return db.session.execute(query).scalars().all()


def choose(client, choice, next_path="/en/about", headers=SAME_ORIGIN, prefix="/en", **fields):
    """Post a choice as the banner or the cookie page does."""
    return client.post(
        f"{prefix}/consent", data={"choice": choice, "next": next_path, **fields}, headers=headers
    )


def set_cookies(response):
    return response.headers.getlist("Set-Cookie")


def consent_cookie(response):
    return next(h for h in set_cookies(response) if h.startswith("qb_consent="))
