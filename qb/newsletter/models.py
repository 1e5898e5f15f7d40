"""Subscribers to news and offers: who asked, in which language, and whether they confirmed."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db

PENDING = "pending"  # asked for; nothing but the confirmation mail goes to the address
CONFIRMED = "confirmed"  # confirmed with the link in that mail: campaigns go to it
STATUSES = (PENDING, CONFIRMED)
# How a newsletter consent was given or withdrawn (consent_record.method).
FORM_METHOD = "newsletter-form"
CONTACT_METHOD = "contact-form"
CONFIRM_METHOD = "double-opt-in"
ONE_CLICK_METHOD = "unsubscribe-link"
OPERATOR_METHOD = "operator"


class Subscriber(db.Model):
    """One mailbox that asked for news and offers. Unsubscribing deletes the row."""

    __tablename__ = "newsletter_subscriber"
    # Ids are never reused: an unsubscribe link names one, and a link from a deleted
    # subscriber must not unsubscribe a later one.
    __table_args__ = (
        sa.CheckConstraint(f"status IN {STATUSES!r}", name="ck_newsletter_subscriber_status"),
        sa.Index("ix_newsletter_subscriber_status", "status", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    # qb.mailbox.mailbox_key(email): one subscription per mailbox, however it is spelt.
    mailbox_key: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str | None] = mapped_column(sa.String(100))
    language: Mapped[str] = mapped_column(sa.String(5))
    status: Mapped[str] = mapped_column(sa.String(12), default=PENDING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # SHA-256 (hex) of the confirmation link's random token; the token itself is only mailed.
    confirm_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    confirm_expires_at: Mapped[datetime | None] = mapped_column(index=True)
    # When the last confirmation mail was queued: one per mailbox per day at most.
    confirmation_sent_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]

    def __repr__(self):
        return f"<Subscriber {self.id} {self.status}>"
