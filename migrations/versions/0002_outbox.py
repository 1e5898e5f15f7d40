"""Outbox: mail waiting to be delivered, with its delivery state.

Revision ID: 0002_outbox
Revises: 0001_baseline
Create Date: 2026-11-28
"""

revision = "0002_outbox"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade():
    """Filled in by the outbox feature."""


def downgrade():
    """Filled in by the outbox feature."""
