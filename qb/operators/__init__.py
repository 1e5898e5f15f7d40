"""Operators of the console and its audit log (a shared service: it owns no URL).

Operators (models.Operator) sign in with an Argon2id password (passwords) and, for admin and
responsible, a one-time code (totp); their sessions are rows (sessions), throttled on failure
(throttle). Every console view of any feature wears `access.console_required(role, …)`, and
records what it did with `audit.record(...)` in its own transaction. The log and the
operators are one service because each needs the other: sign-ins, role changes and refused
pages are logged, and the log names operators.
"""

from . import access
from .commands import audit_cli, operators


def init_app(app):
    """Flask-Login over the server-held sessions; `flask operators …` and `flask audit …`."""
    access.init_app(app)
    app.cli.add_command(operators)
    app.cli.add_command(audit_cli)
