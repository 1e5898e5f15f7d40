"""Enquiries from the contact form (their consents are records of the consent service)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db

FORM_METHOD = "contact-form"  # how a consent given with an enquiry was given


class Enquiry(db.Model):
    """One message sent with the contact form: only what the policy names, no IP or browser."""

    __tablename__ = "enquiry"
    # Never reuse an id, even after the newest enquiries are destroyed: mail refs
    # ("enquiry:12") and the numbers in the operator's mailbox must keep meaning one enquiry.
    __table_args__ = (
        # The console's list: newest first within a status, a page at a time (keyset on id).
        sa.Index("ix_enquiry_status_id", "status", "id"),
        {"sqlite_autoincrement": True},
    )

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
