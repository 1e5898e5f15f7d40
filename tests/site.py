"""What the tests know about the site: its pages, and the settings a test app is built with."""

from pathlib import Path

from qb.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "templates" / "content"
OFFER_SLUGS = sorted(p.stem for p in (CONTENT / "kk" / "offers").glob("*.md"))
PAGES = [
    "/",
    "/about",
    "/services",
    "/offers",
    "/contact",
    "/politika",
    "/cookies",
    "/newsletter",
    "/my-data",
] + [f"/offers/{slug}" for slug in OFFER_SLUGS]


def localized(path, lang):
    """The same page's path in another language."""
    return path if lang == "kk" else f"/{lang}{path}"


# Pages with a form set the session cookie that carries its CSRF token, and only they.
FORM_PAGES = ("/contact", "/newsletter", "/my-data")
ALL_PAGES = [localized(path, lang) for lang in LANGUAGES for path in PAGES]

# The file name of the SQLite database each test app gets in its tmp_path.
SQLITE_FILE = "test.sqlite3"


def test_settings(tmp_path, **overrides):
    """The mapping tests give create_app, with a throwaway SQLite file."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / SQLITE_FILE}",
        "TRUSTED_HOSTS": ["localhost", "127.0.0.1"],
        "SITE_URL": "https://qauipsizbolashaq.kz",
        # Mail: .eml files under tmp_path, no background sender unless a test turns it on.
        "OUTBOX_EML_DIR": str(tmp_path / "mail"),
        "OUTBOX_BACKGROUND": False,
        "ERASURE_JOURNAL": str(tmp_path / "erasure-journal.jsonl"),
        # No floor under form answers (tests/test_steady_answers.py checks it on its own).
        "FORM_ANSWER_SECONDS": 0,
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
