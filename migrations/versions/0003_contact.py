"""Enquiries from the contact form and the consents given with them.

Revision ID: 0003_contact
Revises: 0002_outbox
Create Date: 2026-11-28
"""

revision = "0003_contact"
down_revision = "0002_outbox"
branch_labels = None
depends_on = None


def upgrade():
    """Filled in by the contact feature."""


def downgrade():
    """Filled in by the contact feature."""
