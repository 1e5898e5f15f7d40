"""The person page's steps: everything held about one mailbox through the privacy engine,
what an action would change (counted before it is confirmed), and the action itself.

Every action goes through the engine (qb.privacy.services), which works from the same
personal-data declaration as the visitor's own "my data" page, so nothing declared is
missed; each writes its audit entry in the same transaction.
"""

import sqlalchemy as sa

from ..extensions import db
from ..mailbox import mailbox_key
from ..operators import audit
from ..privacy import services as privacy

ACTIONS = ("block", "unblock", "depersonalise", "destroy")
IRREVERSIBLE = ("depersonalise", "destroy")
SECTIONS = ("enquiries", "subscriptions", "consents", "transfers")


def key_of(email):
    return mailbox_key((email or "").strip())


def person(email, operator):
    """(data, pseudonym) of everything held about the mailbox, blocked rows included;
    the view is logged with the number of items shown."""
    key = key_of(email)
    data = privacy.person_data(key, include_blocked=True)
    pseudonym = audit.person_pseudonym(key)
    shown = sum(len(data.get(section) or []) for section in SECTIONS)
    audit.record(
        "view", operator=operator, person_pseudonym=pseudonym, rows=shown, detail="person page"
    )
    db.session.commit()
    return data, pseudonym


def scope(email, subject):
    """(mailbox key or None, subjects): one record when a subject is named, else the person."""
    if subject:
        return None, (subject,)
    return key_of(email), ()


def preview(email, subject):
    """{table: rows} the action would touch: the person's own rows and every row linked to
    them by subject (mail, consent records)."""
    key, subjects = scope(email, subject)
    target = privacy.find(key, subjects)
    counts = {model.__tablename__: len(ids) for model, ids in target.rows.items() if ids}
    if target.subjects:
        for model, holder in privacy.linked_holders():
            column = getattr(model, holder.subject_column)
            found = db.session.scalar(
                sa.select(sa.func.count()).select_from(model).where(column.in_(target.subjects))
            )
            if found:
                counts[model.__tablename__] = found
    return counts


def act(action, email, subject, operator):
    """Run `action` through the engine, log it, commit; the engine's Counts."""
    key, subjects = scope(email, subject)
    actor = f"operator:{operator.id}"
    verb = getattr(privacy, action)
    counts = verb(key, subjects, actor=actor)
    audit.record(
        action,
        operator=operator,
        person_pseudonym=audit.person_pseudonym(key_of(email)),
        record_ids=list(subjects) or _ids(counts),
        rows=counts.total,
        detail=str(counts)[:200],
    )
    db.session.commit()
    return counts


def _ids(counts):
    return [f"{table}:{i}" for table, ids in counts.ids.items() for i in ids][:40]


def correct(email, subject, name, phone, operator):
    """Correct a record's name and/or phone through the engine; the changed field names."""
    changed = privacy.correct(subject, name=name, phone=phone, actor=f"operator:{operator.id}")
    audit.record(
        "correct",
        operator=operator,
        person_pseudonym=audit.person_pseudonym(key_of(email)),
        record_ids=[subject],
        rows=1 if changed else 0,
        detail=" ".join(changed) or "nothing changed",
    )
    db.session.commit()
    return changed
