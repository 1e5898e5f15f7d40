"""The console's pages, checked by the Nu Html Checker (vnu): no HTML errors."""

import pytest

from tests.console_helpers import CONSOLE_SETTINGS, make_operator, post, sign_in, signed_in_client
from tests.factories import new_enquiry
from tests.test_html_validity import run_vnu

pytestmark = pytest.mark.browser

RESPONSIBLE_PAGES = [
    "/console/",
    "/console/enquiries/",
    "/console/enquiries/1",
    "/console/enquiries/chart",
    "/console/subscribers/",
    "/console/subscribers/chart",
    "/console/consent-choices/",
    "/console/requests",
    "/console/breaches",
    "/console/audit",
    "/console/person",
    "/console/password",
]


def test_console_pages_are_valid_html(make_app, tmp_path):
    app = make_app(tables=True, **CONSOLE_SETTINGS)
    new_enquiry(app, newsletter=True)
    pages = {}
    anonymous = app.test_client()
    pages["login"] = anonymous.get("/console/login").data
    make_operator(app, "new@example.kz", "admin", enrolled=False)
    sign_in(app, anonymous, "new@example.kz")
    pages["enrol"] = anonymous.get("/console/enrol").data
    client, _ = signed_in_client(app, "responsible")
    for path in RESPONSIBLE_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = response.data
    email = {"email": "asel@example.kz"}
    pages["person"] = post(client, "/console/person", email).data
    pages["confirm"] = post(client, "/console/person/action", {**email, "action": "destroy"}).data
    admin, _ = signed_in_client(app, "admin", email="boss@example.kz")
    pages["operators"] = admin.get("/console/operators").data
    files = {}
    for number, (name, html) in enumerate(pages.items()):
        file = tmp_path / f"console{number:02}.html"
        file.write_bytes(html)
        files[file.name] = name
    errors = [
        f"{files[m['url'].rsplit('/', 1)[-1]]}: {m['message']}"
        for m in run_vnu(tmp_path.glob("console*.html"))
        if m.get("type") == "error"
    ]
    assert errors == []
