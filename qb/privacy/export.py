"""The access export: everything held about one mailbox, as JSON-ready data (qb.person/1).

Each section comes from one model's declaration (`Holder.section` and `Holder.export`), so
a column declared personal appears here without this module knowing it. Lookups go through
indexed columns only (the mailbox key, then the subjects), so the cost follows the person's
rows, not the size of the database.
"""

from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from ..clock import utcnow
from ..consent.services import archived_text
from ..extensions import db
from ..mailbox import mailbox_key as key_of
from ..operator import mailbox_provider
from ..personal_data import holders
from . import services as engine

SCHEMA = "qb.person/1"


def person_data(mailbox_key, *, include_blocked=False, lang="en"):
    """Everything held for `mailbox_key` (every spelling of it has this key).

    {"schema", "generated_at", "blocked", "enquiries", "subscriptions", "consents",
    "transfers"}; each item has the declared export columns, times as ISO 8601 UTC ("Z").
    Blocked rows are left out unless `include_blocked` (the operator's view and the person's
    own access request), which marks every item with "blocked". `lang` names the mailbox
    provider of transfers in that language. docs/privacy.md documents the schema.
    """
    person_blocked = engine.is_blocked(mailbox_key)
    data = {"schema": SCHEMA, "generated_at": _json(utcnow()), "blocked": person_blocked}
    for _model, holder in holders(db.Model):
        data[holder.section] = []
    subjects, memo = {}, {}
    for model, holder in engine.own_holders():
        column = getattr(model, holder.mailbox_column)
        query = sa.select(model).where(column == mailbox_key).order_by(model.id)
        for row in db.session.scalars(query):
            blocked = person_blocked or row.blocked_at is not None
            subjects[f"{holder.kind}:{row.id}"] = blocked
            if include_blocked or not blocked:
                data[holder.section].append(_item(row, holder, blocked, include_blocked))
    for model, holder in engine.linked_holders():
        column = getattr(model, holder.subject_column)
        query = sa.select(model).where(column.in_(sorted(subjects))).order_by(model.id)
        for row in db.session.scalars(query) if subjects else ():
            blocked = subjects[getattr(row, holder.subject_column)]
            if include_blocked or not blocked:
                item = _item(row, holder, blocked, include_blocked)
                _EXTRAS.get(holder.section, _nothing)(item, lang, memo)
                data[holder.section].append(item)
    return data


def _item(row, holder, blocked, include_blocked):
    item = {name: _json(getattr(row, name)) for name in holder.export}
    if include_blocked:
        item["blocked"] = blocked
    return item


def _json(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"
    return value


def _nothing(_item, _lang, _memo):
    return None


def _consent(item, _lang, memo):
    """The exact text agreed to, from the consent-text archive (None if not archived)."""
    digest = item["text_sha256"]
    if digest not in memo:
        archived = archived_text(digest)
        memo[digest] = archived[0] if archived else None
    item["text"] = memo[digest]


def _transfer(item, lang, memo):
    """Who received the mail: the operator's mailbox (a third party, maybe abroad) or the
    person's own."""
    config = current_app.config
    recipient = item["recipient"]
    if ("to", recipient) not in memo:
        operator = key_of(config["OPERATOR_EMAIL"])
        memo["to", recipient] = "operator" if key_of(recipient) == operator else "person"
    item["to"] = memo["to", recipient]
    to_operator = item["to"] == "operator"
    item["provider"] = mailbox_provider(lang) if to_operator else None
    item["country"] = config["OPERATOR_MAILBOX_COUNTRY"] if to_operator else None


_EXTRAS = {"consents": _consent, "transfers": _transfer}
