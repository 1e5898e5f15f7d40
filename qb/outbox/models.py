"""The outbox table: each mail waiting to go out, its delivery state, then its transfer record."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db
from ..personal_data import NOT_PERSONAL, Holder, personal

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"  # gave up: a permanent refusal or too many attempts; kept until retried
STATUSES = (PENDING, SENDING, SENT, FAILED)
# The claim order: a lower priority goes first. Mail about one person's request (an enquiry,
# a confirmation) is NORMAL; a campaign's mail is BULK, paced by OUTBOX_BULK_PER_SECOND and
# sent only by the worker and `flask outbox send`, never by a web process's thread.
NORMAL = 0
BULK = 10


def _mail(category, depersonalise="erase", **extra):
    """A column of a mail: it holds what the enquiry or subscription it belongs to holds."""
    return personal(
        category,
        "mail",
        "consent",
        "with-subject",
        depersonalise,
        recipients=("operator-mailbox", "recipient-mailbox"),
        **extra,
    )


class OutboxMessage(db.Model):
    """One mail: its content until delivered, afterwards the record of who got which mail when."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        sa.CheckConstraint(f"status IN {STATUSES!r}", name="ck_outbox_message_status"),
        # The sender's claim query: due pending rows (and expired claims) in id order.
        sa.Index("ix_outbox_message_due", "status", "next_attempt_at"),
        # The claim order: normal mail before bulk, then the oldest first.
        sa.Index("ix_outbox_message_claim", "status", "priority", "id"),
    )

    # Found by `ref` ("enquiry:12"): every mail about an enquiry or subscription, sent or
    # not; destroyed with it. The export lists them as the transfers of that person's data.
    __personal__ = Holder(
        kind="mail",
        subject_column="ref",
        section="transfers",
        export=("ref", "kind", "recipient", "recipient_name", "subject", "status", "sent_at"),
        derived=("reply_to", "reply_to_name", "headers", "body_text", "body_html"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=NOT_PERSONAL)
    kind: Mapped[str] = mapped_column(sa.String(40), info=NOT_PERSONAL)
    # "<kind>:<id>" or "<campaign>:<id>": names rows, holds none of their data.
    idempotency_key: Mapped[str] = mapped_column(sa.String(200), unique=True, info=NOT_PERSONAL)
    # Opaque pointer to the data the mail belongs to ("enquiry:12"), to find or erase it later.
    ref: Mapped[str | None] = mapped_column(sa.String(200), index=True, info=NOT_PERSONAL)
    recipient: Mapped[str] = mapped_column(
        sa.String(320), info=_mail("email", "replace", replacement="depersonalised.invalid")
    )
    recipient_name: Mapped[str | None] = mapped_column(sa.String(200), info=_mail("name"))
    reply_to: Mapped[str | None] = mapped_column(sa.String(320), info=_mail("email"))
    reply_to_name: Mapped[str | None] = mapped_column(sa.String(200), info=_mail("name"))
    subject: Mapped[str] = mapped_column(sa.String(300), info=_mail("mail-subject"))
    # The From if not MAIL_DEFAULT_SENDER (news and offers have their own, NEWSLETTER_SENDER).
    sender: Mapped[str | None] = mapped_column(sa.String(400), info=NOT_PERSONAL)
    priority: Mapped[int] = mapped_column(
        sa.SmallInteger, default=NORMAL, server_default="0", info=NOT_PERSONAL
    )
    # Further header lines as JSON {name: value or [items]}, written exactly as given (one
    # item per line), so that no folding breaks a URL or a DKIM signature: List-Unsubscribe,
    # List-Unsubscribe-Post, List-Id. Erased with the bodies once sent.
    headers: Mapped[str | None] = mapped_column(sa.Text, info=_mail("mail-header"))
    body_text: Mapped[str | None] = mapped_column(sa.Text, info=_mail("mail-body"))
    body_html: Mapped[str | None] = mapped_column(sa.Text, info=_mail("mail-body"))
    # Fixed at creation, so a resend after a crash carries the same id and can be recognised.
    message_id: Mapped[str] = mapped_column(sa.String(200), unique=True, info=NOT_PERSONAL)
    status: Mapped[str] = mapped_column(sa.String(10), default=PENDING, info=NOT_PERSONAL)
    attempts: Mapped[int] = mapped_column(default=0, info=NOT_PERSONAL)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, info=NOT_PERSONAL)
    locked_until: Mapped[datetime | None] = mapped_column(info=NOT_PERSONAL)
    # An error class and code, never the server's words about the recipient.
    last_error: Mapped[str | None] = mapped_column(sa.String(100), info=NOT_PERSONAL)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=NOT_PERSONAL)
    sent_at: Mapped[datetime | None] = mapped_column(info=NOT_PERSONAL)
    # Held while what it is about is blocked: no sender claims it until it is unblocked.
    blocked_at: Mapped[datetime | None] = mapped_column(info=NOT_PERSONAL)

    def __repr__(self):
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"


class OutboxHold(db.Model):
    """A mailbox or a subject whose mail is held: processing suspended (blocked).

    Mail queued to or about it (recipient or Reply-To, or its `ref`) is stored held
    (`blocked_at` set) and no sender claims it until the hold is lifted.
    """

    __tablename__ = "outbox_hold"

    id: Mapped[int] = mapped_column(primary_key=True, info=NOT_PERSONAL)
    # "mailbox:<qb.mailbox.mailbox_pseudonym>" or a subject ("enquiry:12"): a keyed hash
    # or a row number, never an address, so not personal data itself.
    value: Mapped[str] = mapped_column(sa.String(200), unique=True, info=NOT_PERSONAL)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=NOT_PERSONAL)
