"""The verbs of "my data": mail a link, open a session with it, show, correct, withdraw.

What is held about a person, and every change to it, goes through the privacy engine
(qb.privacy.services); each action is entered in the request register (qb.requests) and each
change is confirmed by a receipt mailed to the proven address. The visitor is told the same
whatever the site holds: what happens is decided here and never shown.
"""

import enum
import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ..clock import utcnow
from ..extensions import db
from ..mailbox import mailbox_key, mailbox_pseudonym
from ..outbox.models import FAILED, SENT, OutboxMessage
from ..outbox.services import queue_mail, request_delivery
from ..privacy import services as engine
from ..requests import services as register
from . import mails
from .models import ACCESS, RightsLink, RightsSession
from .tokens import new_token, token_hash, well_formed

log = logging.getLogger(__name__)
ACTOR = "self-service"
COUNTING_WINDOW = timedelta(hours=24)  # links per mailbox are counted over this


class Link(enum.Enum):
    """What a mailed link stands for right now, in the browser that opened it."""

    VALID = "valid"
    USED = "used"  # opened before (by the person, or a mail scanner that pressed the button)
    EXPIRED = "expired"
    OTHER_BROWSER = "other-browser"  # not the browser that asked for it (or its cookie is gone)
    INVALID = "invalid"  # no such link, or one for another page


def minutes(name):
    value = current_app.config[name]
    if isinstance(value, bool) or not str(value).isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a whole number of minutes, at least 1, not {value!r}")
    return int(value)


def _commit():
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def request_link(email, language, browser):
    """Mail a link to `email` if the site holds anything for its mailbox; commit.

    Nothing is stored or mailed for a mailbox the site knows nothing about, or one that had
    RIGHTS_LINKS_PER_MAILBOX links in the last 24 hours.
    """
    purge()
    key = mailbox_key(email)
    if not engine.holds_anything(key) or _links_lately(key) >= _per_mailbox():
        _commit()  # the purge only
        return
    link = _new_link(ACCESS, key, email, language, browser)
    _commit()
    log.info("rights: link %s mailed", link.id)
    request_delivery()


def _per_mailbox():
    return int(current_app.config["RIGHTS_LINKS_PER_MAILBOX"])


def _links_lately(key):
    since = utcnow() - COUNTING_WINDOW
    query = sa.select(sa.func.count()).where(
        RightsLink.mailbox_key == key, RightsLink.created_at > since
    )
    return db.session.scalar(query)


def _new_link(purpose, key, email, language, browser):
    """A link row and its mail, not committed."""
    token, hashed = new_token()
    now = utcnow()
    link = RightsLink(
        token_hash=hashed,
        purpose=purpose,
        mailbox_key=key,
        email=email,
        browser_hash=token_hash(browser),
        language=language,
        created_at=now,
        expires_at=now + timedelta(minutes=minutes("RIGHTS_LINK_MINUTES")),
    )
    db.session.add(link)
    db.session.flush()
    queue_mail(**mails.link_mail(link, token))
    return link


def link_state(token, browser, purpose=ACCESS):
    """(state, link row) of a link opened in a browser, changing nothing (a GET, a scanner)."""
    link = None
    if well_formed(token):
        link = db.session.scalar(sa.select(RightsLink).filter_by(token_hash=token_hash(token)))
    if link is None or link.purpose != purpose:
        return Link.INVALID, None
    if link.used_at is not None:
        return Link.USED, link
    if link.expires_at <= utcnow():
        return Link.EXPIRED, link
    if not browser or token_hash(browser) != link.browser_hash:
        return Link.OTHER_BROWSER, link
    return Link.VALID, link


