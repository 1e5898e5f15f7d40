"""The privacy engine's verbs, each driven by the personal-data declaration (qb/personal_data).

A person is a mailbox (qb.mailbox.mailbox_key); their rows are those of every model that
declares `__personal__`: found by the mailbox key column (enquiries, subscriptions), and,
through the subjects of those rows ("enquiry:12"), by the subject column (mail, consent
records). Verbs take a mailbox key, subjects, or both, join the caller's transaction and
leave the commit to the caller (like queue_mail). `actor` says who acted: "self-service",
"operator:<id>", "retention" or "cli". Logs carry counts and subjects, never data.
"""

import logging
from dataclasses import dataclass

import sqlalchemy as sa

from ..clock import utcnow
from ..consent.models import WITHDRAWN
from ..extensions import db
from ..mailbox import mailbox_pseudonym
from ..outbox.services import held_values, hold, mailbox_hold, release
from ..personal_data import holders, personal_columns
from . import journal
from .export import person_data  # noqa: F401 - one of the engine's verbs

log = logging.getLogger(__name__)
SELF_SERVICE, RETENTION, CLI = "self-service", "retention", "cli"


class Counts(dict):
    """{table: rows affected}, printable; `ids` holds the row ids of the person's own rows
    (enquiry, newsletter_subscriber) per table."""

    def __init__(self):
        super().__init__()
        self.ids = {}

    def add(self, table, count, ids=()):
        if count:
            self[table] = self.get(table, 0) + count
        if ids:
            self.ids.setdefault(table, []).extend(ids)

    @property
    def total(self):
        return sum(self.values())

    def __str__(self):
        return ", ".join(f"{table}: {count}" for table, count in sorted(self.items())) or "nothing"


@dataclass
class Target:
    """The rows a verb works on: {model: ids} of the person's own rows, and every subject."""

    rows: dict
    subjects: list


def own_holders():
    """(model, Holder) of the models found by a mailbox key."""
    return [(m, h) for m, h in holders(db.Model) if h.mailbox_column]


def linked_holders():
    """(model, Holder) of the models found by a subject."""
    return [(m, h) for m, h in holders(db.Model) if h.subject_column]


def find(mailbox_key=None, subjects=(), until=None):
    """The Target of a mailbox key and/or subjects (rows created up to `until`, if given)."""
    subjects = list(subjects)
    wanted = {}
    for subject in subjects:
        kind, _colon, number = subject.partition(":")
        if number.isdigit():
            wanted.setdefault(kind, set()).add(int(number))
    rows, found = {}, set(subjects)
    for model, holder in own_holders():
        conditions = []
        if mailbox_key is not None:
            conditions.append(getattr(model, holder.mailbox_column) == mailbox_key)
        if ids := wanted.get(holder.kind):
            conditions.append(model.id.in_(sorted(ids)))
        if not conditions:
            continue
        query = sa.select(model.id).where(sa.or_(*conditions))
        if until is not None:
            query = query.where(model.created_at <= until)
        rows[model] = sorted(db.session.scalars(query))
        found.update(f"{holder.kind}:{row_id}" for row_id in rows[model])
    return Target(rows, sorted(found))


def _linked(model, holder, target, until):
    where = getattr(model, holder.subject_column).in_(target.subjects)
    if until is not None:
        where = sa.and_(where, model.created_at <= until)
    return where


def _rows_of(model, holder, target, until):
    """The condition for the target's rows of `model` (its own ids, or its linked rows), or
    None if it has none."""
    if holder.mailbox_column:
        ids = target.rows.get(model)
        return model.id.in_(ids) if ids else None
    return _linked(model, holder, target, until) if target.subjects else None


def holds_anything(mailbox_key):
    """Whether any row of the person's own (an enquiry, a subscription) has this mailbox."""
    for model, holder in own_holders():
        column = getattr(model, holder.mailbox_column)
        if db.session.scalar(sa.select(model.id).where(column == mailbox_key).limit(1)):
            return True
    return False


def destroy(mailbox_key=None, subjects=(), *, reason=WITHDRAWN, actor, until=None):
    """Delete every declared row of the person: their enquiries and subscriptions and all
    mail about them (queued bodies and transfer records); unlink their consent records
    (kept as proof, naming nobody, marked `reason`); journal it. Counts per table.

    `until` (reapply after a restore) spares rows created after that moment.
    """
    return _destroy(mailbox_key, subjects, reason=reason, actor=actor, until=until)


def _destroy(mailbox_key, subjects, *, reason, actor, until=None, entry=None):
    now = utcnow()
    target = find(mailbox_key, subjects, until)
    counts = Counts()
    if target.subjects:
        for model, holder in linked_holders():
            where = _linked(model, holder, target, until)
            if holder.on_destroy == "unlink":
                values = {holder.subject_column: None}
                if hasattr(model, "destroyed_at"):
                    values.update(destroyed_at=now, destroyed_reason=reason)
                statement = sa.update(model).where(where).values(**values)
            else:
                statement = sa.delete(model).where(where)
            counts.add(model.__tablename__, db.session.execute(statement).rowcount)
    for model, ids in target.rows.items():
        if ids:
            deleted = db.session.scalars(
                sa.delete(model).where(model.id.in_(ids)).returning(model.id)
            ).all()
            counts.add(model.__tablename__, len(deleted), sorted(deleted))
    if target.subjects:
        release(target.subjects)
    _journal(journal.DESTROY, counts, target, mailbox_key, reason, actor, now, entry)
    return counts


