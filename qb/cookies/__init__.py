"""The cookie banner: analytics consent, its cookie, the CSP it allows, and its proof."""

from flask_babel import lazy_gettext as _l

from ..console_pages import ConsolePage, add_console_page
from . import console
from .choice import build_settings
from .commands import cookies as cookies_cli
from .views import bp, read_consent


def init_app(app):
    """Check the analytics settings, register /cookies and /consent, `flask cookies …`."""
    # Checked while the app is built, so a malformed analytics id stops the start.
    settings = app.extensions["qb_cookies"] = build_settings(app.config)
    if settings.vendors:
        # With no analytics offered there is nothing to decide: page views skip the hook.
        app.before_request(read_consent)
    app.register_blueprint(bp)
    app.register_blueprint(console.bp)
    add_console_page(
        app, ConsolePage("cookies_console.chart", _l("Consent choices"), console.READERS, 70)
    )
    app.cli.add_command(cookies_cli)
    app.cli.add_command(cookies_cli, "consent")  # its name before the consent service came
