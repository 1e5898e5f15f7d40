"""The request register: what people asked about their personal data, and the calendar's
overrides. The register holds ids, kinds, times and statuses, never a copy of the data."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, synonym

from ..clock import utcnow
from ..extensions import db

# What was asked (Law 94-V Art. 24(1), 8(2); Digital Code Art. 41).
ACCESS = "access"
CORRECTION = "correction"
WITHDRAWAL = "withdrawal"
DELETION = "deletion"
BLOCKING = "blocking"
UNSUBSCRIBE = "unsubscribe"
QUESTION = "question"
KINDS = (ACCESS, CORRECTION, WITHDRAWAL, DELETION, BLOCKING, UNSUBSCRIBE, QUESTION)

# How it arrived: any channel that lets receipt be confirmed counts (Art. 8(1)); an e-mail
# without the policy's subject lines is as valid as one with them.
SELF_SERVICE = "self-service"
EMAIL = "email"  # e-mail in any wording
EMAIL_SUBJECT = "email-subject"  # e-mail with the subject line the policy suggests
LETTER = "letter"
PHONE = "phone"
CHANNELS = (SELF_SERVICE, EMAIL, EMAIL_SUBJECT, LETTER, PHONE)

RECEIVED = "received"
VERIFIED = "verified"  # the requester's identity is checked (Art. 10(2))
DONE = "done"
REFUSED = "refused"  # with a reason (Art. 8(7): a reasoned refusal)
OPEN_STATUSES = (RECEIVED, VERIFIED)
CLOSED_STATUSES = (DONE, REFUSED)
STATUSES = OPEN_STATUSES + CLOSED_STATUSES


class DataRequest(db.Model):
    """One request from a person about their personal data, from arrival to its answer."""

    __tablename__ = "data_request"
    # Never reuse an id: the numbers in the operator's letters must keep meaning one request.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    channel: Mapped[str] = mapped_column(sa.String(20))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # How the requester's identity was checked ("link mailed to the address", "signed
    # letter"): a description of the method, never the document itself.
    identity_check: Mapped[str] = mapped_column(sa.String(200))
    # qb.mailbox.mailbox_pseudonym of the requester's mailbox: a keyed hash that names nobody
    # without the site's secret, so the register can find one person's requests and still
    # holds no personal data; NULL when the request came without an address (a phone call).
    mailbox_pseudonym: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default=RECEIVED, index=True)
    refusal_reason: Mapped[str | None] = mapped_column(sa.String(500))
    # The legal deadline: the end of its last day in Kazakhstan time, stored in UTC.
    due_at: Mapped[datetime] = mapped_column(index=True)
    entered_by: Mapped[str] = mapped_column(sa.String(80))  # an actor string
    verified_at: Mapped[datetime | None] = mapped_column()
    verified_by: Mapped[str | None] = mapped_column(sa.String(80))
    closed_at: Mapped[datetime | None] = mapped_column()
    closed_by: Mapped[str | None] = mapped_column(sa.String(80))
    # What was done, in a few words and without personal data ("3 enquiries destroyed").
    outcome: Mapped[str | None] = mapped_column(sa.String(500))
    note: Mapped[str | None] = mapped_column(sa.String(500))

    person = synonym("mailbox_pseudonym")

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    def is_overdue(self, now):
        return self.is_open and now > self.due_at

    def __repr__(self):
        return f"<DataRequest {self.id} {self.kind} {self.status}>"


class WorkdayOverride(db.Model):
    """The operator's word on one date the calendar library gets wrong or does not know yet:
    a transfer decree, the announced date of Kurban Ait. It wins over the library."""

    __tablename__ = "workday_override"

    day: Mapped[date] = mapped_column(primary_key=True)
    is_working: Mapped[bool] = mapped_column()
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by: Mapped[str] = mapped_column(sa.String(80))

    def __repr__(self):
        return f"<WorkdayOverride {self.day} {'working' if self.is_working else 'day off'}>"
