"""Privacy: blocking, the consent-text archive, the erasure journal's table.

`blocked_at` on enquiry, newsletter_subscriber and outbox_message marks rows whose
processing is suspended (a held mail is not sent); outbox_hold lists the mailboxes (by
pseudonym) and subjects whose new mail is held too. consent_text keeps each consent text
by its SHA-256; records made before this revision find their text only if it is recorded
again with the same wording. erasure_journal is the database's copy of the erasure journal.
Every existing row is kept and stays unblocked.

Revision ID: 0008_privacy
Revises: 0007_newsletter
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_privacy"
down_revision = "0007_newsletter"
branch_labels = None
depends_on = None

BLOCKABLE = ("enquiry", "newsletter_subscriber", "outbox_message")


def upgrade():
    for table in BLOCKABLE:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("blocked_at", sa.DateTime(), nullable=True))
    op.create_table(
        "outbox_hold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("value"),
    )
    op.create_table(
        "consent_text",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("first_shown_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "erasure_journal",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=True),
        sa.Column("actor", sa.String(length=60), nullable=False),
        sa.Column("person", sa.String(length=64), nullable=True),
        sa.Column("subjects", sa.Text(), nullable=False),
        sa.Column("rows", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_erasure_journal_at", "erasure_journal", ["at"])
    op.create_index("ix_erasure_journal_person", "erasure_journal", ["person"])


def downgrade():
    """Drop them again: blocks are lifted, the archive and the journal's table go (the
    journal file stays)."""
    op.drop_index("ix_erasure_journal_person", table_name="erasure_journal")
    op.drop_index("ix_erasure_journal_at", table_name="erasure_journal")
    op.drop_table("erasure_journal")
    op.drop_table("consent_text")
    op.drop_table("outbox_hold")
    for table in BLOCKABLE:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("blocked_at")
