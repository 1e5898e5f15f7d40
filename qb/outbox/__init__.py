"""Outgoing mail: stored with the data it belongs to, then delivered by a sender."""

from .commands import outbox as outbox_cli


def init_app(app):
    """Register `flask outbox …`; the sender threads start on demand (background.wake)."""
    app.cli.add_command(outbox_cli)