def depersonalise(mailbox_key=None, subjects=(), *, actor, until=None):
    """Irreversibly replace every declared personal column of the person's rows as the
    declaration says (erase or a constant); ids, times, languages and statuses survive for
    statistics. The rows are also held (blocked_at), so no mail goes to an erased address.
    Journaled. Counts per table."""
    return _depersonalise(mailbox_key, subjects, actor=actor, until=until)


def _depersonalise(mailbox_key, subjects, *, actor, until=None, entry=None):
    now = utcnow()
    target = find(mailbox_key, subjects, until)
    counts = Counts()
    for model, holder in holders(db.Model):
        where = _rows_of(model, holder, target, until)
        values = _erased(model)
        if where is None or not values:
            continue
        if hasattr(model, "blocked_at"):
            values["blocked_at"] = sa.func.coalesce(model.blocked_at, now)
        result = db.session.execute(sa.update(model).where(where).values(**values))
        counts.add(model.__tablename__, result.rowcount, target.rows.get(model, ()))
    _journal(journal.DEPERSONALISE, counts, target, mailbox_key, None, actor, now, entry)
    return counts


def _erased(model):
    """{column: what depersonalising leaves in it} for the model's personal columns."""
    values = {}
    for name, declared in personal_columns(model.__table__):
        column = model.__table__.c[name]
        if declared.depersonalise == "erase":
            values[name] = None if column.nullable else ""
        elif "{id}" in declared.replacement:
            values[name] = sa.func.replace(
                sa.literal(declared.replacement), "{id}", sa.cast(model.id, sa.String)
            )
        else:
            values[name] = declared.replacement
    return values


def _journal(action, counts, target, mailbox_key, reason, actor, now, entry, holds=()):
    if not counts:
        return
    if entry is not None:  # reapplied after a restore: restore.py keeps the entry
        return
    person = mailbox_pseudonym(mailbox_key) if mailbox_key is not None else None
    rows = {model.__tablename__: ids for model, ids in target.rows.items() if ids}
    journal.record(
        action,
        at=now,
        reason=reason,
        actor=actor,
        person=person,
        subjects=target.subjects,
        rows=rows,
        holds=holds,
    )
    log.info("privacy: %s by %s: %s", action, actor, counts)


def block(mailbox_key=None, subjects=(), *, actor):
    """Suspend processing of the person's rows: marked blocked (blocked_at), their queued
    mail held, and mail queued later to or about them held too, until unblocked. Journaled,
    so that restoring an older backup cannot lift it. Counts."""
    return _block(mailbox_key, subjects, actor=actor, blocked=True)


def unblock(mailbox_key=None, subjects=(), *, actor):
    """Lift a block: the rows take part again and their held mail goes out. Journaled."""
    return _block(mailbox_key, subjects, actor=actor, blocked=False)


def _block(mailbox_key, subjects, *, actor, blocked, until=None, entry=None):
    now = utcnow()
    target = find(mailbox_key, subjects, until)
    counts = _set_blocked(target, now if blocked else None)
    holds = [mailbox_hold(mailbox_key)] if mailbox_key is not None else []
    if entry is not None:  # reapplied after a restore: the holds the journal names
        holds = list(entry.get("holds", ()))
    holds += target.subjects
    counts.add("outbox_hold", (hold if blocked else release)(holds))
    action = journal.BLOCK if blocked else journal.UNBLOCK
    _journal(action, counts, target, mailbox_key, None, actor, now, entry, holds=holds)
    return counts


def _set_blocked(target, when):
    counts = Counts()
    for model, holder in holders(db.Model):
        if not hasattr(model, "blocked_at"):
            continue
        where = _rows_of(model, holder, target, None)
        if where is None:
            continue
        now_set = model.blocked_at.is_(None) if when else model.blocked_at.is_not(None)
        statement = sa.update(model).where(where, now_set).values(blocked_at=when)
        counts.add(model.__tablename__, db.session.execute(statement).rowcount)
    return counts


def is_blocked(mailbox_key):
    """Whether processing for this mailbox is suspended (it, or any row of it, is blocked)."""
    if held_values([mailbox_hold(mailbox_key)]):
        return True
    for model, holder in own_holders():
        column = getattr(model, holder.mailbox_column)
        query = sa.select(model.id).where(column == mailbox_key, model.blocked_at.is_not(None))
        if db.session.scalar(query.limit(1)) is not None:
            return True
    return False


def correct(subject, *, name=None, phone=None, actor):
    """Correct the name and/or phone of one enquiry or subscription ("enquiry:12"); the
    names of the fields that changed. LookupError if it is not held, ValueError if that
    kind of row has no such field. The caller checks the values (the forms' cleaning)."""
    kind, _colon, number = subject.partition(":")
    model = next((m for m, h in own_holders() if h.kind == kind), None)
    if model is None or not number.isdigit():
        raise ValueError(f"not a subject that holds a name or phone: {subject!r}")
    row = db.session.get(model, int(number))
    if row is None:
        raise LookupError(subject)
    changed = []
    for field, value in (("name", name), ("phone", phone)):
        if value is None:
            continue
        if field not in model.__table__.c:
            raise ValueError(f"{kind} has no {field}")
        if getattr(row, field) != value:
            setattr(row, field, value)
            changed.append(field)
    if changed:
        log.info("privacy: %s corrected by %s: %s", subject, actor, " ".join(changed))
    return changed
