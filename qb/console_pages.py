"""Where features announce their operator-console pages, so the console imports no feature.

A feature's `init_app` calls `add_console_page(app, ConsolePage(...))` for each page it
adds to the console (its views live in the feature, under `/console/…`); the console reads
`console_pages(app)` to build its menu and check roles. Larger Flask codebases do the same
with a registry or a signal (Indico's menu signals).
"""

from dataclasses import dataclass

REGISTRY_KEY = "qb_console_pages"


@dataclass(frozen=True)
class ConsolePage:
    """One console page: its endpoint, its menu title (a lazy string), who may open it."""

    endpoint: str
    title: object
    roles: tuple[str, ...]
    order: int = 100


def add_console_page(app, page):
    """Announce `page`; one endpoint is announced once."""
    pages = app.extensions.setdefault(REGISTRY_KEY, {})
    if page.endpoint in pages:
        raise ValueError(f"console page {page.endpoint!r} is announced twice")
    pages[page.endpoint] = page


def console_pages(app, role=None):
    """The announced pages in menu order, only those `role` may open if one is given."""
    pages = app.extensions.get(REGISTRY_KEY, {}).values()
    allowed = [page for page in pages if role is None or role in page.roles]
    return sorted(allowed, key=lambda page: (page.order, page.endpoint))
