"""The proof of consent: storing each choice, counting and exporting the records."""

import hashlib
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import func, select

from ..config import ROOT
from ..extensions import db
from .models import CookieConsent

BANNER_TEMPLATES = ("consent/banner.html", "consent/vendors.html")


def record_choice(settings, choice, method, language):
    """Store the proof of one choice and commit it."""
    refused = [key for key in settings.keys if key not in choice.granted]
    db.session.add(
        CookieConsent(
            consent_id=choice.consent_id,
            recorded_at=datetime.now(UTC).replace(tzinfo=None),
            granted=" ".join(key for key in settings.keys if key in choice.granted),
            refused=" ".join(refused),
            policy_revision=settings.revision,
            banner_version=banner_version(language),
            language=language,
            method=method,
        )
    )
    db.session.commit()


@cache
def banner_version(language):
    """A short hash of what the banner shows in `language`: its templates and catalogue."""
    digest = hashlib.sha256()
    for name in BANNER_TEMPLATES:
        digest.update((ROOT / "templates" / name).read_bytes())
    catalogue = ROOT / "translations" / language / "LC_MESSAGES" / "messages.mo"
    if catalogue.is_file():
        digest.update(catalogue.read_bytes())
    digest.update((ROOT / "qb" / "consent" / "vendors.py").read_bytes())
    return digest.hexdigest()[:12]


def daily_counts():
    """[(day, method, count)] of all records, oldest day first."""
    day = func.date(CookieConsent.recorded_at)
    query = (
        select(day, CookieConsent.method, func.count())
        .group_by(day, CookieConsent.method)
        .order_by(day, CookieConsent.method)
    )
    return [(str(d), method, count) for d, method, count in db.session.execute(query)]


def all_records():
    """Every record, oldest first."""
    query = select(CookieConsent).order_by(CookieConsent.recorded_at, CookieConsent.id)
    return db.session.execute(query).scalars()
