"""The personal-data policy at /politika: its text per language and its revision."""

from .views import bp


def init_app(app):
    """Register /politika."""
    app.register_blueprint(bp)
