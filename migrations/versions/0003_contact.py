"""Enquiries from the contact form and the consents given with them.

Revision ID: 0003_contact
Revises: 0002_outbox
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_contact"
down_revision = "0002_outbox"
branch_labels = None
depends_on = None


def upgrade():
    """Create the enquiry and enquiry_consent tables."""
    op.create_table(
        "enquiry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("submission_key"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_enquiry_created_at", "enquiry", ["created_at"])
    op.create_table(
        "enquiry_consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enquiry_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("text_version", sa.Integer(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("policy_revision", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("destroyed_at", sa.DateTime(), nullable=True),
        sa.Column("destroyed_reason", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(["enquiry_id"], ["enquiry.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_enquiry_consent_enquiry_id", "enquiry_consent", ["enquiry_id"])


def downgrade():
    """Drop them, consents first."""
    op.drop_index("ix_enquiry_consent_enquiry_id", table_name="enquiry_consent")
    op.drop_table("enquiry_consent")
    op.drop_index("ix_enquiry_created_at", table_name="enquiry")
    op.drop_table("enquiry")
