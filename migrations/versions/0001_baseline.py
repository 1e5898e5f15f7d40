"""Baseline: an empty schema that every later migration builds on.

Revision ID: 0001_baseline
Revises:
Create Date: 2026-11-28
"""

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    """Nothing to create yet: each feature adds its own tables in its own revision."""


def downgrade():
    """Nothing to drop."""
