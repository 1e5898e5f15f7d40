"""Cookie and analytics consent choices, kept as proof.

Revision ID: 0004_cookie_consent
Revises: 0003_contact
Create Date: 2026-11-28
"""

revision = "0004_cookie_consent"
down_revision = "0003_contact"
branch_labels = None
depends_on = None


def upgrade():
    """Filled in by the consent feature."""


def downgrade():
    """Filled in by the consent feature."""
