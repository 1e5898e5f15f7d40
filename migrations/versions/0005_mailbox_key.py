"""Each enquiry's mailbox key, so every spelling of one address is found through one index.

Revision ID: 0005_mailbox_key
Revises: 0004_cookie_consent
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from qb.mailbox import mailbox_key

revision = "0005_mailbox_key"
down_revision = "0004_cookie_consent"
branch_labels = None
depends_on = None

# Rows updated per statement while filling in the keys of the enquiries already stored.
BATCH = 500

enquiry = sa.table(
    "enquiry", sa.column("id", sa.Integer), sa.column("email"), sa.column("mailbox_key")
)


def upgrade():
    """Add enquiry.mailbox_key, fill it for every stored enquiry, and index it."""
    # NOT NULL on a table with rows needs a default while the column is added. SQLite cannot
    # drop it afterwards without rebuilding the table, and dropping the old table in such a
    # rebuild would clear every consent record's link (ON DELETE SET NULL), so on SQLite the
    # empty default stays. The application always sets the key itself.
    op.add_column(
        "enquiry",
        sa.Column("mailbox_key", sa.String(length=254), nullable=False, server_default=""),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(enquiry.c.id, enquiry.c.email).order_by(enquiry.c.id))
    keys = [{"row_id": row_id, "key": mailbox_key(email)} for row_id, email in rows]
    fill = (
        sa.update(enquiry)
        .where(enquiry.c.id == sa.bindparam("row_id"))
        .values(mailbox_key=sa.bindparam("key"))
    )
    for start in range(0, len(keys), BATCH):
        connection.execute(fill, keys[start : start + BATCH])
    if connection.dialect.name != "sqlite":
        op.alter_column("enquiry", "mailbox_key", server_default=None)
    op.create_index("ix_enquiry_mailbox_key", "enquiry", ["mailbox_key"])


def downgrade():
    """Drop the index and the column."""
    op.drop_index("ix_enquiry_mailbox_key", table_name="enquiry")
    op.drop_column("enquiry", "mailbox_key")
