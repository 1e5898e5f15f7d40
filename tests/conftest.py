"""The fixtures of the whole suite, one plugin module per part the tests start.

Names describing the site (pages, test settings) live in tests/site.py; they are importable
from here too, as they always were.
"""

from .site import (  # noqa: F401 - kept importable from tests.conftest
    ALL_PAGES,
    ANALYTICS_SETTINGS,
    CONTENT,
    OFFER_SLUGS,
    PAGES,
    ROOT,
    localized,
    test_settings,
)

pytest_plugins = [
    "tests.fixtures.app",
    "tests.fixtures.console",
    "tests.fixtures.postgres",
    "tests.fixtures.redis",
    "tests.fixtures.smtp",
]
