"""The console in Chromium: sign-in with a one-time code, search, an action, the exports,
sign-out; every page axe-clean, no console error, no request to another host."""

from pathlib import Path

import pyotp
import pytest

from tests.browser.conftest import serving_app, start_watch
from tests.console_helpers import (
    CONSOLE_SETTINGS,
    PASSWORD,
    fresh_code,
    make_operator,
    secret_of,
)
from tests.factories import new_enquiry

pytestmark = pytest.mark.browser
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def console_server(tmp_path_factory):
    with serving_app(tmp_path_factory.mktemp("console"), **CONSOLE_SETTINGS) as (url, app):
        new_enquiry(app, message="Discount of 50% please", days_ago=1)
        new_enquiry(app, message='=cmd|" /C calc"!A0', email="other@example.kz")
        operator_id = make_operator(app, "resp@example.kz", "responsible")
        yield url, app, operator_id


def axe_clean(page, axe_source):
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [v["id"] for v in result["violations"]]


def test_sign_in_search_handle_export_and_sign_out(page, console_server, axe_source):
    base_url, app, operator_id = console_server
    watch = start_watch(page)
    page.goto(base_url + "/console/enquiries/")
    assert page.url.startswith(base_url + "/console/login")
    assert axe_clean(page, axe_source) == []
    page.fill("#email", "resp@example.kz")
    page.fill("#password", PASSWORD)
    page.fill("#code", pyotp.TOTP(secret_of(app, operator_id)).now())
    page.click("form button[type=submit]")
    page.wait_for_selector("h1:has-text('Өтініштер')")
    assert axe_clean(page, axe_source) == []

    page.fill("#q", "50%")
    page.click(".filters button")
    page.wait_for_url("**q=50%25*")
    assert page.locator("tbody tr").count() == 1
    page.locator("tbody a").first.click()
    page.wait_for_selector(".visitor-text")
    assert axe_clean(page, axe_source) == []
    page.click("form[action$='/handled'] button")
    page.wait_for_selector("dd:has-text('өңделді')")

    page.goto(base_url + "/console/enquiries/")
    with page.expect_download() as download:
        page.click("a[href*='export.csv']")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "'=cmd" in text and "Discount of 50% please" in text

    for path in (
        "/console/",
        "/console/audit",
        "/console/requests",
        "/console/breaches",
        "/console/enquiries/chart",
        "/console/subscribers/",
    ):
        page.goto(base_url + path)
        assert axe_clean(page, axe_source) == [], path

    page.goto(base_url + "/console/")
    page.click(".signout button")
    page.wait_for_url("**/console/login")
    page.goto(base_url + "/console/")
    assert "/console/login" in page.url
    assert watch.console_errors == [] and watch.foreign_requests == []


def test_person_actions_with_their_confirmations(page, console_server, axe_source):
    base_url, app, operator_id = console_server
    watch = start_watch(page)
    page.goto(base_url + "/console/login")
    page.fill("#email", "resp@example.kz")
    page.fill("#password", PASSWORD)
    page.fill("#code", fresh_code(app, operator_id))
    page.click("form button[type=submit]")
    page.wait_for_url("**/console/")
    page.goto(base_url + "/console/person")
    page.fill("#email", "other@example.kz")
    page.click(".filters button")
    page.wait_for_selector("#enquiries-title")
    assert axe_clean(page, axe_source) == []

    page.locator("form:has(input[name=action][value=block]) button").first.click()
    page.wait_for_selector(".confirm-box[role=alert]")
    assert axe_clean(page, axe_source) == []
    page.locator("form:has(input[name=confirmed]) button").click()
    page.wait_for_selector("h1")
    page.locator("main form button").last.click()  # back to the person
    page.wait_for_selector("text=Өңдеу бұғатталған.")

    page.locator(
        "section[aria-labelledby=actions-title] form:has(input[value=destroy]) button"
    ).click()
    page.wait_for_selector("text=Мұны кері қайтару мүмкін емес.")
    page.locator("form:has(input[name=confirmed]) button").click()
    page.wait_for_selector("h1")
    page.goto(base_url + "/console/enquiries/")
    with page.expect_download() as download:
        page.click("a[href*='export.csv']")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "other@example.kz" not in text
    assert watch.console_errors == [] and watch.foreign_requests == []
