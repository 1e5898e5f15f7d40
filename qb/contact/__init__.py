"""The contact page and its enquiry form."""

from .commands import contact as contact_cli
from .views import bp


def init_app(app):
    """Register the contact page and `flask contact …`."""
    app.register_blueprint(bp)
    app.cli.add_command(contact_cli)
