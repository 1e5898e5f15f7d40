"""The request register: data_request (what people asked about their personal data, with
its legal deadline) and workday_override (the operator's corrections to the calendar of
Kazakhstan working days). Two new tables; nothing existing changes.

Revision ID: 0009_requests
Revises: 0008_privacy
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_requests"
down_revision = "0008_privacy"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "data_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("identity_check", sa.String(length=200), nullable=False),
        sa.Column("mailbox_pseudonym", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("refusal_reason", sa.String(length=500), nullable=True),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("entered_by", sa.String(length=80), nullable=False),
        sa.Column("verified_at", sa.DateTime(), nullable=True),
        sa.Column("verified_by", sa.String(length=80), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=80), nullable=True),
        sa.Column("outcome", sa.String(length=500), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    for column in ("received_at", "mailbox_pseudonym", "status", "due_at"):
        op.create_index(f"ix_data_request_{column}", "data_request", [column])
    op.create_table(
        "workday_override",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_working", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )


def downgrade():
    op.drop_table("workday_override")
    for column in ("received_at", "mailbox_pseudonym", "status", "due_at"):
        op.drop_index(f"ix_data_request_{column}", table_name="data_request")
    op.drop_table("data_request")
