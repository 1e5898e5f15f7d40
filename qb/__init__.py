"""The qb application factory."""

from importlib import import_module

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import assets, cli, database, errors, i18n, logs, operator, ratelimit, security
from .config import INSTANCE, ROOT, load_config
from .extensions import babel, csrf
from .sessions import LazySessionInterface

# Shared services first (they own no URL), then the features; each package's init_app
# registers its blueprint, its `flask` command group and its hooks (docs/architecture.md).
FEATURES = (
    "outbox",
    "privacy",
    "requests",
    "operators",
    "pages",
    "policy",
    "contact",
    "cookies",
    "newsletter",
    "rights",
    "console",
)


def create_app(test_config=None):
    """Build the site: paths, configuration layers, extensions, features."""
    app = Flask(
        __name__,
        instance_path=str(INSTANCE),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    load_config(app, test_config)
    operator.init_app(app)
    logs.init_app(app)
    app.session_interface = LazySessionInterface()

    database.init_app(app)
    babel.init_app(app, locale_selector=i18n.current_language)
    csrf.init_app(app)
    ratelimit.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    for name in FEATURES:
        import_module(f"{__name__}.{name}").init_app(app)
    if proxies := int(app.config["PROXY_COUNT"]):
        # Outermost, so every layer inside sees the scheme and client the proxy reported.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    return app
