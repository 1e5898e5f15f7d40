"""The "my data" pages in every language and state, and an earlier policy revision, checked
by the Nu Html Checker (vnu)."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from qb.i18n import LANGUAGES

from .factories import new_enquiry
from .newsletter_helpers import new_subscriber
from .rights_helpers import SETTINGS, ask_for_link, csrf_of, hidden_fields, last_link, start
from .site import localized
from .test_html_validity import describe, run_vnu

pytestmark = pytest.mark.browser
NAMES = 16  # pages per language


def pages(app, lang):
    """(name, response) of every page a visitor of `lang` can reach, each state once."""
    email = f"html-{lang}@example.kz"
    enquiry = new_enquiry(app, email=email, language=lang)
    subscriber = new_subscriber(app, email, lang)
    client = app.test_client()
    form = localized("/my-data", lang)
    yield "form", client.get(form)
    fields = hidden_fields(client.get(form).text)
    yield "form with errors", client.post(form, data={**fields, "email": "nope"})
    yield "sent", client.get(localized("/my-data/sent", lang))
    ask_for_link(client, email, form)
    yield "link", client.get(last_link(app))
    yield "other browser", app.test_client().get(last_link(app))
    yield "unknown link", client.get(localized("/my-data/open/" + "x" * 43, lang))
    yield "data", start(app, client, email, form)
    yield "used link", client.get(last_link(app))
    yield "export", client.get(localized("/my-data/data.html", lang))
    correct = localized(f"/my-data/correct/enquiry:{enquiry}", lang)
    yield "correct", client.get(correct)
    yield (
        "correct with errors",
        client.post(
            correct, data={"csrf_token": csrf_of(client.get(correct).text), "name": "R2D2"}
        ),
    )
    yield "withdraw", client.get(localized(f"/my-data/withdraw/subscriber:{subscriber}", lang))
    yield "new address", client.get(localized("/my-data/new-email", lang))
    yield "expired form", client.post(localized("/my-data/logout", lang))
    page = client.get(localized("/my-data/data", lang))
    yield (
        "logged out",
        client.post(localized("/my-data/logout", lang), data={"csrf_token": csrf_of(page.text)}),
    )
    yield "ended", client.get(localized("/my-data/data", lang))


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """{(lang, page): vnu messages} for every page of pages()."""
    from qb import create_app
    from qb.extensions import db

    from .site import test_settings

    folder = tmp_path_factory.mktemp("rights-html")
    app = create_app(test_settings(folder, **SETTINGS))
    with app.app_context():
        db.create_all()
    files = {}
    for lang in LANGUAGES:
        for name, response in pages(app, lang):
            file = folder / f"{lang}-{len(files):02}.html"
            file.write_bytes(response.data)
            files[file.name] = (lang, name)
    messages = {page: [] for page in files.values()}
    for message in run_vnu(folder / name for name in files):
        name = Path(urlsplit(message.get("url", "")).path).name
        if name not in files:
            pytest.fail(f"vnu could not check the pages: {message}")
        messages[files[name]].append(message)
    with app.app_context():
        db.engine.dispose()
    return messages


def test_every_my_data_page_is_valid_html(checked):
    assert len(checked) == 3 * NAMES
    errors = {
        page: [describe(m) for m in found if m["type"] in ("error", "non-document-error")]
        for page, found in checked.items()
    }
    assert {page: e for page, e in errors.items() if e} == {}
