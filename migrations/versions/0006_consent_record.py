"""Personal-data consent records become the consent service's: named by a subject, any kind.

The table enquiry_consent becomes consent_record; its enquiry_id becomes subject
("enquiry:<id>", as the outbox names rows), so that the newsletter and "my data" can
record consents too. Every row is kept; unlinked records stay unlinked.

Revision ID: 0006_consent_record
Revises: 0005_mailbox_key
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_consent_record"
down_revision = "0005_mailbox_key"
branch_labels = None
depends_on = None


def upgrade():
    """Rename the table, copy each link into subject, drop the foreign key column."""
    op.drop_index("ix_enquiry_consent_enquiry_id", table_name="enquiry_consent")
    op.rename_table("enquiry_consent", "consent_record")
    op.add_column("consent_record", sa.Column("subject", sa.String(40), nullable=True))
    op.execute(
        "UPDATE consent_record SET subject = 'enquiry:' || CAST(enquiry_id AS VARCHAR(20)) "
        "WHERE enquiry_id IS NOT NULL"
    )
    # SQLite drops a column only by rebuilding the table; the rebuild copies every row.
    with op.batch_alter_table("consent_record", recreate="auto") as batch:
        if op.get_bind().dialect.name != "sqlite":
            batch.drop_constraint("enquiry_consent_enquiry_id_fkey", type_="foreignkey")
        batch.drop_column("enquiry_id")
    op.create_index("ix_consent_record_subject", "consent_record", ["subject"])


def downgrade():
    """Back to enquiry_consent with enquiry_id (subjects of other kinds are left unlinked)."""
    op.drop_index("ix_consent_record_subject", table_name="consent_record")
    with op.batch_alter_table("consent_record") as batch:
        batch.add_column(sa.Column("enquiry_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE consent_record SET enquiry_id = CAST(SUBSTR(subject, 9) AS INTEGER) "
        "WHERE subject LIKE 'enquiry:%'"
    )
    with op.batch_alter_table("consent_record") as batch:
        batch.drop_column("subject")
        batch.create_foreign_key(
            "enquiry_consent_enquiry_id_fkey",
            "enquiry",
            ["enquiry_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.rename_table("consent_record", "enquiry_consent")
    op.create_index("ix_enquiry_consent_enquiry_id", "enquiry_consent", ["enquiry_id"])
