"""Subscribing (double opt-in), confirming and unsubscribing: the verbs, which commit.

Nothing but the confirmation request is ever mailed to an address that has not confirmed,
and at most one of those per mailbox per day, whoever asks how often.
"""

import enum
import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ..clock import utcnow
from ..consent.models import GIVEN, NEWSLETTER, WITHDRAWN, ConsentRecord
from ..consent.models import PENDING as CONSENT_PENDING
from ..consent.services import new_consent
from ..extensions import db
from ..mailbox import mailbox_key
from ..outbox.services import queue_mail, request_delivery
from ..privacy.services import CLI, SELF_SERVICE, destroy
from .mails import confirmation_mail, subject_of
from .models import (
    CONFIRM_METHOD,
    CONFIRMED,
    CONTACT_METHOD,
    FORM_METHOD,
    OPERATOR_METHOD,
    PENDING,
    Subscriber,
)
from .tokens import new_confirm_token, token_hash, unsubscribe_id

log = logging.getLogger(__name__)
MAIL_INTERVAL = timedelta(hours=24)  # confirmation mails to one mailbox


class Link(enum.Enum):
    """What a confirmation or unsubscribe link stands for right now."""

    VALID = "valid"  # pending: may be confirmed / subscribed: may unsubscribe
    DONE = "done"  # confirmed just now, or unsubscribed just now
    ALREADY = "already"  # confirmed before / not subscribed (any more)
    EXPIRED = "expired"  # a confirmation link past NEWSLETTER_CONFIRM_DAYS
    INVALID = "invalid"  # no such link: mistyped, forged, or its subscription destroyed


def subscribe(*, email, name, language):
    """A subscription request from the form: recorded, and confirmation mailed if allowed.

    Whatever the address's state (new, pending, confirmed, unsubscribed), the visitor is
    told the same; what happens is decided here and never shown.
    """
    try:
        subscriber = add_request(email=email, name=name, language=language, method=FORM_METHOD)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if subscriber is not None:
        log.info("newsletter: subscriber %s asked to confirm", subscriber.id)
        request_delivery()


def on_newsletter_requested(_app, *, email, name, language, consent):
    """qb.signals.newsletter_requested: the contact form's box, in the contact's transaction."""
    subscriber = add_request(
        email=email, name=name, language=language, method=CONTACT_METHOD, consent=consent
    )
    if subscriber is not None:
        log.info("newsletter: subscriber %s asked to confirm (contact form)", subscriber.id)


def add_request(*, email, name, language, method, consent=None):
    """Add or renew a pending subscription and its confirmation mail; the caller commits.

    Returns the subscriber when a confirmation mail was queued, else None: the mailbox is
    confirmed already, or had its confirmation mail in the last 24 hours. The subscription
    gets a pending consent record of its own: a copy of `consent` (the record another form
    made, which stays with that form's data), or a new one for this form's text.
    """
    now = utcnow()
    key = mailbox_key(email)
    subscriber = db.session.scalar(sa.select(Subscriber).filter_by(mailbox_key=key))
    if subscriber is not None and (subscriber.status == CONFIRMED or _mailed_lately(subscriber)):
        return None
    if subscriber is None:
        subscriber = Subscriber(mailbox_key=key, status=PENDING, created_at=now)
        db.session.add(subscriber)
    # A renewed request (the last mail more than a day ago) may correct the spelling, the name
    # and the language; the old link stops working.
    subscriber.email, subscriber.name, subscriber.language = email, name or None, language
    if consent is None:
        record = new_consent(
            purpose=NEWSLETTER, status=CONSENT_PENDING, language=language, method=method
        )
    else:
        record = _copy(consent)
    _mail_confirmation(subscriber, now)
    record.subject = subject_of(subscriber.id)
    db.session.add(record)
    return subscriber


def _copy(consent):
    """The same consent (text, revision, language, method, time) for another subject."""
    return ConsentRecord(
        purpose=consent.purpose,
        status=consent.status,
        text_version=consent.text_version,
        text_sha256=consent.text_sha256,
        policy_revision=consent.policy_revision,
        language=consent.language,
        method=consent.method,
        created_at=consent.created_at,
    )


def _mailed_lately(subscriber):
    sent = subscriber.confirmation_sent_at
    return sent is not None and sent > utcnow() - MAIL_INTERVAL


def _mail_confirmation(subscriber, now):
    """A fresh link (the old one stops working), its expiry, and the mail; not committed."""
    token, subscriber.confirm_token_hash = new_confirm_token()
    subscriber.confirm_expires_at = now + timedelta(days=confirm_days())
    subscriber.confirmation_sent_at = now
    db.session.flush()
    queue_mail(**confirmation_mail(subscriber, token))


