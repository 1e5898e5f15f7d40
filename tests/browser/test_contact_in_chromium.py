"""The contact form in real Chromium, JavaScript on and off: an error round trip, then success."""

import pytest
import sqlalchemy as sa

from qb.contact.models import Enquiry
from qb.extensions import db
from tests.browser.conftest import serving_app

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def contact_server(tmp_path_factory):
    """(base URL, app) of the site with its tables, served by werkzeug in a thread."""
    with serving_app(
        tmp_path_factory.mktemp("contact"),
        # A person types slower than Playwright; the limits have their own tests.
        CONTACT_MIN_FILL_SECONDS=0,
        CONTACT_RATE_LIMIT="1000 per minute",
    ) as served:
        yield served


def stored(app, email):
    with app.app_context():
        return db.session.scalars(sa.select(Enquiry).filter_by(email=email)).all()


@pytest.fixture(params=[True, False], ids=["javascript-on", "javascript-off"])
def tab(request, browser):
    """(page, whether scripts run) in a fresh context with JavaScript on or off."""
    context = browser.new_context(java_script_enabled=request.param)
    yield context.new_page(), request.param
    context.close()


@pytest.mark.parametrize(
    ("path", "thanks", "heading"),
    [
        ("/en/contact", "/en/contact/thanks", "Thank you for your message"),
        ("/contact", "/contact/thanks", "Хабарламаңызға рақмет"),
    ],
    ids=["en", "kk"],
)
def test_an_error_round_trip_then_success(tab, contact_server, path, thanks, heading):
    base_url, app = contact_server
    tab, scripted = tab
    email = f"round-trip-{path.count('/')}-{scripted}@example.kz"
    tab.goto(base_url + path)
    tab.fill("#name", "Әсел Нұрланқызы")
    tab.fill("#email", "not an address")
    tab.fill("#phone", "8 (701) 123-45-67")
    tab.fill("#message", "Сәлеметсіз бе!\nКурс туралы сұрағым бар.")
    tab.locator("form button[type=submit]").click()

    # The error page: a summary (focused when scripts run), every answer kept, errors linked.
    summary = tab.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    assert summary.locator("a").count() == 2  # e-mail and consent
    if scripted:  # autofocus moves focus to the summary; without scripts it is still first
        assert tab.evaluate("document.activeElement.className") == "error-summary"
    assert tab.input_value("#name") == "Әсел Нұрланқызы"
    assert tab.input_value("#phone") == "8 (701) 123-45-67"
    assert tab.input_value("#message") == "Сәлеметсіз бе!\nКурс туралы сұрағым бар."
    assert tab.get_attribute("#email", "aria-invalid") == "true"
    assert "email-error" in tab.get_attribute("#email", "aria-describedby")
    assert not tab.is_checked("#enquiry-consent")
    assert stored(app, email) == []

    tab.fill("#email", email)
    tab.check("#enquiry-consent")
    tab.locator("form button[type=submit]").click()

    tab.wait_for_url(base_url + thanks)
    assert tab.locator("h1").inner_text() == heading
    [enquiry] = stored(app, email)
    assert enquiry.phone == "+77011234567"
    assert enquiry.message == "Сәлеметсіз бе!\nКурс туралы сұрағым бар."


def test_the_error_summary_takes_focus_and_the_error_page_passes_axe(
    page, contact_server, axe_source
):
    base_url, _app = contact_server
    page.goto(base_url + "/ru/contact")
    page.locator("form button[type=submit]").click()
    page.wait_for_selector(".error-summary")

    focused = page.evaluate("document.activeElement.className")
    assert focused == "error-summary"
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    assert [v["id"] for v in result["violations"]] == []


def test_the_honeypot_is_invisible_to_people_and_screen_readers(page, contact_server):
    base_url, _app = contact_server
    page.goto(base_url + "/en/contact")
    assert not page.locator("#website").is_visible()
    assert "Leave this field empty" not in page.locator("main").aria_snapshot()
    assert page.get_by_label("Leave this field empty").count() == 1  # in the DOM only
    page.keyboard.press("Tab")
    for _ in range(60):
        assert page.evaluate("document.activeElement.id") != "website"
        page.keyboard.press("Tab")
