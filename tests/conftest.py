"""Shared fixtures: a fresh app and database per test, its client and CLI runner."""

import os
from pathlib import Path

import pytest
from flask import Blueprint, abort, request, session

from qb import create_app
from qb.extensions import db
from qb.i18n import LANGUAGES, localized_route
from qb.outbox import background

from .smtp import hanging_smtp_server, smtp_server  # noqa: F401 - fixtures for every test module

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "templates" / "content"
OFFER_SLUGS = sorted(p.stem for p in (CONTENT / "kk" / "offers").glob("*.md"))
PAGES = ["/", "/about", "/services", "/offers", "/contact", "/politika", "/cookies"] + [
    f"/offers/{slug}" for slug in OFFER_SLUGS
]


def localized(path, lang):
    """The same page's path in another language."""
    return path if lang == "kk" else f"/{lang}{path}"


ALL_PAGES = [localized(path, lang) for lang in LANGUAGES for path in PAGES]


def test_settings(tmp_path, **overrides):
    """The mapping tests give create_app, with a throwaway SQLite file."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "TRUSTED_HOSTS": ["localhost", "127.0.0.1"],
        "SITE_URL": "https://qauipsizbolashaq.kz",
        # Mail: .eml files under tmp_path, no background sender unless a test turns it on.
        "OUTBOX_EML_DIR": str(tmp_path / "mail"),
        "OUTBOX_BACKGROUND": False,
        **overrides,
    }


test_settings.__test__ = False  # a helper, not a test

# Both analytics vendors configured, with a consent cookie that plain http keeps.
ANALYTICS_SETTINGS = {
    "GA_MEASUREMENT_ID": "G-TEST12345",
    "YANDEX_METRICA_ID": "12345678",
    "CONSENT_COOKIE_NAME": "qb_consent",
    "CONSENT_COOKIE_SECURE": False,
}


@pytest.fixture
def make_app(tmp_path):
    """Build apps with extra settings; their database connections are closed afterwards."""
    made = []

    def make(**overrides):
        made.append(create_app(test_settings(tmp_path, **overrides)))
        return made[-1]

    yield make
    for app in made:
        background.stop(app, timeout=30)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()

    # Routes that only exist in tests; the abort route in every language, to reach every
    # error page in every language.
    testing = Blueprint("testing", __name__)

    @localized_route(testing, "/_test/abort/<int:code>")
    def abort_with(code):
        abort(code)

    app.register_blueprint(testing)

    @app.post("/_test/form")
    def form():
        return str(len(request.form))

    @app.get("/_test/session/<value>")
    def remember(value):
        session["value"] = value
        return "ok"

    @app.get("/_test/session")
    def recall():
        return session.get("value", "-")

    @app.get("/_test/crash")
    def crash():
        raise RuntimeError("boom")

    yield app


@pytest.fixture
def consent_app(make_app):
    """The site with both analytics vendors offered and its tables created."""
    app = make_app(**ANALYTICS_SETTINGS)
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def postgres_uri():
    """A PostgreSQL database: QB_TEST_POSTGRES_URI if set, else a cluster started here."""
    from .postgres import throwaway_cluster

    if os.environ.get("QB_TEST_POSTGRES_URI"):
        yield os.environ["QB_TEST_POSTGRES_URI"]
        return
    with throwaway_cluster() as uri:
        yield uri


@pytest.fixture(scope="session")
def redis_uri():
    """A Redis server for shared rate-limit counters, started here and stopped at the end."""
    from .redis import throwaway_redis

    with throwaway_redis() as uri:
        yield uri
