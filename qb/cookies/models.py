"""The proof of each cookie and analytics choice (no IP address, no user agent)."""

from ..extensions import db
from ..personal_data import NOT_PERSONAL, personal

# The random id in the visitor's consent cookie links one browser's choices: an online
# identifier, so personal data, though it names no one and links to no enquiry.
BROWSER_ID = personal(
    "browser-id",
    "cookie-proof",
    "consent-proof",
    "cookie-choice",
    "replace",
    replacement="depersonalised",
)


class CookieConsent(db.Model):
    """One choice about analytics: who (a random id), when, what, under which texts, how."""

    __tablename__ = "cookie_consent"

    id = db.Column(db.Integer, primary_key=True, info=NOT_PERSONAL)
    consent_id = db.Column(db.String(22), nullable=False, index=True, info=BROWSER_ID)
    recorded_at = db.Column(db.DateTime, nullable=False, index=True, info=NOT_PERSONAL)  # UTC
    # Vendor keys separated by spaces ("ga ym"); every offered vendor is in one of the two.
    granted = db.Column(db.String(64), nullable=False, info=NOT_PERSONAL)
    refused = db.Column(db.String(64), nullable=False, info=NOT_PERSONAL)
    policy_revision = db.Column(db.Integer, nullable=False, info=NOT_PERSONAL)
    banner_version = db.Column(db.String(16), nullable=False, info=NOT_PERSONAL)
    language = db.Column(db.String(2), nullable=False, info=NOT_PERSONAL)
    method = db.Column(db.String(16), nullable=False, info=NOT_PERSONAL)
