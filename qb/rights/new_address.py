"""Another address for the person's records: a link of its own proves it, and only once
that link is used do the enquiries and the subscription take it (docs/my-data.md)."""

import logging

import sqlalchemy as sa

from ..extensions import db
from ..mailbox import mailbox_key
from ..outbox.services import queue_mail, request_delivery
from ..privacy import services as engine
from . import mails
from .models import NEW_EMAIL
from .services import ACTOR, Link, _commit, _new_link, _record, _use, link_state

log = logging.getLogger(__name__)


def request_new_email(session, email, browser):
    """Mail a proof link to the new address (the person's own mailbox stays until it is
    opened); commit."""
    _new_link(NEW_EMAIL, session.mailbox_key, email, session.language, browser)
    _commit()
    request_delivery()


def new_email_link(token, browser):
    return link_state(token, browser, NEW_EMAIL)


def confirm_new_email(token, browser):
    """Use a new-address link: the person's records take the new address; (state, link)."""
    state, link = _use(token, browser, NEW_EMAIL)
    if state is not Link.VALID:
        return state, link
    changed = _move_records(link.mailbox_key, link.email)
    _record("correction", link.mailbox_key, f"e-mail address changed in {changed} records")
    queue_mail(**mails.new_email_receipt(link))
    _commit()
    log.info("rights: link %s moved %s records to a new address", link.id, changed)
    request_delivery()
    return state, link


def _move_records(old_key, email):
    """Give the person's own records (found by the engine) the new address and its mailbox
    key; the number changed. A subscription the new mailbox already has stays, and the old
    one is ended (one subscription per mailbox)."""
    new_key = mailbox_key(email)
    target = engine.find(mailbox_key=old_key)
    holders = dict(engine.own_holders())
    moved = 0
    for model, ids in target.rows.items():
        column = holders[model].mailbox_column
        if not ids or old_key == new_key and "email" not in model.__table__.c:
            continue
        unique = model.__table__.c[column].unique
        taken = db.session.scalar(sa.select(model.id).where(getattr(model, column) == new_key))
        if unique and taken is not None and old_key != new_key:
            subjects = [f"{holders[model].kind}:{row_id}" for row_id in ids]
            engine.destroy(subjects=subjects, actor=ACTOR)
            continue
        values = {column: new_key}
        if "email" in model.__table__.c:
            values["email"] = email
        result = db.session.execute(sa.update(model).where(model.id.in_(ids)).values(**values))
        moved += result.rowcount
    return moved
