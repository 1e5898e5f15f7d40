"""The contact page and its enquiry form."""

from .commands import contact as contact_cli
from .views import bp


def init_app(app):
    """Register the contact page, `flask contact …`, and say what the settings lack."""
    app.register_blueprint(bp)
    app.cli.add_command(contact_cli)
    if not app.config.get("OPERATOR_BIN") and not (app.debug or app.testing):
        app.logger.warning(
            "OPERATOR_BIN is not set: the consent text of the contact form omits the BIN "
            "that Law 94-V Art. 8(4) asks for (docs/configuration.md)"
        )
