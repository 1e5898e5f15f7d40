"""News and offers (policy §4.2): double opt-in, one-click unsubscribe, campaigns."""

from ..signals import newsletter_requested
from .commands import newsletter as newsletter_cli
from .services import confirm_days, on_newsletter_requested
from .views import bp


def init_app(app):
    """Register the pages, `flask newsletter …`, the contact form's hand-over; check settings."""
    app.register_blueprint(bp)
    app.cli.add_command(newsletter_cli)
    # One module-level receiver for every app: connecting it again changes nothing.
    newsletter_requested.connect(on_newsletter_requested)
    with app.app_context():
        confirm_days()  # refuse a setting that would make every link expire at once
