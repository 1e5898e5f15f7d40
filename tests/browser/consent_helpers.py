"""Helpers for the consent tests in Chromium: the vendors' script URLs, the banner, a choice."""

from tests.browser.conftest import TEST_DOMAIN

HOST = f"www.{TEST_DOMAIN}"  # the site with both vendors offered (analytics_server)
TAG_JS = "https://mc.yandex.ru/metrika/tag.js?id=12345678"
GTAG_JS = "https://www.googletagmanager.com/gtag/js?id=G-TEST12345"


def console_errors(watch):
    # Chromium ignores (and reports) COOP on plain http outside localhost: a test artefact.
    return [e for e in watch.console_errors if "Cross-Origin-Opener-Policy" not in e.text]


def settle(page):
    page.wait_for_load_state("networkidle")


def click_and_reload(page, name):
    """Press a consent button; the server answers 303 back to the page, which reloads."""
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).first.click()
    settle(page)


def banner(page):
    return page.locator("section.consent-banner")
