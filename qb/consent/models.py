"""The proof of each personal-data consent: what was agreed, to which text, when and how."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db
from ..personal_data import NOT_PERSONAL, Holder

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

    # Kept as proof when what it was given with is destroyed: unlinked, naming nobody.
    __personal__ = Holder(
        kind="consent",
        subject_column="subject",
        on_destroy="unlink",
        section="consents",
        export=(
            "subject",
            "purpose",
            "status",
            "method",
            "created_at",
            "language",
            "policy_revision",
            "text_version",
            "text_sha256",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=NOT_PERSONAL)
    # What the consent was given with, as "<kind>:<id>" ("enquiry:12"), like the outbox's
    # refs. Cleared when that is destroyed: the record stays as proof, naming nobody. Not
    # personal in itself: a number pointing to a row that holds the data.
    subject: Mapped[str | None] = mapped_column(sa.String(40), index=True, info=NOT_PERSONAL)
    purpose: Mapped[str] = mapped_column(sa.String(20), info=NOT_PERSONAL)
    status: Mapped[str] = mapped_column(sa.String(20), info=NOT_PERSONAL)
    # Follows the wording in every language by itself (consent.services.text_version).
    text_version: Mapped[int] = mapped_column(info=NOT_PERSONAL)
    # SHA-256 of the exact consent text shown, in the language it was shown in.
    text_sha256: Mapped[str] = mapped_column(sa.String(64), info=NOT_PERSONAL)
    policy_revision: Mapped[int] = mapped_column(info=NOT_PERSONAL)
    language: Mapped[str] = mapped_column(sa.String(5), info=NOT_PERSONAL)
    method: Mapped[str] = mapped_column(sa.String(20), info=NOT_PERSONAL)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=NOT_PERSONAL)
    # When its subject was destroyed, in UTC, and why (EXPIRED or WITHDRAWN).
    destroyed_at: Mapped[datetime | None] = mapped_column(info=NOT_PERSONAL)
    destroyed_reason: Mapped[str | None] = mapped_column(sa.String(20), info=NOT_PERSONAL)

    def __repr__(self):
        return f"<ConsentRecord {self.id} {self.purpose} {self.status}>"


class ConsentText(db.Model):
    """Each consent text ever recorded, exactly as shown, by its SHA-256: what was agreed.

    Filled by new_consent, so every record's `text_sha256` finds its text here
    (archived_text), whatever the templates, catalogues or settings say today.
    """

    __tablename__ = "consent_text"

    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True, info=NOT_PERSONAL)
    purpose: Mapped[str] = mapped_column(sa.String(20), info=NOT_PERSONAL)
    language: Mapped[str] = mapped_column(sa.String(5), info=NOT_PERSONAL)
    version: Mapped[int] = mapped_column(info=NOT_PERSONAL)
    # The operator's wording, the same for everyone: no personal data.
    text: Mapped[str] = mapped_column(sa.Text, info=NOT_PERSONAL)
    first_shown_at: Mapped[datetime] = mapped_column(default=utcnow, info=NOT_PERSONAL)

    def __repr__(self):
        return f"<ConsentText {self.purpose} {self.language} {self.version}>"
