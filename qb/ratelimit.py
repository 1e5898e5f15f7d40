"""Per-client rate limits (Flask-Limiter), counted in the storage RATELIMIT_STORAGE_URI names."""

from flask.globals import request_ctx

from .extensions import limiter

# Where Flask-Limiter keeps its per-request state; only requests a limited view checked have it.
_LIMITER_STATE = "_limiter_request_context"


def init_app(app):
    """Bind the limiter, refusing counters that would not hold in production.

    One Limiter object serves the process. With several apps in one process (tests only),
    its storage and on/off switch are those of the app built last.
    """
    check_storage(app.config, app.debug or app.testing)
    limiter.init_app(app)
    _skip_unlimited_requests(app)


def check_storage(config, development):
    """Refuse in-memory counters outside development unless one process is all there is.

    Each gunicorn worker would count on its own (a limit of 5 becomes 5 per worker) and
    forget everything on restart, so the limits would not hold.
    """
    uri = config.get("RATELIMIT_STORAGE_URI") or ""
    if development or not config["RATELIMIT_ENABLED"] or config["RATELIMIT_SINGLE_PROCESS"]:
        return
    if uri.startswith("memory://"):
        raise RuntimeError(
            "Rate limits would be kept in each process's memory: set RATELIMIT_STORAGE_URI "
            "to a Redis URL such as redis://127.0.0.1:6379/0 so that all workers share them, "
            "or RATELIMIT_SINGLE_PROCESS = True if the site really runs as one process "
            "(docs/configuration.md)"
        )


def _skip_unlimited_requests(app):
    """Leave Flask-Limiter's request hooks out of requests no limited view handles.

    We set no default or application-wide limit, so its before-request check finds nothing
    to do (the decorated views check their own limits), and its after- and teardown-request
    hooks (the Retry-After and X-RateLimit headers) matter only where a limit was checked.
    Together they cost every page view about 15 µs.
    """
    before = app.before_request_funcs.get(None, [])
    before[:] = [func for func in before if not _belongs_to_limiter(func)]
    for hooks in (app.after_request_funcs, app.teardown_request_funcs):
        funcs = hooks.get(None, [])
        funcs[:] = [_when_checked(f) if _belongs_to_limiter(f) else f for f in funcs]


def _belongs_to_limiter(func):
    return getattr(func, "__self__", None) is limiter or getattr(func, "args", ())[:1] == (limiter,)


def _when_checked(hook):
    def run_if_checked(arg):
        if hasattr(request_ctx, _LIMITER_STATE):
            return hook(arg)
        return arg

    return run_if_checked
