""" "My data": a visitor proves an address by a mailed link and sees, downloads, corrects
and withdraws what the site holds for it (docs/my-data.md)."""

from . import labels
from .commands import rights as rights_cli
from .services import minutes
from .views import bp


def init_app(app):
    """Register the pages, `flask rights …` and the template helpers; check the settings."""
    app.register_blueprint(bp)
    app.cli.add_command(rights_cli)
    labels.init_app(app)
    with app.app_context():
        for name in ("RIGHTS_LINK_MINUTES", "RIGHTS_SESSION_MINUTES"):
            minutes(name)  # refuse a setting that would make every link or session end at once
