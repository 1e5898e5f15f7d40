"""What "my data" keeps while a visitor proves an address and looks at their data: the links
mailed (their tokens only as hashes) and the short sessions those links open."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db
from ..personal_data import NOT_PERSONAL, personal

# What a link is for: it opens that page and no other.
ACCESS = "access"  # the person's data (a session)
NEW_EMAIL = "new-email"  # proof of a new address the person asked to use instead
PURPOSES = (ACCESS, NEW_EMAIL)


def _proof(category, *recipients):
    """A personal column of "my data": kept only while the address is being proven.

    Links and sessions are no Holder of their own: they hold no data about the person
    beyond the address being proven, and are destroyed within a day by themselves.
    """
    return personal(category, "my-data", "request", "my-data", "erase", recipients=recipients)


class RightsLink(db.Model):
    """One mailed link: single use, short-lived, tied to the browser that asked for it.

    Rows are kept a day after they were made, so that the links mailed to one mailbox can be
    counted (RIGHTS_LINKS_PER_MAILBOX), and then destroyed.
    """

    __tablename__ = "rights_link"
    __table_args__ = (
        sa.CheckConstraint(f"purpose IN {PURPOSES!r}", name="ck_rights_link_purpose"),
        sa.Index("ix_rights_link_mailbox", "mailbox_key", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=NOT_PERSONAL)
    # SHA-256 (hex) of the link's random token; the token itself is only mailed.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, info=NOT_PERSONAL)
    purpose: Mapped[str] = mapped_column(sa.String(12), info=NOT_PERSONAL)
    # The person (qb.mailbox.mailbox_key) whose data the link opens or whose address changes.
    mailbox_key: Mapped[str] = mapped_column(sa.String(254), info=_proof("mailbox-key"))
    # Where the link was mailed: the address asked with, or the new address to prove.
    email: Mapped[str] = mapped_column(sa.String(254), info=_proof("email", "recipient-mailbox"))
    # SHA-256 of the random browser cookie set when the link was asked for.
    browser_hash: Mapped[str] = mapped_column(sa.String(64), info=NOT_PERSONAL)
    language: Mapped[str] = mapped_column(sa.String(5), info=NOT_PERSONAL)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True, info=NOT_PERSONAL)
    expires_at: Mapped[datetime] = mapped_column(info=NOT_PERSONAL)
    used_at: Mapped[datetime | None] = mapped_column(info=NOT_PERSONAL)

    def __repr__(self):
        return f"<RightsLink {self.id} {self.purpose}>"


class RightsSession(db.Model):
    """A "my data" session, opened by one link, ended by logout or by its time."""

    __tablename__ = "rights_session"

    id: Mapped[int] = mapped_column(primary_key=True, info=NOT_PERSONAL)
    # SHA-256 of the random id in the session cookie; the id itself is only in the cookie.
    cookie_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, info=NOT_PERSONAL)
    mailbox_key: Mapped[str] = mapped_column(sa.String(254), info=_proof("mailbox-key"))
    # The address the link was mailed to and opened from: receipts go to it.
    email: Mapped[str] = mapped_column(sa.String(254), info=_proof("email", "recipient-mailbox"))
    # The browser the link was bound to; a new-address link must be opened there too.
    browser_hash: Mapped[str] = mapped_column(sa.String(64), info=NOT_PERSONAL)
    language: Mapped[str] = mapped_column(sa.String(5), info=NOT_PERSONAL)
    link_id: Mapped[int | None] = mapped_column(info=NOT_PERSONAL)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=NOT_PERSONAL)
    expires_at: Mapped[datetime] = mapped_column(index=True, info=NOT_PERSONAL)

    def __repr__(self):
        return f"<RightsSession {self.id}>"
