"""Paths and configuration layers: safe defaults, then instance/config.py, then QB_* variables."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"

# Shorter keys are guessable, and every placeholder people type ("dev", "change-me") is.
MIN_SECRET_LENGTH = 32


class Config:
    """Defaults that are safe in production; secrets and hosts come from the later layers."""

    SECRET_KEY = None
    SITE_URL = "https://qauipsizbolashaq.kz"
    OPERATOR_EMAIL = "Qauipsizbolashaq@yandex.ru"
    TRUSTED_HOSTS = ["qauipsizbolashaq.kz", "www.qauipsizbolashaq.kz"]

    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE / 'qb.sqlite3'}"
    SQLITE_BUSY_TIMEOUT_MS = 15_000
    # Statement parameters may hold personal data: keep them out of error messages and logs.
    SQLALCHEMY_ENGINE_OPTIONS = {"hide_parameters": True}

    # How many reverse proxies (nginx…) stand in front and set X-Forwarded-For/-Proto.
    # 0 trusts no forwarded header; 1 for the usual nginx -> gunicorn setup.
    PROXY_COUNT = 0

    MAX_CONTENT_LENGTH = 64 * 1024
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    HSTS_MAX_AGE = 63_072_000  # two years
    STATIC_MAX_AGE = 31_536_000  # a year; static URLs carry a content hash

    BABEL_DEFAULT_LOCALE = "kk"
    BABEL_DEFAULT_TIMEZONE = "Asia/Almaty"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")

    # Render each page once per process and reuse it (the nonce is still per request).
    # Turn off while editing content so changes show without a restart.
    PAGE_CACHE = True


def load_config(app, test_config=None):
    """Fill app.config layer by layer; a test mapping replaces the file and environment layers."""
    app.config.from_object(Config)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("QB")
    else:
        app.config.from_mapping(test_config)
    check_secret_key(app)


def check_secret_key(app):
    """Refuse to run in production with a missing or guessable secret key."""
    if app.debug or app.testing:
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = "insecure-development-key"
        return
    key = app.config.get("SECRET_KEY") or ""
    if isinstance(key, bytes):
        key = key.decode("latin-1")
    if len(key) < MIN_SECRET_LENGTH:
        raise RuntimeError(
            "No usable SECRET_KEY: set QB_SECRET_KEY in the environment or SECRET_KEY in "
            "instance/config.py to a random value of at least "
            f"{MIN_SECRET_LENGTH} characters, for example the output of "
            "python -c 'import secrets; print(secrets.token_hex(32))'"
        )
