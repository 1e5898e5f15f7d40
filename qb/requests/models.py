"""The request register: what people asked about their personal data, and the calendar's
overrides. The register holds ids, kinds, times and statuses, never a copy of the data."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, synonym

from ..clock import utcnow
from ..extensions import db
from ..personal_data import NOT_PERSONAL

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
    """One request from a person about their personal data, from arrival to its answer.

    Every column is NOT_PERSONAL: ids, kinds, times, statuses, actor strings, the mailbox
    pseudonym (a keyed hash, below) and short texts the operator writes without personal
    data (docs/requests.md). So the register survives an erasure, as the proof that the
    request was handled, and has no `__personal__` holder: the engine never exports it.
    """

    __tablename__ = "data_request"
    # Never reuse an id: the numbers in the operator's letters must keep meaning one request.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True, info=NOT_PERSONAL)
    kind: Mapped[str] = mapped_column(sa.String(20), info=NOT_PERSONAL)
    channel: Mapped[str] = mapped_column(sa.String(20), info=NOT_PERSONAL)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True, info=NOT_PERSONAL)
    # How the requester's identity was checked ("link mailed to the address", "signed
    # letter"): a description of the method, never the document itself.
    identity_check: Mapped[str] = mapped_column(sa.String(200), info=NOT_PERSONAL)
    # qb.mailbox.mailbox_pseudonym of the requester's mailbox: a keyed hash that names nobody
    # without the site's secret, so the register can find one person's requests and still
    # holds no personal data; NULL when the request came without an address (a phone call).
    mailbox_pseudonym: Mapped[str | None] = mapped_column(
        sa.String(64), index=True, info=NOT_PERSONAL
    )
    status: Mapped[str] = mapped_column(
        sa.String(20), default=RECEIVED, index=True, info=NOT_PERSONAL
    )
    refusal_reason: Mapped[str | None] = mapped_column(sa.String(500), info=NOT_PERSONAL)
    # The legal deadline: the end of its last day in Kazakhstan time, stored in UTC.
    due_at: Mapped[datetime] = mapped_column(index=True, info=NOT_PERSONAL)
    entered_by: Mapped[str] = mapped_column(sa.String(80), info=NOT_PERSONAL)  # an actor string
    verified_at: Mapped[datetime | None] = mapped_column(info=NOT_PERSONAL)
    verified_by: Mapped[str | None] = mapped_column(sa.String(80), info=NOT_PERSONAL)
    closed_at: Mapped[datetime | None] = mapped_column(info=NOT_PERSONAL)
    closed_by: Mapped[str | None] = mapped_column(sa.String(80), info=NOT_PERSONAL)
    # What was done, in a few words and without personal data ("3 enquiries destroyed").
    outcome: Mapped[str | None] = mapped_column(sa.String(500), info=NOT_PERSONAL)
    note: Mapped[str | None] = mapped_column(sa.String(500), info=NOT_PERSONAL)

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

    day: Mapped[date] = mapped_column(primary_key=True, info=NOT_PERSONAL)
    is_working: Mapped[bool] = mapped_column(info=NOT_PERSONAL)
    note: Mapped[str] = mapped_column(sa.String(200), default="", info=NOT_PERSONAL)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, info=NOT_PERSONAL)
    changed_by: Mapped[str] = mapped_column(sa.String(80), info=NOT_PERSONAL)

    def __repr__(self):
        return f"<WorkdayOverride {self.day} {'working' if self.is_working else 'day off'}>"
