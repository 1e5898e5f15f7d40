"""Operators of the console, their server-held sessions, sign-in throttles and the audit log."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db

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

    id: Mapped[int] = mapped_column(primary_key=True)
    # Lower-cased; the operator's own work address.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    role: Mapped[str] = mapped_column(sa.String(12))
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    # Base32 TOTP secret; confirmed once the operator entered a code made with it.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_confirmed: Mapped[bool] = mapped_column(default=False)
    # The last time step a code was accepted for: that code and older ones are refused.
    totp_last_step: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str] = mapped_column(sa.String(5), default="kk")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_signin_at: Mapped[datetime | None]

    @property
    def needs_second_factor(self):
        return self.role in SECOND_FACTOR_ROLES

    def __repr__(self):
        return f"<Operator {self.id} {self.role}>"


class OperatorSession(db.Model):
    """One signed-in browser. The cookie carries a random token; this row, found by the
    token's hash, is what makes it valid, so deleting the row ends the session at once."""

    __tablename__ = "operator_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 (hex) of the random token in the operator's session cookie.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    operator_id: Mapped[int] = mapped_column(
        sa.ForeignKey("operator.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class SigninThrottle(db.Model):
    """Failed sign-ins per account and per client address, and when the next try is heard.

    The key is a keyed hash ("account:…" or "address:…"), never the address typed or the IP.
    """

    __tablename__ = "signin_throttle"

    key: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class AuditEntry(db.Model):
    """One thing an operator did (or tried): who, when, what, which records, how many rows.

    Never the personal data itself: a person is named only by the keyed mailbox pseudonym.
    Each entry carries the hash of the one before it (`prev_id` is unique, so the chain
    cannot fork), and `flask audit verify` finds the first broken link.
    """

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(unique=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    operator_id: Mapped[int | None] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(sa.String(40), index=True)
    person: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    record_ids: Mapped[str] = mapped_column(sa.String(500), default="")
    rows: Mapped[int | None]
    detail: Mapped[str] = mapped_column(sa.String(200), default="")
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))
