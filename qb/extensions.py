"""Extension objects, created unbound; create_app binds them with init_app."""

from flask import current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect as _CSRFProtect


class CSRFProtect(_CSRFProtect):
    """Flask-WTF's CSRF protection, returning at once for safe methods such as GET.

    Flask-WTF 1.3 looks up view exemptions before it looks at the method, which costs
    every page view more than the rest of our own request handling.
    """

    def protect(self, apply_exemptions=False):
        if request.method in current_app.config["WTF_CSRF_METHODS"]:
            super().protect(apply_exemptions)


db = SQLAlchemy()
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
# Keyed by client address: behind a proxy, PROXY_COUNT makes that the real client's.
limiter = Limiter(get_remote_address)
