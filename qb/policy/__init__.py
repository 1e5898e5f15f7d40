"""The personal-data policy at /politika: its text per language, its revision, and the
earlier revisions with what each changed."""

from .commands import policy as policy_cli
from .views import bp


def init_app(app):
    """Register /politika, its earlier revisions and `flask policy …`."""
    app.register_blueprint(bp)
    app.cli.add_command(policy_cli)
