"""Public pages: home, about, services, offers; robots.txt and sitemap."""

from .views import bp


def init_app(app):
    """Register the public pages."""
    app.register_blueprint(bp)
