"""Operators of the console, their server-held sessions, sign-in throttles and the audit log."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db
from ..personal_data import NOT_PERSONAL, personal

# The operator's own work address is personal data of that member of staff.
OPERATOR_EMAIL = personal(
    "email",
    "console-access",
    "access-control",
    "operator-account",
    "replace",
    replacement="operator-{id}@invalid",
)

ADMIN = "admin"  # operators and settings
RESPONSIBLE = "responsible"  # the person responsible for personal data: everything
STAFF = "staff"  # reads and handles enquiries
ROLES = (ADMIN, RESPONSIBLE, STAFF)
# Roles whose sign-in needs a one-time code besides the password.
SECOND_FACTOR_ROLES = (ADMIN, RESPONSIBLE)
EVERYONE = ROLES
OVERSEERS = (ADMIN, RESPONSIBLE)  # may read the audit log


class Operator(db.Model):
    """A named person who signs in to the console. Never deleted: disabled, so that the
    audit log's operator ids keep meaning one person."""

    __tablename__ = "operator"
    __table_args__ = (sa.CheckConstraint(f"role IN {ROLES!r}", name="ck_operator_role"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=NOT_PERSONAL)
    # Lower-cased; the operator's own work address.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True, info=OPERATOR_EMAIL)
    role: Mapped[str] = mapped_column(sa.String(12), info=NOT_PERSONAL)
    password_hash: Mapped[str] = mapped_column(sa.String(200), info=NOT_PERSONAL)
    # Base32 TOTP secret; confirmed once the operator entered a code made with it.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64), info=NOT_PERSONAL)
    totp_confirmed: Mapped[bool] = mapped_column(default=False, info=NOT_PERSONAL)
    # The last time step a code was accepted for: that code and older ones are refused.
    totp_last_step: Mapped[int] = mapped_column(sa.BigInteger, default=0, info=NOT_PERSONAL)
    active: Mapped[bool] = mapped_column(default=True, info=NOT_PERSONAL)
    language: Mapped[str] = mapped_column(sa.String(5), default="kk", info=NOT_PERSONAL)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=NOT_PERSONAL)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow, info=NOT_PERSONAL)
    last_signin_at: Mapped[datetime | None] = mapped_column(info=NOT_PERSONAL)

    @property
    def needs_second_factor(self):
        return self.role in SECOND_FACTOR_ROLES

    def __repr__(self):
        return f"<Operator {self.id} {self.role}>"


class OperatorSession(db.Model):
    """One signed-in browser. The cookie carries a random token; this row, found by the
    token's hash, is what makes it valid, so deleting the row ends the session at once."""

    __tablename__ = "operator_session"

    id: Mapped[int] = mapped_column(primary_key=True, info=NOT_PERSONAL)
    # SHA-256 (hex) of the random token in the operator's session cookie.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, info=NOT_PERSONAL)
    operator_id: Mapped[int] = mapped_column(
        sa.ForeignKey("operator.id", ondelete="CASCADE"), index=True, info=NOT_PERSONAL
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=NOT_PERSONAL)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow, info=NOT_PERSONAL)


class SigninThrottle(db.Model):
    """Failed sign-ins per account and per client address, and when the next try is heard.

    The key is a keyed hash ("account:…" or "address:…"), never the address typed or the IP.
    """

    __tablename__ = "signin_throttle"

    # A keyed hash of the account's address or the client's IP: names nobody without the
    # site's secret, and is forgotten after a day.
    key: Mapped[str] = mapped_column(sa.String(80), primary_key=True, info=NOT_PERSONAL)
    failures: Mapped[int] = mapped_column(default=0, info=NOT_PERSONAL)
    not_before: Mapped[datetime] = mapped_column(default=utcnow, info=NOT_PERSONAL)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True, info=NOT_PERSONAL)


class AuditEntry(db.Model):
    """One thing an operator did (or tried): who, when, what, which records, how many rows.

    Never the personal data itself: a person is named only by the keyed mailbox pseudonym.
    Each entry carries the hash of the one before it (`prev_id` is unique, so the chain
    cannot fork), and `flask audit verify` finds the first broken link.
    """

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True, info=NOT_PERSONAL)
    prev_id: Mapped[int | None] = mapped_column(unique=True, info=NOT_PERSONAL)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True, info=NOT_PERSONAL)
    operator_id: Mapped[int | None] = mapped_column(index=True, info=NOT_PERSONAL)
    action: Mapped[str] = mapped_column(sa.String(40), index=True, info=NOT_PERSONAL)
    # qb.mailbox.mailbox_pseudonym: a keyed hash that names nobody without the site's
    # secret, so the log holds no personal data and a destroyed person does not live on.
    person: Mapped[str | None] = mapped_column(sa.String(64), index=True, info=NOT_PERSONAL)
    record_ids: Mapped[str] = mapped_column(sa.String(500), default="", info=NOT_PERSONAL)
    rows: Mapped[int | None] = mapped_column(info=NOT_PERSONAL)
    detail: Mapped[str] = mapped_column(sa.String(200), default="", info=NOT_PERSONAL)
    prev_hash: Mapped[str] = mapped_column(sa.String(64), info=NOT_PERSONAL)
    hash: Mapped[str] = mapped_column(sa.String(64), info=NOT_PERSONAL)
