"""The outbox API: render and queue mail with the caller's rows, ask for delivery, inspect."""

import json
import logging

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy.dialects import postgresql, sqlite

from ..clock import utcnow
from ..extensions import db
from ..i18n import localized_path
from ..mailbox import mailbox_key, mailbox_pseudonym
from . import background
from .messages import clean_body, clean_header, make_message_id
from .models import FAILED, NORMAL, PENDING, SENDING, STATUSES, OutboxHold, OutboxMessage

log = logging.getLogger(__name__)
POLICY_PATH = "/politika"  # the personal data policy, linked from every mail's footer
MY_DATA_PATH = "/my-data"  # and the page where a person sees and manages their data


def render_mail(name: str, lang: str, **context) -> dict[str, str]:
    """The text and HTML bodies of templates/email/<name>.txt and .html, in `lang`.

    Both extend templates/email/layout.txt and layout.html, whose footer signs for the
    operator and links the policy and "my data": what it needs is added to `context` here.
    """
    config = current_app.config
    site = config["SITE_URL"].rstrip("/")
    context = {
        "lang": lang,
        "policy_url": site + localized_path(POLICY_PATH, lang),
        "my_data_url": site + localized_path(MY_DATA_PATH, lang),
        "operator_email": config["OPERATOR_EMAIL"],
        "operator_address": config["OPERATOR_ADDRESS"],
        **context,
    }
    with force_locale(lang):
        return {
            "text": render_template(f"email/{name}.txt", **context),
            "html": render_template(f"email/{name}.html", **context),
        }


def queue_mail(
    *,
    kind: str,
    key: str,
    to: str,
    subject: str,
    text: str,
    html: str,
    to_name: str | None = None,
    reply_to: str | None = None,
    reply_to_name: str | None = None,
    ref: str | None = None,
    new_key: bool = False,
    sender: str | None = None,
    priority: int = NORMAL,
    headers: dict | None = None,
) -> OutboxMessage:
    """Add one message to db.session without committing; the caller commits it with its own rows.

    `key` is an idempotency key: if a message with it is already in the session or the
    database, that message is returned unchanged and nothing new is added. Two transactions
    racing with the same key cannot both commit: the UNIQUE constraint fails the second.
    `new_key=True` says the key names a row created in this very transaction, so no message
    can have it yet: the lookup is skipped (it would run while SQLite's write lock is held).
    Header values are cleaned of line breaks and control characters here, before storing.
    `sender` replaces MAIL_DEFAULT_SENDER as the From; `priority` BULK marks campaign mail;
    `headers` are further header lines (qb.outbox.messages.extra_header_lines).
    """
    if not new_key:
        for obj in db.session.new:
            if isinstance(obj, OutboxMessage) and obj.idempotency_key == key:
                return obj
        existing = db.session.scalar(sa.select(OutboxMessage).filter_by(idempotency_key=key))
        if existing is not None:
            return existing
    message = OutboxMessage(**_row(**locals()))
    if held_values(_hold_keys(to, reply_to, ref)):
        message.blocked_at = message.created_at
    db.session.add(message)
    return message


