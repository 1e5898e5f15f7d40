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


class OutboxMessage(db.Model):
    """One mail: its content until delivered, afterwards the record of who got which mail when."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        sa.CheckConstraint(f"status IN {STATUSES!r}", name="ck_outbox_message_status"),
        # The sender's claim query: due pending rows (and expired claims) in id order.
        sa.Index("ix_outbox_message_due", "status", "next_attempt_at"),
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
