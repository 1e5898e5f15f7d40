"""Enquiries from the contact form and the consents given with them, kept as proof."""

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

ENQUIRY_PURPOSE = "enquiry"
NEWSLETTER_PURPOSE = "newsletter"
GIVEN = "given"
PENDING = "pending"  # newsletter opt-in not yet confirmed by the subscriber
FORM_METHOD = "contact-form"
# Why a consent record's enquiry was destroyed: its retention period ended, or its sender
# withdrew consent or asked for deletion.
EXPIRED = "expired"
WITHDRAWN = "withdrawn"


def utcnow():
    """Naive UTC, as the database stores it (SQLite has no time zones)."""
    return datetime.now(UTC).replace(tzinfo=None)


class Enquiry(db.Model):
    """One message sent with the contact form: only what the policy names, no IP or browser."""

    __tablename__ = "enquiry"
    # Never reuse an id, even after the newest enquiries are destroyed: mail refs
    # ("enquiry:12") and the numbers in the operator's mailbox must keep meaning one enquiry.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random key from the form as it was served: a replayed or double-clicked POST finds it.
    submission_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    email: Mapped[str] = mapped_column(sa.String(254))
    # qb.mailbox.mailbox_key(email): every spelling of one mailbox has the same, so limits per
    # recipient and erasure by address find them all through this index.
    mailbox_key: Mapped[str] = mapped_column(sa.String(254), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    message: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(5))
    status: Mapped[str] = mapped_column(sa.String(20), default="new")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    def __repr__(self):
        return f"<Enquiry {self.id}>"


class ConsentRecord(db.Model):
    """What the visitor agreed to with an enquiry: which text, policy revision, when, how."""

    __tablename__ = "enquiry_consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Cleared when the enquiry is destroyed: the record stays as proof, naming nobody.
    enquiry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("enquiry.id", ondelete="SET NULL"), index=True
    )
    purpose: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20))
    text_version: Mapped[int]
    # SHA-256 of the exact consent text shown, in the language it was shown in.
    text_sha256: Mapped[str] = mapped_column(sa.String(64))
    policy_revision: Mapped[int]
    language: Mapped[str] = mapped_column(sa.String(5))
    method: Mapped[str] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the enquiry it was given for was destroyed, in UTC, and why (EXPIRED or WITHDRAWN).
    destroyed_at: Mapped[datetime | None]
    destroyed_reason: Mapped[str | None] = mapped_column(sa.String(20))

    def __repr__(self):
        return f"<ConsentRecord {self.id} {self.purpose} {self.status}>"
