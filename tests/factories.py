"""Rows made through the services, for tests about what happens to them later.

Tests about the contact form or the consent banner go through HTTP; a test about retention,
erasure or delivery starts from rows made here the way the site makes them.
"""

from datetime import timedelta

import sqlalchemy as sa

from qb.clock import utcnow
from qb.contact.models import Enquiry
from qb.contact.services import new_submission_key, submit_enquiry
from qb.cookies.choice import Choice, new_consent_id
from qb.cookies.services import record_choice
from qb.extensions import db

from .contact_helpers import KAZAKH_NAME, VALID
from .site import localized

# VALID as the form cleans it (the phone in E.164).
ENQUIRY = {
    "name": KAZAKH_NAME,
    "email": VALID["email"],
    "phone": "+77011234567",
    "message": VALID["message"],
    "language": "kk",
    "newsletter": False,
}


def new_enquiry(app, *, days_ago=None, **fields):
    """Submit an enquiry as the contact form does (rows, consents, two mails); its id.

    `days_ago` dates it back, as if it had arrived that many days ago.
    """
    with app.app_context():
        submitted = submit_enquiry(key=new_submission_key(), **{**ENQUIRY, **fields})
        if days_ago is not None:
            arrived = utcnow() - timedelta(days=days_ago)
            update = sa.update(Enquiry).filter_by(id=submitted.enquiry_id)
            db.session.execute(update.values(created_at=arrived))
            db.session.commit()
    return submitted.enquiry_id


def new_cookie_choice(app, method, granted=(), language="en", consent_id=None):
    """Record one consent choice as the banner's POST does; its consent id."""
    consent_id = consent_id or new_consent_id()
    # Inside a request, as in the site: the banner version renders the banner for this host.
    with app.test_request_context(localized("/consent", language), method="POST"):
        settings = app.extensions["qb_cookies"]
        record_choice(settings, Choice(consent_id, frozenset(granted)), method, language)
    return consent_id
