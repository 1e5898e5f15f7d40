"""Outgoing mail: stored with the data it belongs to, then delivered by a sender."""

from .commands import outbox as outbox_cli
from .signing import check_settings


def init_app(app):
    """Register `flask outbox …` and check the DKIM settings; the sender threads start on
    demand (background.wake)."""
    check_settings(app.config)
    app.cli.add_command(outbox_cli)
