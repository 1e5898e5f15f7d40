"""Storing an enquiry with its consents and queueing its two mails, in one transaction."""

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from babel.dates import format_date, format_time
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..clock import KAZAKHSTAN_TIME, in_kazakhstan, utcnow
from ..consent.models import ENQUIRY, GIVEN, NEWSLETTER, PENDING
from ..consent.services import new_consent
from ..extensions import db
from ..i18n import format_locale
from ..mailbox import mailbox_key
from ..outbox.services import queue_mail, render_mail, request_delivery
from ..signals import newsletter_requested
from .models import FORM_METHOD, Enquiry

log = logging.getLogger(__name__)
# Stands for the enquiry's id in its mails until the INSERT gives it one (unguessable, so a
# visitor cannot type it).
_ID_HOLE = "qbenquiry" + secrets.token_hex(8)
ACK_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Submitted:
    """The outcome of submit_enquiry: which enquiry, and whether this call created it."""

    enquiry_id: int
    created: bool


def new_submission_key():
    """A random key for one form as served; its POST stores at most one enquiry."""
    return secrets.token_urlsafe(24)


def submit_enquiry(*, key, name, email, phone, message, language, newsletter):
    """Store the enquiry, its consents and both mails, commit, and ask for delivery.

    The same `key` twice (a double click, a replayed POST) stores nothing new and returns
    the first enquiry.
    """
    existing = db.session.scalar(sa.select(Enquiry.id).filter_by(submission_key=key))
    if existing is not None:
        return Submitted(existing, created=False)
    acknowledge = may_acknowledge(email)
    enquiry = Enquiry(
        submission_key=key,
        name=name,
        email=email,
        mailbox_key=mailbox_key(email),
        phone=phone or None,
        message=message,
        language=language,
        status="new",
        created_at=utcnow(),
    )
    consents = [new_consent(purpose=ENQUIRY, status=GIVEN, language=language, method=FORM_METHOD)]
    if newsletter:
        # Handed over to the newsletter below, which asks for confirmation by mail.
        consents.append(
            new_consent(purpose=NEWSLETTER, status=PENDING, language=language, method=FORM_METHOD)
        )
    # Rendered before the first INSERT: SQLite has one writer at a time, so the write
    # transaction should hold the inserts only. The id is put in once it exists.
    mails = _mails(enquiry, consents, acknowledge)
    db.session.add(enquiry)
    try:
        db.session.flush()
        for consent in consents:
            consent.subject = subject(enquiry.id)
        db.session.add_all(consents)
        for mail in mails:
            # The keys name the enquiry just inserted: no message can have them yet.
            queue_mail(new_key=True, **{k: _with_id(v, enquiry.id) for k, v in mail.items()})
        if newsletter:
            # The newsletter adds its subscription and confirmation mail to this transaction.
            newsletter_requested.send(
                current_app._get_current_object(),
                email=email,
                name=name,
                language=language,
                consent=consents[-1],
            )
        db.session.commit()
    except IntegrityError:
        # The same key committed by a concurrent request between our check and our insert.
        db.session.rollback()
        existing = db.session.scalar(sa.select(Enquiry.id).filter_by(submission_key=key))
        if existing is None:
            raise
        return Submitted(existing, created=False)
    except Exception:
        db.session.rollback()
        raise
    log.info(
        "enquiry %s stored (%s consents)%s",
        enquiry.id,
        len(consents),
        "" if acknowledge else "; no acknowledgement: address limit reached",
    )
    request_delivery()
    return Submitted(enquiry.id, created=True)


def may_acknowledge(email):
    """Whether `email` may get one more acknowledgement: ACK_LIMIT_PER_ADDRESS per 24 hours.

    The address is not confirmed, so without this the form would mail anyone an
    acknowledgement (ASVS 2.4.1). Enquiries to the same mailbox, in any spelling, count,
    acknowledged or not.
    """
    limit = int(current_app.config["ACK_LIMIT_PER_ADDRESS"])
    if limit <= 0:
        return False
    recent = db.session.scalar(
        sa.select(sa.func.count(Enquiry.id)).where(
            Enquiry.mailbox_key == mailbox_key(email),
            Enquiry.created_at >= utcnow() - ACK_WINDOW,
        )
    )
    return recent < limit


def same_mailbox(email):
    """Ids of the enquiries whose address reaches the mailbox `email` does, in any spelling."""
    found = sa.select(Enquiry.id).where(Enquiry.mailbox_key == mailbox_key(email))
    return list(db.session.scalars(found.order_by(Enquiry.id)))


def subject(enquiry_id):
    """How consent records and outbox rows name an enquiry."""
    return f"enquiry:{enquiry_id}"


def _with_id(value, enquiry_id):
    return value.replace(_ID_HOLE, str(enquiry_id)) if isinstance(value, str) else value


def _mails(enquiry, consents, acknowledge):
    """The operator's notification and (if `acknowledge`) the visitor's, as queue_mail fields."""
    config = current_app.config
    ref = subject(_ID_HOLE)
    operator_lang = config["OPERATOR_LANGUAGE"]
    with force_locale(operator_lang):
        operator_subject = _("New enquiry No. %(id)s from the website", id=_ID_HOLE)
    operator = {
        "kind": "contact-operator",
        "key": f"{ref}:operator",
        "to": config["OPERATOR_EMAIL"],
        "subject": operator_subject,
        **render_mail(
            "contact_operator",
            operator_lang,
            enquiry=enquiry,
            enquiry_id=_ID_HOLE,
            consents=consents,
            acknowledged=acknowledge,
        ),
        "reply_to": enquiry.email,
        "reply_to_name": enquiry.name,
        "ref": ref,
    }
    if not acknowledge:
        return [operator]
    lang = enquiry.language
    with force_locale(lang):
        visitor_subject = _("We have received your message")
    # Nothing the visitor typed goes into it, not even their name: the address is not
    # confirmed, so whatever it carried could be sent to a stranger from our domain.
    visitor = {
        "kind": "contact-acknowledgement",
        "key": f"{ref}:visitor",
        "to": enquiry.email,
        "subject": visitor_subject,
        **render_mail(
            "contact_acknowledgement",
            lang,
            received=_received(enquiry.created_at, lang),
            newsletter=any(c.purpose == NEWSLETTER for c in consents),
        ),
        "ref": ref,
    }
    return [operator, visitor]


def _received(created_at, lang):
    """When an enquiry arrived (stored in UTC) as {date, time} in Kazakhstan time, in `lang`."""
    moment, locale = in_kazakhstan(created_at), format_locale(lang)
    return {
        "date": format_date(moment, "long", locale=locale),
        "time": format_time(moment, "short", tzinfo=KAZAKHSTAN_TIME, locale=locale),
    }
