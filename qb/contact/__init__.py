"""The contact page and its enquiry form."""

from flask_babel import lazy_gettext as _l

from ..console_pages import ConsolePage, add_console_page
from . import console
from .commands import contact as contact_cli
from .views import bp


def init_app(app):
    """Register the contact page, its console pages and `flask contact …`."""
    app.register_blueprint(bp)
    app.register_blueprint(console.bp)
    app.cli.add_command(contact_cli)
    add_console_page(
        app, ConsolePage("contact_console.enquiries", _l("Enquiries"), console.READERS, 10)
    )
    add_console_page(
        app, ConsolePage("contact_console.chart", _l("Enquiries per week"), console.READERS, 60)
    )
