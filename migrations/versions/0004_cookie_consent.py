"""Cookie and analytics consent choices, kept as proof.

Revision ID: 0004_cookie_consent
Revises: 0003_contact
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_cookie_consent"
down_revision = "0003_contact"
branch_labels = None
depends_on = None


def upgrade():
    """The cookie_consent table and its two indexes."""
    op.create_table(
        "cookie_consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consent_id", sa.String(length=22), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("granted", sa.String(length=64), nullable=False),
        sa.Column("refused", sa.String(length=64), nullable=False),
        sa.Column("policy_revision", sa.Integer(), nullable=False),
        sa.Column("banner_version", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_cookie_consent_consent_id", "cookie_consent", ["consent_id"])
    op.create_index("ix_cookie_consent_recorded_at", "cookie_consent", ["recorded_at"])


def downgrade():
    """Drop the table and its indexes."""
    op.drop_index("ix_cookie_consent_recorded_at", table_name="cookie_consent")
    op.drop_index("ix_cookie_consent_consent_id", table_name="cookie_consent")
    op.drop_table("cookie_consent")
