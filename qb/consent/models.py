"""The proof of each personal-data consent: what was agreed, to which text, when and how."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db

# Purposes, each with its own text (templates/consent/<purpose>.html).
ENQUIRY = "enquiry"
NEWSLETTER = "newsletter"
PURPOSES = (ENQUIRY, NEWSLETTER)
# Statuses: agreed, or asked for but not yet confirmed (newsletter double opt-in).
GIVEN = "given"
PENDING = "pending"
# Why a record's subject was destroyed: its retention period ended, or the person withdrew
# consent or asked for deletion.
EXPIRED = "expired"
WITHDRAWN = "withdrawn"


class ConsentRecord(db.Model):
    """One consent: which text (by hash) under which policy revision, when, how, for what."""

    __tablename__ = "consent_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the consent was given with, as "<kind>:<id>" ("enquiry:12"), like the outbox's
    # refs. Cleared when that is destroyed: the record stays as proof, naming nobody.
    subject: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20))
    # Follows the wording in every language by itself (consent.services.text_version).
    text_version: Mapped[int]
    # SHA-256 of the exact consent text shown, in the language it was shown in.
    text_sha256: Mapped[str] = mapped_column(sa.String(64))
    policy_revision: Mapped[int]
    language: Mapped[str] = mapped_column(sa.String(5))
    method: Mapped[str] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When its subject was destroyed, in UTC, and why (EXPIRED or WITHDRAWN).
    destroyed_at: Mapped[datetime | None]
    destroyed_reason: Mapped[str | None] = mapped_column(sa.String(20))

    def __repr__(self):
        return f"<ConsentRecord {self.id} {self.purpose} {self.status}>"