def _use(token, browser, purpose):
    """Mark the link used, once even for two clicks at once; (state, link)."""
    state, link = link_state(token, browser, purpose)
    if state is not Link.VALID:
        return state, link
    used = db.session.execute(
        sa.update(RightsLink)
        .where(RightsLink.id == link.id, RightsLink.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if used.rowcount != 1:
        db.session.rollback()
        return Link.USED, link
    return Link.VALID, link


def open_session(token, browser):
    """Use an access link: (state, session cookie value or None); commit."""
    state, link = _use(token, browser, ACCESS)
    if state is not Link.VALID:
        return state, None
    cookie, hashed = new_token()
    now = utcnow()
    session = RightsSession(
        cookie_hash=hashed,
        mailbox_key=link.mailbox_key,
        email=link.email,
        browser_hash=link.browser_hash,
        language=link.language,
        link_id=link.id,
        created_at=now,
        expires_at=now + timedelta(minutes=minutes("RIGHTS_SESSION_MINUTES")),
    )
    db.session.add(session)
    _record("access", link.mailbox_key, "link opened: data shown")
    _commit()
    log.info("rights: session %s opened with link %s", session.id, link.id)
    return Link.VALID, cookie


def current_session(cookie):
    """The live session a cookie names, or None (no cookie, forged, ended or past its time)."""
    if not well_formed(cookie):
        return None
    session = db.session.scalar(sa.select(RightsSession).filter_by(cookie_hash=token_hash(cookie)))
    if session is None or session.expires_at <= utcnow():
        return None
    return session


def end_session(cookie):
    """Log out: the session row is deleted (a forged or ended cookie changes nothing)."""
    if well_formed(cookie):
        db.session.execute(
            sa.delete(RightsSession).where(RightsSession.cookie_hash == token_hash(cookie))
        )
        _commit()


def purge():
    """Delete sessions past their time, links past the counting window, and this feature's
    mails a day after they went out (or failed for good); not committed."""
    now = utcnow()
    day_ago = now - COUNTING_WINDOW
    db.session.execute(sa.delete(RightsSession).where(RightsSession.expires_at <= now))
    db.session.execute(sa.delete(RightsLink).where(RightsLink.created_at <= day_ago))
    db.session.execute(
        sa.delete(OutboxMessage).where(
            OutboxMessage.kind.in_(mails.KINDS),
            OutboxMessage.status.in_((SENT, FAILED)),
            OutboxMessage.created_at <= day_ago,
        )
    )


def purge_now():
    """purge(), committed: for `flask rights purge`."""
    purge()
    _commit()


def person(session):
    """Everything held for the session's mailbox (the engine's "qb.person/1" document)."""
    return engine.person_data(session.mailbox_key, include_blocked=True, lang=session.language)


def own_record(session, kind, number):
    """The person's enquiry or subscription with that number, or None if it is not theirs."""
    section = "enquiries" if kind == "enquiry" else "subscriptions"
    for record in person(session).get(section, ()):
        if record.get("id") == number:
            return record
    return None


def record_export(session, fmt):
    """An export downloaded: entered in the request register; commit."""
    _record("access", session.mailbox_key, f"{fmt} export downloaded")
    _commit()
    log.info("rights: session %s downloaded %s", session.id, fmt)


def _record(kind, key, outcome):
    register.record_self_service(kind, mailbox_pseudonym(key), outcome)


def _receipt(session, action, details):
    queue_mail(**mails.receipt_mail(session, action, details))


def correct(session, subject, *, name, phone):
    """Correct the name and phone of one of the person's records; changed fields; commit.

    A subscription has a name only; "" as the phone removes an enquiry's number."""
    if subject.startswith("subscriber:"):
        phone = None
    changed = engine.correct(subject, name=name, phone=phone, actor=ACTOR)
    if changed:
        _record("correction", session.mailbox_key, f"{subject}: {', '.join(changed)} corrected")
        _receipt(session, "correction", {"subject": subject, "fields": changed})
    _commit()
    if changed:
        log.info("rights: session %s corrected %s (%s)", session.id, subject, ",".join(changed))
        request_delivery()
    return changed


def withdrawal_preview(subject):
    """What withdrawing the consent given with `subject` would destroy, changing nothing:
    {table: rows}, found as the engine finds them (the record, then all linked to it)."""
    target = engine.find(subjects=[subject])
    counts = {model.__tablename__: len(ids) for model, ids in target.rows.items() if ids}
    for model, holder in engine.linked_holders():
        column = getattr(model, holder.subject_column)
        query = sa.select(sa.func.count()).select_from(model).where(column.in_(target.subjects))
        if number := db.session.scalar(query):
            counts[model.__tablename__] = number
    return counts


def withdraw(session, subject):
    """Withdraw the consent given with `subject`: its data destroyed at once; commit."""
    counts = engine.destroy(subjects=[subject], reason="withdrawn", actor=ACTOR)
    kind = "unsubscribe" if subject.startswith("subscriber:") else "withdrawal"
    _record(kind, session.mailbox_key, f"{subject} destroyed")
    _receipt(session, kind, {"subject": subject, "destroyed": counts.total})
    _commit()
    log.info("rights: session %s withdrew consent of %s", session.id, subject)
    request_delivery()
    return counts
