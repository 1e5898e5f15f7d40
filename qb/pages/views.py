"""Views of the public pages; each is rendered once per language and path, then reused."""

from flask import Blueprint, Response, abort, current_app, render_template, url_for
from flask_babel import lazy_gettext as _l

from ..content import get_page
from ..i18n import LANGUAGES, current_language, localized_route
from ..rendering import cached_page
from . import services

bp = Blueprint("pages", __name__)

SITEMAP_ENDPOINTS = (
    "pages.home",
    "pages.about",
    "pages.services",
    "pages.offers",
    "contact.page",
    "policy.politika",
    "cookies.page",
)
OFFER_KINDS = {
    "product": _l("New product"),
    "service": _l("Service"),
    "special": _l("Special offer"),
}


@bp.app_template_global()
def offer_kind(kind):
    """The visible label of an offer's kind."""
    return OFFER_KINDS.get(kind, OFFER_KINDS["service"])


def _text_page(name):
    return render_template("pages/page.html", page=get_page(current_language(), name))


@localized_route(bp, "/")
@cached_page
def home():
    """The welcome text and the current offers."""
    lang = current_language()
    return render_template(
        "pages/home.html", page=get_page(lang, "home"), offers=services.list_offers(lang)
    )


@localized_route(bp, "/about")
@cached_page
def about():
    """Who the organisation is."""
    return _text_page("about")


@localized_route(bp, "/services", endpoint="services")
@cached_page
def services_page():
    """What the organisation does."""
    return _text_page("services")


@localized_route(bp, "/offers")
@cached_page
def offers():
    """All current offers."""
    lang = current_language()
    return render_template(
        "pages/offers.html",
        page=get_page(lang, "offers"),
        offers=services.list_offers(lang),
    )


@localized_route(bp, "/offers/<slug>")
@cached_page
def offer(slug):
    """One offer."""
    item = services.get_offer(current_language(), slug)
    if item is None:
        abort(404)
    return render_template("pages/offer.html", page=item)


@bp.get("/robots.txt")
def robots():
    """Crawlers may read everything; the sitemap lists the pages."""
    site = current_app.config["SITE_URL"].rstrip("/")
    body = f"User-agent: *\nAllow: /\n\nSitemap: {site}{url_for('pages.sitemap')}\n"
    return Response(body, mimetype="text/plain")


@bp.get("/sitemap.xml")
def sitemap():
    """Every page in every language, with its alternates."""
    site = current_app.config["SITE_URL"].rstrip("/")
    pages = [(endpoint, {}) for endpoint in SITEMAP_ENDPOINTS]
    pages += [("pages.offer", {"slug": slug}) for slug in services.offer_slugs()]
    urls = [
        {lang: site + url_for(endpoint, lang=lang, **args) for lang in LANGUAGES}
        for endpoint, args in pages
    ]
    xml = render_template("pages/sitemap.xml", urls=urls, languages=LANGUAGES)
    return Response(xml, mimetype="application/xml")
