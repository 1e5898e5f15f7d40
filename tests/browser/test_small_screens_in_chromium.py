"""Tables at 320 CSS pixels in real Chromium: no sideways scrolling, still tables, axe clean."""

import pytest

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
NARROW = {"width": 320, "height": 640}  # WCAG 1.4.10 Reflow
WIDE = {"width": 1024, "height": 768}
COOKIE_PAGES = ["/cookies", "/ru/cookies", "/en/cookies"]

# Sizes of the page and of every element of every table, as the browser lays them out.
MEASURE = """() => {
    const width = window.innerWidth;
    const wide = [...document.querySelectorAll("table, table *")]
        .filter(el => {
            const box = el.getBoundingClientRect();
            return box.width > width || box.right > width || box.left < 0;
        })
        .map(el => el.tagName.toLowerCase() + ": " + el.textContent.trim().slice(0, 40));
    return {scrollWidth: document.documentElement.scrollWidth, width, wide};
}"""

# What each table shows: its column headers and, per row, every cell's repeated column name.
LABELS = """() => [...document.querySelectorAll("table")].map(table => ({
    columns: [...table.querySelectorAll("thead th")].map(th => th.textContent.trim()),
    rows: [...table.querySelectorAll("tbody tr")].map(tr =>
        [...tr.children].map(cell => {
            const label = cell.querySelector(".cell-label");
            return label && getComputedStyle(label).display !== "none"
                ? label.textContent.trim() : null;
        })),
    headerShown: table.tHead.getBoundingClientRect().width > 1,  // not visually hidden
}))"""


def accessibility_roles(page):
    """How many nodes of each table role Chromium's accessibility tree has."""
    cdp = page.context.new_cdp_session(page)
    tree = cdp.send("Accessibility.getFullAXTree")["nodes"]
    cdp.detach()
    roles = [node["role"]["value"] for node in tree if not node.get("ignored")]
    wanted = ("table", "row", "columnheader", "rowheader", "cell")
    return {role: roles.count(role) for role in wanted}


@pytest.mark.parametrize("path", COOKIE_PAGES)
def test_the_cookie_table_fits_320_pixels_without_scrolling(site, path):
    page, _watch, base = site
    page.set_viewport_size(NARROW)
    assert page.goto(base + path).status == 200
    assert page.locator("section.consent-banner").is_visible()  # both vendors offered

    sizes = page.evaluate(MEASURE)
    assert sizes["scrollWidth"] <= sizes["width"] == NARROW["width"]
    assert sizes["wide"] == [], f"wider than the screen: {sizes['wide']}"


@pytest.mark.parametrize("path", COOKIE_PAGES)
def test_each_cell_shows_its_column_on_a_narrow_screen_and_is_a_cell_for_readers(site, path):
    page, _watch, base = site
    page.set_viewport_size(NARROW)
    page.goto(base + path)

    [table] = page.evaluate(LABELS)
    assert len(table["columns"]) == 4 and len(table["rows"]) == 2  # the consent cookie too
    assert not table["headerShown"]  # the header row is for screen readers only here
    for row in table["rows"]:
        assert row == table["columns"]  # each cell under its own column's name
    # The table keeps its structure for assistive technology, cards or not.
    assert accessibility_roles(page) == {
        "table": 1,
        "row": 3,
        "columnheader": 4,
        "rowheader": 2,
        "cell": 6,
    }


def test_a_wide_screen_shows_an_ordinary_table(site):
    page, _watch, base = site
    page.set_viewport_size(WIDE)
    page.goto(base + "/en/cookies")

    [table] = page.evaluate(LABELS)
    assert table["headerShown"]
    assert all(label is None for row in table["rows"] for label in row)
    assert page.evaluate("getComputedStyle(document.querySelector('table')).display") == "table"
    assert accessibility_roles(page)["rowheader"] == 2


@pytest.mark.parametrize("path", COOKIE_PAGES)
def test_the_narrow_cookie_page_passes_axe(site, axe_source, path):
    page, _watch, base = site
    page.set_viewport_size(NARROW)
    page.goto(base + path)

    page.evaluate(axe_source)  # not add_script_tag: the site's CSP blocks inline scripts
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]] == []
