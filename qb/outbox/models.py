"""The outbox table: each mail waiting to go out, its delivery state, then its transfer record."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db

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

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    idempotency_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    # Opaque pointer to the data the mail belongs to ("enquiry:12"), to find or erase it later.
    ref: Mapped[str | None] = mapped_column(sa.String(200), index=True)
    recipient: Mapped[str] = mapped_column(sa.String(320))
    recipient_name: Mapped[str | None] = mapped_column(sa.String(200))
    reply_to: Mapped[str | None] = mapped_column(sa.String(320))
    reply_to_name: Mapped[str | None] = mapped_column(sa.String(200))
    subject: Mapped[str] = mapped_column(sa.String(300))
    # The From if not MAIL_DEFAULT_SENDER (news and offers have their own, NEWSLETTER_SENDER).
    sender: Mapped[str | None] = mapped_column(sa.String(400))
    priority: Mapped[int] = mapped_column(sa.SmallInteger, default=NORMAL, server_default="0")
    # Further header lines as JSON {name: value or [items]}, written exactly as given (one
    # item per line), so that no folding breaks a URL or a DKIM signature: List-Unsubscribe,
    # List-Unsubscribe-Post, List-Id. Erased with the bodies once sent.
    headers: Mapped[str | None] = mapped_column(sa.Text)
    body_text: Mapped[str | None] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    # Fixed at creation, so a resend after a crash carries the same id and can be recognised.
    message_id: Mapped[str] = mapped_column(sa.String(200), unique=True)
    status: Mapped[str] = mapped_column(sa.String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    def __repr__(self):
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"
