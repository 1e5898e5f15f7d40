"""News and offers (policy §4.2): double opt-in, one-click unsubscribe, campaigns."""

from flask_babel import lazy_gettext as _l

from ..console_pages import ConsolePage, add_console_page
from ..signals import newsletter_requested
from . import console
from .commands import newsletter as newsletter_cli
from .services import confirm_days, on_newsletter_requested
from .views import bp


def init_app(app):
    """Register the pages, `flask newsletter …`, the contact form's hand-over; check settings."""
    app.register_blueprint(bp)
    app.register_blueprint(console.bp)
    for endpoint, title, order in (
        ("newsletter_console.subscribers", _l("Subscribers"), 30),
        ("newsletter_console.chart", _l("Subscribers over time"), 65),
    ):
        add_console_page(app, ConsolePage(endpoint, title, console.READERS, order))
    app.cli.add_command(newsletter_cli)
    # One module-level receiver for every app: connecting it again changes nothing.
    newsletter_requested.connect(on_newsletter_requested)
    with app.app_context():
        confirm_days()  # refuse a setting that would make every link expire at once
