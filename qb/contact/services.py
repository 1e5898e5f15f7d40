"""Storing an enquiry with its consents and queueing its two mails, in one transaction."""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel import Locale
from babel.dates import format_date, format_time
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError

from ..content import policy_revision
from ..extensions import db
from ..i18n import localized_path
from ..mailbox import mailbox_key
from ..outbox.services import queue_mail, request_delivery
from .models import (
    ENQUIRY_PURPOSE,
    FORM_METHOD,
    GIVEN,
    NEWSLETTER_PURPOSE,
    PENDING,
    ConsentRecord,
    Enquiry,
    utcnow,
)

log = logging.getLogger(__name__)

# Raise when the wording of a consent text changes in any language (its hash changes anyway).
CONSENT_TEXT_VERSION = 1
HOME_COUNTRY = "KZ"  # where the site's database is (Law 94-V Art. 12(2))
# Stands for the enquiry's id in its mails until the INSERT gives it one (unguessable, so a
# visitor cannot type it).
_ID_HOLE = "qbenquiry" + secrets.token_hex(8)
ACK_WINDOW = timedelta(hours=24)
# Times shown to people: Kazakhstan's (UTC+5 in the whole country since March 2024).
KAZAKHSTAN_TIME = ZoneInfo("Asia/Almaty")


@dataclass(frozen=True)
class Submitted:
    """The outcome of submit_enquiry: which enquiry, and whether this call created it."""

    enquiry_id: int
    created: bool


def new_submission_key():
    """A random key for one form as served; its POST stores at most one enquiry."""
    return secrets.token_urlsafe(24)


def consent_text(purpose, lang):
    """The consent text for `purpose` in `lang`, as the page shows it (HTML).

    It depends only on settings and the catalogues, so each process renders it once.
    """
    texts = current_app.extensions.setdefault("qb_contact_consent_texts", {})
    if (purpose, lang) not in texts:
        texts[purpose, lang] = _render_consent_text(purpose, lang)
    return texts[purpose, lang]


def _render_consent_text(purpose, lang):
    config = current_app.config
    locale = Locale.parse(lang)
    with force_locale(lang):
        html = render_template(
            f"contact/consent_{purpose}.html",
            operator=config["OPERATOR_NAME"],
            operator_bin=config["OPERATOR_BIN"],
            operator_address=config["OPERATOR_ADDRESS"],
            operator_email=config["OPERATOR_EMAIL"],
            provider=config["OPERATOR_MAILBOX_PROVIDER"],
            provider_country=locale.territories.get(config["OPERATOR_MAILBOX_COUNTRY"], ""),
            home_country=locale.territories[HOME_COUNTRY],
            days=int(config["ENQUIRY_RETENTION_DAYS"]),
            policy_path=localized_path("/politika", lang),
        )
    return Markup(html.strip())


def text_digest(text):
    """SHA-256 (hex) of a consent text exactly as shown."""
    return hashlib.sha256(str(text).encode("utf-8")).hexdigest()


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
    revision = policy_revision().number
    consents = [_consent(language, ENQUIRY_PURPOSE, GIVEN, revision)]
    if newsletter:
        # Only recorded: the confirmation mail comes with the first newsletter issue.
        consents.append(_consent(language, NEWSLETTER_PURPOSE, PENDING, revision))
    # Rendered before the first INSERT: SQLite has one writer at a time, so the write
    # transaction should hold the inserts only. The id is put in once it exists.
    mails = _mails(enquiry, consents, acknowledge)
    db.session.add(enquiry)
    try:
        db.session.flush()
        for consent in consents:
            consent.enquiry_id = enquiry.id
        db.session.add_all(consents)
        for mail in mails:
            # The keys name the enquiry just inserted: no message can have them yet.
            queue_mail(new_key=True, **{k: _with_id(v, enquiry.id) for k, v in mail.items()})
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


def note_bot(reason):
    """Log a form refused as automated, with nothing about who sent it."""
    log.warning("contact form refused as automated: %s", reason)


def _consent(language, purpose, status, revision):
    return ConsentRecord(
        purpose=purpose,
        status=status,
        text_version=CONSENT_TEXT_VERSION,
        text_sha256=text_digest(consent_text(purpose, language)),
        policy_revision=revision,
        language=language,
        method=FORM_METHOD,
        created_at=utcnow(),
    )


def _with_id(value, enquiry_id):
    return value.replace(_ID_HOLE, str(enquiry_id)) if isinstance(value, str) else value


def _mails(enquiry, consents, acknowledge):
    """The operator's notification and (if `acknowledge`) the visitor's, as queue_mail fields."""
    config = current_app.config
    site = config["SITE_URL"].rstrip("/")
    ref = f"enquiry:{_ID_HOLE}"
    operator_lang = config["OPERATOR_LANGUAGE"]
    with force_locale(operator_lang):
        context = {
            "enquiry": enquiry,
            "enquiry_id": _ID_HOLE,
            "consents": consents,
            "acknowledged": acknowledge,
        }
        operator = {
            "kind": "contact-operator",
            "key": f"{ref}:operator",
            "to": config["OPERATOR_EMAIL"],
            "subject": _("New enquiry No. %(id)s from the website", id=_ID_HOLE),
            "text": render_template("email/contact_operator.txt", **context),
            "html": render_template("email/contact_operator.html", lang=operator_lang, **context),
            "reply_to": enquiry.email,
            "reply_to_name": enquiry.name,
            "ref": ref,
        }
    if not acknowledge:
        return [operator]
    lang = enquiry.language
    # Nothing the visitor typed goes into it, not even their name: the address is not
    # confirmed, so whatever it carried could be sent to a stranger from our domain.
    context = {
        "lang": lang,
        "received": _received(enquiry.created_at, lang),
        "newsletter": any(c.purpose == NEWSLETTER_PURPOSE for c in consents),
        "policy_url": site + localized_path("/politika", lang),
        "operator_email": config["OPERATOR_EMAIL"],
        "operator_address": config["OPERATOR_ADDRESS"],
    }
    with force_locale(lang):
        visitor = {
            "kind": "contact-acknowledgement",
            "key": f"{ref}:visitor",
            "to": enquiry.email,
            "subject": _("We have received your message"),
            "text": render_template("email/contact_acknowledgement.txt", **context),
            "html": render_template("email/contact_acknowledgement.html", **context),
            "ref": ref,
        }
    return [operator, visitor]


def _received(created_at, lang):
    """When an enquiry arrived (stored in UTC) as {date, time} in Kazakhstan time, in `lang`."""
    moment = created_at.replace(tzinfo=UTC)
    return {
        "date": format_date(moment.astimezone(KAZAKHSTAN_TIME), "long", locale=lang),
        "time": format_time(moment, "short", tzinfo=KAZAKHSTAN_TIME, locale=lang),
    }
