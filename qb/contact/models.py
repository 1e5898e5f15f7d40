"""Enquiries from the contact form (their consents are records of the consent service)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db
from ..personal_data import NOT_PERSONAL, Holder, personal

FORM_METHOD = "contact-form"  # how a consent given with an enquiry was given


def _enquiry(category, depersonalise="erase", **extra):
    return personal(
        category,
        "enquiry",
        "consent",
        "enquiry",
        depersonalise,
        recipients=("operator-mailbox",),
        **extra,
    )


class Enquiry(db.Model):
    """One message sent with the contact form: only what the policy names, no IP or browser."""

    __tablename__ = "enquiry"
    # Never reuse an id, even after the newest enquiries are destroyed: mail refs
    # ("enquiry:12") and the numbers in the operator's mailbox must keep meaning one enquiry.
    __table_args__ = {"sqlite_autoincrement": True}
    __personal__ = Holder(
        kind="enquiry",
        mailbox_column="mailbox_key",
        section="enquiries",
        export=("id", "created_at", "name", "email", "phone", "message", "language", "status"),
        derived=("mailbox_key",),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=NOT_PERSONAL)
    # Random key from the form as it was served: a replayed or double-clicked POST finds it.
    submission_key: Mapped[str] = mapped_column(sa.String(64), unique=True, info=NOT_PERSONAL)
    name: Mapped[str] = mapped_column(sa.String(100), info=_enquiry("name"))
    email: Mapped[str] = mapped_column(sa.String(254), info=_enquiry("email"))
    # qb.mailbox.mailbox_key(email): every spelling of one mailbox has the same, so limits per
    # recipient and erasure by address find them all through this index.
    mailbox_key: Mapped[str] = mapped_column(
        sa.String(254), index=True, info=_enquiry("mailbox-key")
    )
    phone: Mapped[str | None] = mapped_column(sa.String(20), info=_enquiry("phone"))
    message: Mapped[str] = mapped_column(sa.Text, info=_enquiry("message"))
    language: Mapped[str] = mapped_column(sa.String(5), info=NOT_PERSONAL)
    status: Mapped[str] = mapped_column(sa.String(20), default="new", info=NOT_PERSONAL)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True, info=NOT_PERSONAL)
    # Set while processing is suspended (blocked): no mail about it, no export shows it.
    blocked_at: Mapped[datetime | None] = mapped_column(info=NOT_PERSONAL)

    def __repr__(self):
        return f"<Enquiry {self.id}>"
