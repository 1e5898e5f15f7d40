"""The qb application factory."""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import assets, cli, database, errors, i18n, logs, ratelimit, security
from .config import INSTANCE, ROOT, load_config
from .extensions import babel, csrf, mail
from .sessions import LazySessionInterface


def create_app(test_config=None):
    """Build the site: paths, configuration layers, extensions, blueprints, commands."""
    app = Flask(
        __name__,
        instance_path=str(INSTANCE),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    load_config(app, test_config)
    logs.init_app(app)
    app.session_interface = LazySessionInterface()

    database.init_app(app)
    babel.init_app(app, locale_selector=i18n.current_language)
    csrf.init_app(app)
    ratelimit.init_app(app)
    mail.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    errors.init_app(app)
    register_blueprints(app)
    cli.init_app(app)
    register_commands(app)
    if proxies := int(app.config["PROXY_COUNT"]):
        # Outermost, so every layer inside sees the scheme and client the proxy reported.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    return app


def register_commands(app):
    """Attach the features' `flask` command groups."""
    from .consent.commands import consent as consent_cli
    from .contact.commands import contact as contact_cli
    from .outbox.commands import outbox as outbox_cli

    app.cli.add_command(consent_cli)
    app.cli.add_command(contact_cli)
    app.cli.add_command(outbox_cli)


def register_blueprints(app):
    """Attach the feature blueprints."""
    from .consent.views import bp as consent_bp
    from .contact.views import bp as contact_bp
    from .pages.views import bp as pages_bp
    from .policy.views import bp as policy_bp

    app.register_blueprint(pages_bp)
    app.register_blueprint(policy_bp)
    app.register_blueprint(contact_bp)
    app.register_blueprint(consent_bp)
