"""Browser fixtures: the site on a live local server and one headless Debian Chromium."""

import os
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from qb import create_app
from qb.extensions import db
from tests.site import ANALYTICS_SETTINGS, test_settings

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
HOST = "127.0.0.1"
TEST_DOMAIN = "qb.test"

# Root, headless and offline: see docs TESTING.md, items 1 and 2.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # A made-up domain with a parent (www.qb.test under qb.test), served from 127.0.0.1, so
    # cookies on the parent domain can be tested; no DNS is asked.
    f"--host-resolver-rules=MAP *.{TEST_DOMAIN} {HOST}",
]


@contextmanager
def serving_app(tmp_path, host=HOST, **settings):
    """(base URL, app): the site with `settings` and its tables, served from a thread."""
    # The port is known only once the socket is bound, and SITE_URL must name it, so the
    # server starts without an app and gets one before it serves anything.
    server = make_server(HOST, 0, None, threaded=True)
    base_url = f"http://{host}:{server.port}"
    if host != HOST:
        settings["TRUSTED_HOSTS"] = [host]
    app = create_app(test_settings(tmp_path, SITE_URL=base_url, **settings))
    server.app = closing_every_response(app)
    with app.app_context():
        db.create_all()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base_url, app
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        with app.app_context():
            db.engine.dispose()


def closing_every_response(app):
    """The app, with each response read whole and closed before werkzeug sends it.

    Werkzeug's development server skips closing a response (an open static file) when the
    browser drops the connection first, as a page that navigates on does; the file would then
    be reported unclosed in whichever test runs next.
    """

    def wsgi(environ, start_response):
        iterable = app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            if hasattr(iterable, "close"):
                iterable.close()

    return wsgi


@contextmanager
def serving(tmp_path, host=HOST, **settings):
    """Serve the site with `settings` and its tables at http://<host>:<port> from a thread."""
    with serving_app(tmp_path, host, **settings) as (base_url, _app):
        yield base_url


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The base URL of the site served by werkzeug in a background thread."""
    with serving(tmp_path_factory.mktemp("live")) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def analytics_server(tmp_path_factory):
    """The site with both analytics vendors offered, at http://www.qb.test:<port>."""
    tmp_path = tmp_path_factory.mktemp("analytics")
    with serving(tmp_path, f"www.{TEST_DOMAIN}", **ANALYTICS_SETTINGS) as base_url:
        yield base_url


@pytest.fixture
def site(page, analytics_server):
    """(page, watch, base URL) for the site with both vendors offered."""
    return page, start_watch(page, {f"www.{TEST_DOMAIN}"}), analytics_server


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium (or $CHROME_PATH), launched once; a missing browser fails every test."""
    executable = os.environ.get("CHROME_PATH") or shutil.which("chromium")
    if not executable:
        pytest.fail(
            "Chromium is not installed, so the browser tests cannot run. Install it with "
            "`bash tools/install-system-deps.sh` (as root) or `apt-get install chromium`.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source():
    """The axe-core script, from node_modules (installed by `npm ci`)."""
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS.relative_to(ROOT)} is missing: run `npm ci`.", pytrace=False)
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture
def page(browser):
    """A fresh tab in a fresh context (no cookies or storage shared between tests)."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


@dataclass
class ConsoleError:
    text: str
    url: str


@dataclass
class PageWatch:
    """What a tab did that the site must not do: log errors, or contact another host."""

    console_errors: list[ConsoleError] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    local_hosts: frozenset = frozenset({HOST})  # every other host is foreign

    def on_console(self, message):
        if message.type == "error":
            self.console_errors.append(ConsoleError(message.text, message.location.get("url", "")))

    def on_page_error(self, error):
        self.console_errors.append(ConsoleError(f"uncaught {error.name}: {error.message}", ""))

    def on_request(self, route, request):
        # Recorded and aborted, so the check never depends on DNS or the network.
        if urlsplit(request.url).hostname in self.local_hosts:
            route.continue_()
        else:
            self.foreign_requests.append(request.url)
            route.abort()


def start_watch(page, local_hosts=frozenset({HOST})):
    """Record console errors in `page`, and record and abort requests to any other host."""
    recorder = PageWatch(local_hosts=frozenset(local_hosts))
    page.on("console", recorder.on_console)
    page.on("pageerror", recorder.on_page_error)
    page.context.route("**/*", recorder.on_request)  # the whole context: new tabs too
    return recorder


@pytest.fixture
def watch(page):
    """Start recording console errors and requests to other hosts in `page`."""
    return start_watch(page)


class Tab:
    """One tab a module reuses for visits that only look: no new browser context per test.

    Each visit starts from a blank document with no cookies and nothing recorded, and the
    tab blocks and records every request to a host outside `local_hosts`, as `watch` does.
    """

    def __init__(self, browser, local_hosts=frozenset({HOST})):
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.watch = start_watch(self.page, local_hosts)
        self.viewport = self.page.viewport_size

    def fresh(self):
        """(page, watch) with the previous visit forgotten."""
        self.page.goto("about:blank")  # the previous document says nothing more
        self.context.clear_cookies()
        self.page.set_viewport_size(self.viewport)
        self.watch.console_errors.clear()
        self.watch.foreign_requests.clear()
        return self.page, self.watch

    def close(self):
        self.context.close()


@pytest.fixture(scope="module")
def tab(browser):
    """The module's reusable tab for the site on 127.0.0.1; `tab.fresh()` before each visit."""
    tab = Tab(browser)
    yield tab
    tab.close()


@pytest.fixture(scope="module")
def analytics_tab(browser):
    """The module's reusable tab for the site with both vendors offered."""
    tab = Tab(browser, {f"www.{TEST_DOMAIN}"})
    yield tab
    tab.close()
