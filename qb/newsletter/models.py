"""Subscribers to news and offers: who asked, in which language, and whether they confirmed."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db
from ..personal_data import NOT_PERSONAL, Holder, personal

PENDING = "pending"  # asked for; nothing but the confirmation mail goes to the address
CONFIRMED = "confirmed"  # confirmed with the link in that mail: campaigns go to it
STATUSES = (PENDING, CONFIRMED)
# How a newsletter consent was given or withdrawn (consent_record.method).
FORM_METHOD = "newsletter-form"
CONTACT_METHOD = "contact-form"
CONFIRM_METHOD = "double-opt-in"
ONE_CLICK_METHOD = "unsubscribe-link"
OPERATOR_METHOD = "operator"


def _subscriber(category, depersonalise="erase", **extra):
    return personal(category, "newsletter", "consent", "newsletter", depersonalise, **extra)


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

    __personal__ = Holder(
        kind="subscriber",
        mailbox_column="mailbox_key",
        section="subscriptions",
        export=("id", "created_at", "email", "name", "language", "status", "confirmed_at"),
        derived=("mailbox_key",),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=NOT_PERSONAL)
    email: Mapped[str] = mapped_column(sa.String(254), info=_subscriber("email"))
    # qb.mailbox.mailbox_key(email): one subscription per mailbox, however it is spelt.
    # Depersonalised, it becomes a unique placeholder (the column is UNIQUE).
    mailbox_key: Mapped[str] = mapped_column(
        sa.String(254),
        unique=True,
        info=_subscriber("mailbox-key", "replace", replacement="depersonalised:{id}"),
    )
    name: Mapped[str | None] = mapped_column(sa.String(100), info=_subscriber("name"))
    language: Mapped[str] = mapped_column(sa.String(5), info=NOT_PERSONAL)
    status: Mapped[str] = mapped_column(sa.String(12), default=PENDING, info=NOT_PERSONAL)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=NOT_PERSONAL)
    # SHA-256 (hex) of the confirmation link's random token; the token itself is only mailed.
    confirm_token_hash: Mapped[str | None] = mapped_column(
        sa.String(64), unique=True, info=NOT_PERSONAL
    )
    confirm_expires_at: Mapped[datetime | None] = mapped_column(index=True, info=NOT_PERSONAL)
    # When the last confirmation mail was queued: one per mailbox per day at most.
    confirmation_sent_at: Mapped[datetime | None] = mapped_column(info=NOT_PERSONAL)
    confirmed_at: Mapped[datetime | None] = mapped_column(info=NOT_PERSONAL)
    # Set while processing is suspended (blocked): no campaign, no mail, no export.
    blocked_at: Mapped[datetime | None] = mapped_column(info=NOT_PERSONAL)

    def __repr__(self):
        return f"<Subscriber {self.id} {self.status}>"