def mail_unsent_confirmations(*, dry_run=False):
    """Mail the confirmation request to each pending subscriber that never had one (those
    migration 0007 made from the contact form's ticked boxes); commit. Their ids."""
    now = utcnow()
    waiting = db.session.scalars(
        sa.select(Subscriber)
        .where(Subscriber.status == PENDING, Subscriber.confirmation_sent_at.is_(None))
        .order_by(Subscriber.id)
    ).all()
    ids = [subscriber.id for subscriber in waiting]
    if dry_run or not waiting:
        db.session.rollback()
        return ids
    try:
        for subscriber in waiting:
            _mail_confirmation(subscriber, now)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    log.info("newsletter: confirmation requests queued for %s subscribers", len(ids))
    request_delivery()
    return ids


def confirm_days():
    days = current_app.config["NEWSLETTER_CONFIRM_DAYS"]
    if isinstance(days, bool) or not isinstance(days, int | str) or not str(days).isdigit():
        raise ValueError(f"NEWSLETTER_CONFIRM_DAYS must be a whole number of days, not {days!r}")
    if int(days) < 1:
        raise ValueError("NEWSLETTER_CONFIRM_DAYS must be at least 1")
    return int(days)


def confirmation_link(token):
    """(Link state, language) of a confirmation link, changing nothing (a GET, a scanner)."""
    subscriber = db.session.scalar(
        sa.select(Subscriber).filter_by(confirm_token_hash=token_hash(token))
    )
    if subscriber is None:
        return Link.INVALID, None
    if subscriber.status == CONFIRMED:
        return Link.ALREADY, subscriber.language
    if subscriber.confirm_expires_at <= utcnow():
        return Link.EXPIRED, subscriber.language
    return Link.VALID, subscriber.language


def confirm(token):
    """Confirm the subscription the link stands for, once: DONE, ALREADY, EXPIRED or INVALID.

    Only now the subscription is confirmed, with a consent record of its own (method
    double-opt-in). The UPDATE is conditional, so two clicks at once confirm it once.
    """
    state, _lang = confirmation_link(token)
    if state is not Link.VALID:
        return state
    now = utcnow()
    confirmed = db.session.execute(
        sa.update(Subscriber)
        .where(
            Subscriber.confirm_token_hash == token_hash(token),
            Subscriber.status == PENDING,
            Subscriber.confirm_expires_at > now,
        )
        .values(status=CONFIRMED, confirmed_at=now)
        .returning(Subscriber.id, Subscriber.language)
    ).first()
    if confirmed is None:
        db.session.rollback()
        return confirmation_link(token)[0]
    db.session.add(
        new_consent(
            purpose=NEWSLETTER,
            status=GIVEN,
            language=confirmed.language,
            method=CONFIRM_METHOD,
            subject=subject_of(confirmed.id),
        )
    )
    db.session.commit()
    log.info("newsletter: subscriber %s confirmed", confirmed.id)
    return Link.DONE


def unsubscribe_link(token):
    """(Link state, subscriber id) of an unsubscribe link, changing nothing."""
    subscriber_id = unsubscribe_id(token)
    if subscriber_id is None:
        return Link.INVALID, None
    if db.session.get(Subscriber, subscriber_id) is None:
        return Link.ALREADY, subscriber_id
    return Link.VALID, subscriber_id


def unsubscribe_by_link(token, method):
    """Unsubscribe whoever the link names: DONE, ALREADY (nobody left to unsubscribe) or
    INVALID (a forged or mangled link: nothing changes)."""
    state, subscriber_id = unsubscribe_link(token)
    if state is not Link.VALID:
        return state
    return Link.DONE if unsubscribe(subscriber_id, method) else Link.ALREADY


def unsubscribe(subscriber_id, method=OPERATOR_METHOD):
    """Withdraw consent and destroy the subscriber at once; False if there was none.

    A withdrawal record is added, every mail of theirs still queued (and the record of each
    one sent) is deleted, and their consent records stay as proof, unlinked. The row is locked
    first (PostgreSQL), so a campaign being queued cannot add a copy after this.
    """
    subscriber = db.session.scalar(
        sa.select(Subscriber).filter_by(id=subscriber_id).with_for_update()
    )
    if subscriber is None:
        db.session.rollback()
        return False
    subject = subject_of(subscriber_id)
    try:
        withdrawal = new_consent(
            purpose=NEWSLETTER, status=WITHDRAWN, language=subscriber.language, method=method
        )
        withdrawal.subject = subject
        db.session.add(withdrawal)
        db.session.flush()
        # The engine deletes the row and its mail, unlinks the records, and journals it.
        actor = CLI if method == OPERATOR_METHOD else SELF_SERVICE
        counts = destroy(subjects=[subject], reason=WITHDRAWN, actor=actor)
        mails = counts.get("outbox_message", 0)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    log.info(
        "newsletter: subscriber %s unsubscribed (%s); %s mails deleted",
        subscriber_id,
        method,
        mails,
    )
    return True


def find_by_address(email):
    """The id of the subscriber whose mailbox `email` reaches, in any spelling, or None."""
    return db.session.scalar(sa.select(Subscriber.id).filter_by(mailbox_key=mailbox_key(email)))
