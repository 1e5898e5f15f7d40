"""The proof of consent: storing each choice, counting and exporting the records."""

import hashlib
from datetime import timedelta
from html.parser import HTMLParser

from flask import current_app, g, render_template, request
from flask_babel import force_locale
from sqlalchemy import func, select, text

from ..clock import in_kazakhstan, utcnow
from ..extensions import db
from ..i18n import localized_path
from .choice import decide
from .models import CookieConsent


def save_choice(state, action, fields, language):
    """Decide and record a posted choice, commit it, and return it (ValueError if forged)."""
    choice, method = decide(state, action, fields)
    record_choice(state.settings, choice, method, language)
    return choice


def record_choice(settings, choice, method, language):
    """Store the proof of one choice and commit it."""
    refused = [key for key in settings.keys if key not in choice.granted]
    db.session.add(
        CookieConsent(
            consent_id=choice.consent_id,
            recorded_at=utcnow(),
            granted=" ".join(key for key in settings.keys if key in choice.granted),
            refused=" ".join(refused),
            policy_revision=settings.revision,
            banner_version=banner_version(language),
            language=language,
            method=method,
        )
    )
    db.session.commit()


def banner_version(language):
    """A short hash of what the banner shows in `language`: its words and the vendor facts.

    Computed from the banner as rendered (the first layer and the settings panel with every
    vendor's provider, purpose, data, cookies and country), reduced to its visible text, so
    a template comment, markup, a nonce or a rebuilt catalogue leaves it alone and a changed
    word changes it. Rendered once per process and language.
    """
    versions = current_app.extensions.setdefault("qb_banner_versions", {})
    if language not in versions:
        versions[language] = _text_hash(_render_banner(language))
    return versions[language]


def _render_banner(language):
    app = current_app._get_current_object()
    settings = app.extensions["qb_cookies"]
    base_url = request.host_url if request else app.config["SITE_URL"]
    # A context of its own: the request being answered keeps its g, nonce and state.
    path = localized_path("/", language)
    with app.app_context(), app.test_request_context(path, base_url=base_url):
        g.consent = settings.first_visit
        with force_locale(language):
            return render_template("cookies/banner.html")


def _text_hash(html):
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    text = " ".join(" ".join(parser.parts).split())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


class _VisibleText(HTMLParser):
    """The text a person reads in some HTML: character data outside scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag in ("script", "style")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if not self._in_script:
            self.parts.append(data)


def daily_counts():
    """[(Kazakhstan day, method, count)] of all records, oldest day first."""
    day = _kazakhstan_day(CookieConsent.recorded_at)
    query = (
        select(day, CookieConsent.method, func.count())
        .group_by(day, CookieConsent.method)
        .order_by(day, CookieConsent.method)
    )
    return [(str(d), method, count) for d, method, count in db.session.execute(query)]


def _kazakhstan_day(column):
    """The Kazakhstan date of a stored UTC time, in SQL (one zone, UTC+5, for the country)."""
    hours = in_kazakhstan(utcnow()).utcoffset() // timedelta(hours=1)
    if db.session.get_bind().dialect.name == "sqlite":
        return func.date(column, f"+{hours} hours")
    return func.date(column + text(f"interval '{hours} hours'"))


def all_records():
    """Every record, oldest first."""
    query = select(CookieConsent).order_by(CookieConsent.recorded_at, CookieConsent.id)
    return db.session.execute(query).scalars()
