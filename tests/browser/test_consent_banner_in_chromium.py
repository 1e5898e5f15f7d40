"""The consent banner in real Chromium: keyboard, axe, reflow, three choices alike."""

import pytest

from tests.browser.consent_helpers import GTAG_JS, banner, settle

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page, axe_source):
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


def test_the_banner_works_with_the_keyboard_alone(site):
    page, watch, base = site
    page.goto(base + "/en/about", wait_until="networkidle")
    assert banner(page).evaluate("el => getComputedStyle(el).position") == "static"

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Accept all"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Settings"
    page.keyboard.press("Enter")
    assert page.locator("#consent-panel").is_visible()
    assert page.evaluate("document.activeElement.id") == "banner-ga"
    page.keyboard.press("Escape")  # closes the settings and returns to their button
    assert not page.locator("#consent-panel").is_visible()
    assert page.evaluate("document.activeElement.textContent") == "Settings"
    page.keyboard.press("Space")
    page.keyboard.press("Space")  # ticks Google Analytics
    for _ in range(2):
        page.keyboard.press("Tab")  # past Yandex Metrica to the save button
    assert page.evaluate("document.activeElement.textContent") == "Save my choice"
    box = page.locator(":focus").bounding_box()
    assert box["height"] >= 24 and box["width"] >= 24
    with page.expect_navigation():
        page.keyboard.press("Enter")
    settle(page)
    assert watch.foreign_requests == [GTAG_JS]


def test_the_banner_and_its_settings_pass_axe(site, axe_source):
    page, _watch, base = site
    page.goto(base + "/ru/about", wait_until="networkidle")
    assert axe_violations(page, axe_source) == []
    page.get_by_role("button", name="Настройки").click()
    assert page.locator("#consent-panel").is_visible()
    assert axe_violations(page, axe_source) == []
    page.goto(base + "/cookies", wait_until="networkidle")
    assert axe_violations(page, axe_source) == []


def test_the_banner_reflows_at_320_css_pixels(site):
    page, _watch, base = site
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(base + "/", wait_until="networkidle")
    page.get_by_role("button", name="Баптаулар").click()
    assert page.locator("#consent-panel").is_visible()
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1]


@pytest.mark.parametrize("path", ["/", "/ru/", "/en/"])
def test_the_three_choices_have_the_same_size_and_style(site, path):
    page, _watch, base = site
    page.goto(base + path, wait_until="networkidle")
    looks = page.evaluate(
        """() => [...document.querySelectorAll('.consent-banner .consent-actions button')]
            .map(b => {
                const s = getComputedStyle(b), r = b.getBoundingClientRect();
                return [Math.round(r.width), Math.round(r.height), s.backgroundColor, s.color,
                        s.fontSize, s.fontWeight, s.borderTopWidth, s.borderTopColor];
            })"""
    )
    assert len(looks) == 3
    assert looks[0] == looks[1] == looks[2]
    assert looks[0][1] >= 24
