"""The operator console: operators, their sessions, sign-in throttles, the audit log, the
breach register, and the indexes the console's lists need.

The enquiry list pages by (status, id) and the subscriber list by id (keyset pagination);
searching by address uses the existing mailbox_key indexes. On PostgreSQL the enquiry
messages and names get trigram indexes (pg_trgm) so that a text search stays interactive, and the
audit log refuses UPDATE and DELETE by a trigger. Nothing existing is changed or lost.

Revision ID: 0011_console
Revises: 0010_rights
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_console"
down_revision = "0010_rights"
branch_labels = None
depends_on = None

APPEND_ONLY = """
CREATE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql
"""


def upgrade():
    op.create_table(
        "operator",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("totp_secret", sa.String(64)),
        sa.Column("totp_confirmed", sa.Boolean, nullable=False),
        sa.Column("totp_last_step", sa.BigInteger, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("password_changed_at", sa.DateTime, nullable=False),
        sa.Column("last_signin_at", sa.DateTime),
        sa.CheckConstraint("role IN ('admin', 'responsible', 'staff')", name="ck_operator_role"),
    )
    op.create_table(
        "operator_session",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column(
            "operator_id",
            sa.Integer,
            sa.ForeignKey("operator.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "signin_throttle",
        sa.Column("key", sa.String(80), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("not_before", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False, index=True),
    )
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("prev_id", sa.Integer, unique=True),
        sa.Column("at", sa.DateTime, nullable=False, index=True),
        sa.Column("operator_id", sa.Integer, index=True),
        sa.Column("action", sa.String(40), nullable=False, index=True),
        sa.Column("person", sa.String(64), index=True),
        sa.Column("record_ids", sa.String(500), nullable=False),
        sa.Column("rows", sa.Integer),
        sa.Column("detail", sa.String(200), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "breach_incident",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("detected_at", sa.DateTime, nullable=False, index=True),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("recorded_by", sa.Integer, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("measures", sa.Text, nullable=False),
        sa.Column("notice_due_at", sa.DateTime, nullable=False),
        sa.Column("notified_at", sa.DateTime),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_enquiry_status_id", "enquiry", ["status", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in ("message", "name"):
            op.execute(
                f"CREATE INDEX ix_enquiry_{column}_trgm ON enquiry "
                f"USING gin ({column} gin_trgm_ops)"
            )
        op.execute(APPEND_ONLY)
        op.execute(
            "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
            "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_entry_append_only ON audit_entry")
        op.execute("DROP FUNCTION audit_entry_append_only()")
        op.execute("DROP INDEX ix_enquiry_message_trgm")
        op.execute("DROP INDEX ix_enquiry_name_trgm")
    op.drop_index("ix_enquiry_status_id", "enquiry")
    for table in ("breach_incident", "audit_entry", "signin_throttle", "operator_session"):
        op.drop_table(table)
    op.drop_table("operator")
