"""Outbox: mail waiting to be delivered, with its delivery state.

Revision ID: 0002_outbox
Revises: 0001_baseline
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_outbox"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade():
    """The outbox_message table and its indexes."""
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=True),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("recipient_name", sa.String(length=200), nullable=True),
        sa.Column("reply_to", sa.String(length=320), nullable=True),
        sa.Column("reply_to_name", sa.String(length=200), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=True),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed')",
            name="ck_outbox_message_status",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
        sa.UniqueConstraint("message_id"),
    )
    op.create_index("ix_outbox_message_due", "outbox_message", ["status", "next_attempt_at"])
    op.create_index("ix_outbox_message_ref", "outbox_message", ["ref"])


def downgrade():
    """Drop the table with its indexes."""
    op.drop_index("ix_outbox_message_ref", table_name="outbox_message")
    op.drop_index("ix_outbox_message_due", table_name="outbox_message")
    op.drop_table("outbox_message")
