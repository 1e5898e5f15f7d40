"""The audit log: append-only, hash-chained, written in the caller's transaction.

`record()` adds one entry to the session the action's own rows are in, so the entry exists
exactly when the action was committed (bulk statements fire no ORM hooks, so nothing here
relies on hooks). Each entry's hash covers its fields and the hash of the entry before it;
`prev_id` is unique, so two transactions cannot both append to the same entry.
"""

import hashlib
import json

import sqlalchemy as sa

from ..clock import utcnow
from ..extensions import db
from ..mailbox import mailbox_pseudonym
from .listing import keyset_page
from .models import AuditEntry

GENESIS = "0" * 64
RECORD_IDS_MAX = 500
DETAIL_MAX = 200

# What the log records (the console shows each in the operator's language).
ACTIONS = (
    "signin",
    "signin-failed",
    "signout",
    "forbidden",
    "view",
    "search",
    "export",
    "change",
    "handled",
    "block",
    "unblock",
    "depersonalise",
    "destroy",
    "correct",
    "request",
    "breach",
    "operator-created",
    "role-changed",
    "operator-disabled",
    "operator-reset",
    "password-changed",
    "second-factor",
)


def _canonical(entry):
    fields = {
        "id": entry.id,
        "prev_id": entry.prev_id,
        "at": entry.at.isoformat(timespec="microseconds"),
        "operator_id": entry.operator_id,
        "action": entry.action,
        "person": entry.person,
        "record_ids": entry.record_ids,
        "rows": entry.rows,
        "detail": entry.detail,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode("utf-8")


def entry_hash(entry):
    return hashlib.sha256(_canonical(entry)).hexdigest()


def person_pseudonym(mailbox_key):
    """How the log (and the request register) names a person: a keyed hash of the mailbox
    key, which names nobody without the site's secret."""
    return mailbox_pseudonym(mailbox_key) if mailbox_key else None


def _lock_chain():
    """On PostgreSQL, one appender at a time until commit; SQLite has one writer anyway."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(7412001)"))


def record(action, *, operator=None, person_pseudonym=None, record_ids=(), rows=None, detail=""):
    """Add one entry to the current transaction (the caller commits with its own rows).

    `operator`: an Operator, an id or None (a failed sign-in of an unknown account);
    `record_ids`: strings such as "enquiry:12"; `detail`: a short text without personal data.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    _lock_chain()
    last = db.session.execute(
        sa.select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    operator_id = getattr(operator, "id", operator)
    entry = AuditEntry(
        id=(last.id + 1) if last else 1,
        prev_id=last.id if last else None,
        at=utcnow(),
        operator_id=operator_id,
        action=action,
        person=person_pseudonym,
        record_ids=",".join(str(r) for r in record_ids)[:RECORD_IDS_MAX],
        rows=rows,
        detail=(detail or "")[:DETAIL_MAX],
        prev_hash=last.hash if last else GENESIS,
    )
    entry.hash = entry_hash(entry)
    db.session.add(entry)
    db.session.flush()
    return entry


def verify(batch=5000):
    """(entries checked, first broken entry id or None, reason)."""
    expected_prev, expected_id, checked = GENESIS, None, 0
    query = sa.select(AuditEntry).order_by(AuditEntry.id)
    for entry in db.session.scalars(query.execution_options(yield_per=batch)):
        checked += 1
        if entry.prev_id != expected_id:
            return checked, entry.id, "an entry before it is missing or out of order"
        if entry.prev_hash != expected_prev:
            return checked, entry.id, "it does not carry the hash of the entry before it"
        if entry_hash(entry) != entry.hash:
            return checked, entry.id, "its contents were changed after it was written"
        expected_prev, expected_id = entry.hash, entry.id
    return checked, None, ""


def _filtered(action=None, operator_id=None, person=None):
    query = sa.select(AuditEntry).order_by(AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action == action)
    if operator_id:
        query = query.where(AuditEntry.operator_id == operator_id)
    if person:
        query = query.where(AuditEntry.person == person)
    return query


def page(*, action=None, operator_id=None, person=None, before_id=None, size=50):
    """(one page of the log, newest first; the `before` of the next older page or None)."""
    return keyset_page(_filtered(action, operator_id, person), AuditEntry.id, before_id, size)


def entries(limit=50):
    """The newest `limit` entries, newest first."""
    return list(db.session.scalars(_filtered().limit(limit)))
