"""The proof of each cookie and analytics choice (no IP address, no user agent)."""

from ..extensions import db


class CookieConsent(db.Model):
    """One choice about analytics: who (a random id), when, what, under which texts, how."""

    __tablename__ = "cookie_consent"

    id = db.Column(db.Integer, primary_key=True)
    consent_id = db.Column(db.String(22), nullable=False, index=True)
    recorded_at = db.Column(db.DateTime, nullable=False, index=True)  # UTC
    # Vendor keys separated by spaces ("ga ym"); every offered vendor is in one of the two.
    granted = db.Column(db.String(64), nullable=False)
    refused = db.Column(db.String(64), nullable=False)
    policy_revision = db.Column(db.Integer, nullable=False)
    banner_version = db.Column(db.String(16), nullable=False)
    language = db.Column(db.String(2), nullable=False)
    method = db.Column(db.String(16), nullable=False)
