"""Views of the public pages; each is rendered once per language and path, then reused."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import wraps

from flask import Blueprint, Response, abort, current_app, g, render_template, url_for
from flask_babel import lazy_gettext as _l

from .. import clock
from ..content import get_page
from ..i18n import LANGUAGES, current_language, localized_route
from ..rendering import cached_page, forget_pages
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
    "newsletter.page",
    "rights.page",
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


DAY_VARIANT = "day:"


@dataclass(frozen=True)
class _Day:
    """One day of Kazakhstan time, with its bounds in stored (naive UTC) time."""

    date: date
    variant: str
    starts: datetime
    ends: datetime


def dated(view):
    """A page listing offers changes with the date: cache it per day of Kazakhstan time.

    The day goes into the page variant (the cache key) and into `g.today` for the view;
    copies of days gone by are dropped when a new day starts.
    """

    @wraps(view)
    def wrapper(**kwargs):
        day = _current_day(current_app._get_current_object())
        request_globals = g._get_current_object()  # every page view: one proxy lookup
        request_globals.today = day.date
        request_globals.page_variant = (*request_globals.get("page_variant", ()), day.variant)
        return view(**kwargs)

    return wrapper


def _current_day(app):
    """Today in Kazakhstan; worked out again only once the day's bounds are passed."""
    now = clock.utcnow()
    day = app.extensions.get("qb_offers_day")
    if day is None or not day.starts <= now < day.ends:
        today = clock.in_kazakhstan(now).date()
        day = _Day(today, DAY_VARIANT + today.isoformat(), _midnight(today), _midnight(today, 1))
        app.extensions["qb_offers_day"] = day
        forget_pages(app, lambda key: any(_stale(part, day.variant) for part in key))
    return day


def _midnight(day, days_later=0):
    local = datetime.combine(day + timedelta(days=days_later), time(), clock.KAZAKHSTAN_TIME)
    return local.astimezone(UTC).replace(tzinfo=None)


def _stale(part, variant):
    return isinstance(part, str) and part.startswith(DAY_VARIANT) and part != variant


def _text_page(name):
    return render_template("pages/page.html", page=get_page(current_language(), name))


@localized_route(bp, "/")
@dated
@cached_page
def home():
    """The welcome text and the current offers."""
    lang = current_language()
    return render_template(
        "pages/home.html", page=get_page(lang, "home"), offers=services.list_offers(lang, g.today)
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
@dated
@cached_page
def offers():
    """All current offers."""
    lang = current_language()
    return render_template(
        "pages/offers.html",
        page=get_page(lang, "offers"),
        offers=services.list_offers(lang, g.today),
    )


@localized_route(bp, "/offers/<slug>")
@dated
@cached_page
def offer(slug):
    """One offer; once its last day has passed, the page says that it has ended."""
    item = services.get_offer(current_language(), slug)
    if item is None:
        abort(404)
    ended = services.has_ended(item, g.today)
    return render_template("pages/offer.html", page=item, ended=ended)


@bp.get("/robots.txt")
def robots():
    """Crawlers may read everything; the sitemap lists the pages."""
    site = current_app.config["SITE_URL"].rstrip("/")
    body = f"User-agent: *\nAllow: /\n\nSitemap: {site}{url_for('pages.sitemap')}\n"
    return Response(body, mimetype="text/plain")


@bp.get("/sitemap.xml")
def sitemap():
    """Every page in every language, with its alternates; offers that have ended are left out."""
    site = current_app.config["SITE_URL"].rstrip("/")
    pages = [(endpoint, {}) for endpoint in SITEMAP_ENDPOINTS]
    offers = services.offer_slugs(clock.kazakhstan_today())
    pages += [("pages.offer", {"slug": slug}) for slug in offers]
    urls = [
        {lang: site + url_for(endpoint, lang=lang, **args) for lang in LANGUAGES}
        for endpoint, args in pages
    ]
    xml = render_template("pages/sitemap.xml", urls=urls, languages=LANGUAGES)
    return Response(xml, mimetype="application/xml")