def _row(
    *,
    kind,
    key,
    to,
    subject,
    text,
    html,
    to_name=None,
    reply_to=None,
    reply_to_name=None,
    ref=None,
    sender=None,
    priority=NORMAL,
    headers=None,
    **_ignored,
):
    """The column values of a new message, its header values cleaned."""
    now = utcnow()
    return {
        "kind": clean_header(kind, 40),
        "idempotency_key": key,
        "ref": ref,
        "recipient": clean_header(to, 320),
        "recipient_name": clean_header(to_name),
        "reply_to": clean_header(reply_to, 320),
        "reply_to_name": clean_header(reply_to_name),
        "subject": clean_header(subject, 300),
        "sender": clean_header(sender, 400),
        "priority": priority,
        "headers": json.dumps(headers) if headers else None,
        "body_text": clean_body(text),
        "body_html": clean_body(html),
        "message_id": make_message_id(current_app.config["SITE_URL"]),
        "status": PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


def queue_many(messages) -> int:
    """Add many messages (each the keyword arguments of queue_mail) in one statement, skipping
    every key already queued; the number added. The caller commits.

    For campaigns: queueing again after an interruption adds only what is missing, and two
    runs at once cannot queue one key twice (the UNIQUE key decides, not a lookup).
    """
    rows = [_row(**message) for message in messages]
    if not rows:
        return 0
    _mark_held(rows)
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(OutboxMessage)
    statement = insert.on_conflict_do_nothing(index_elements=["idempotency_key"])
    added = db.session.execute(statement.returning(OutboxMessage.id), rows)
    return len(added.all())


def request_delivery() -> None:
    """After a commit: ask this process's background sender to deliver due mail soon.

    Never blocks and never raises: the mail is already safe in the outbox, and the worker
    or `flask outbox send` delivers it if this process cannot.
    """
    try:
        background.wake(current_app._get_current_object())
    except Exception as exc:  # noqa: BLE001 - the response must not fail because of mail
        log.error("outbox: could not wake the background sender: %s", type(exc).__name__)


def status_counts(key_prefix=None) -> dict[str, int]:
    """How many messages are in each state (only those whose key starts with `key_prefix`)."""
    query = sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
    if key_prefix is not None:
        query = query.where(OutboxMessage.idempotency_key.startswith(key_prefix, autoescape=True))
    rows = db.session.execute(query)
    counts = dict.fromkeys(STATUSES, 0)
    counts.update(dict(rows.all()))
    return counts


def oldest_pending():
    """When the longest-waiting undelivered message was queued (UTC), or None: the health sign."""
    query = sa.select(sa.func.min(OutboxMessage.created_at)).where(
        OutboxMessage.status.in_((PENDING, SENDING))
    )
    return db.session.scalar(query)


def failed_messages() -> list[OutboxMessage]:
    """Every message the sender gave up on, oldest first."""
    query = sa.select(OutboxMessage).filter_by(status=FAILED).order_by(OutboxMessage.id)
    return list(db.session.scalars(query))


def retry_failed(ids=None) -> list[int]:
    """Put failed messages (the given ids, or all) back in the queue, due now; commit."""
    query = sa.update(OutboxMessage).where(OutboxMessage.status == FAILED)
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    requeued = db.session.scalars(
        query.values(
            status=PENDING, attempts=0, next_attempt_at=utcnow(), locked_until=None
        ).returning(OutboxMessage.id)
    ).all()
    db.session.commit()
    return sorted(requeued)


# Holds: a blocked person's mail is stored but not sent (qb/privacy block and unblock).


def mailbox_hold(key: str) -> str:
    """The hold value of a mailbox key: its pseudonym, never the address."""
    return f"mailbox:{mailbox_pseudonym(key)}"


def _hold_keys(to, reply_to, ref):
    keys = [mailbox_hold(mailbox_key(address)) for address in (to, reply_to) if address]
    return keys + ([ref] if ref else [])


def held_values(values) -> set[str]:
    """Which of `values` (mailbox_hold values or subjects) are held."""
    values = list(values)
    if not values:
        return set()
    query = sa.select(OutboxHold.value).where(OutboxHold.value.in_(values))
    return set(db.session.scalars(query))


def _mark_held(rows):
    """Set blocked_at on the rows (queue_many's) whose recipient, Reply-To or ref is held."""
    if db.session.scalar(sa.select(OutboxHold.id).limit(1)) is None:
        return  # nothing held: the usual case costs one indexed look
    keys = [_hold_keys(row["recipient"], row["reply_to"], row["ref"]) for row in rows]
    held = held_values({key for row_keys in keys for key in row_keys})  # one query per batch
    for row, row_keys in zip(rows, keys, strict=True):
        if held.intersection(row_keys):
            row["blocked_at"] = row["created_at"]
        else:
            row.setdefault("blocked_at", None)


def hold(values) -> int:
    """Hold mail to or about `values` from now on (mailbox_hold values or subjects); the
    caller commits. The number of new holds."""
    new = set(values) - held_values(values)
    db.session.add_all(OutboxHold(value=value, created_at=utcnow()) for value in sorted(new))
    return len(new)


def release(values) -> int:
    """Lift the holds on `values`; the caller commits. The number lifted."""
    result = db.session.execute(sa.delete(OutboxHold).where(OutboxHold.value.in_(list(values))))
    return result.rowcount
