""" "My data": rights_link (the links mailed to prove an address, their tokens as hashes) and
rights_session (the short sessions those links open). Two new tables; nothing existing
changes, so every row survives the upgrade.

Revision ID: 0010_rights
Revises: 0009_requests
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_rights"
down_revision = "0009_requests"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rights_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=12), nullable=False),
        sa.Column("mailbox_key", sa.String(length=254), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("browser_hash", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("purpose IN ('access', 'new-email')", name="ck_rights_link_purpose"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_rights_link_mailbox", "rights_link", ["mailbox_key", "created_at"])
    op.create_index("ix_rights_link_created_at", "rights_link", ["created_at"])
    op.create_table(
        "rights_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cookie_hash", sa.String(length=64), nullable=False),
        sa.Column("mailbox_key", sa.String(length=254), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("browser_hash", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cookie_hash"),
    )
    op.create_index("ix_rights_session_expires_at", "rights_session", ["expires_at"])


def downgrade():
    op.drop_table("rights_session")
    op.drop_table("rights_link")
