"""The newsletter's pages in every language and state, checked by the Nu Html Checker (vnu)."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from qb.i18n import LANGUAGES

from .newsletter_helpers import (
    SETTINGS,
    hidden_fields,
    new_subscriber,
    path_of,
    queued_link,
)
from .site import localized
from .test_html_validity import describe, run_vnu

pytestmark = pytest.mark.browser


def pages(app, lang):
    """(name, response) of every page a visitor of `lang` can reach, each state once."""
    client = app.test_client()
    form = localized("/newsletter", lang)
    yield "form", client.get(form)
    fields = hidden_fields(client.get(form).text)
    yield "form with errors", client.post(form, data={**fields, "email": "nope", "name": "R2D2"})
    yield "thanks", client.get(localized("/newsletter/thanks", lang))
    subscriber = new_subscriber(app, f"html-{lang}@example.kz", lang, confirm=False)
    confirm = path_of(queued_link(app, subscriber))
    yield "confirm", client.get(confirm)
    yield "confirmed", client.post(confirm)
    yield "already confirmed", client.get(confirm)
    yield "unknown confirmation", client.get(localized("/newsletter/confirm/nope", lang))
    with app.test_request_context():
        from qb.newsletter.mails import unsubscribe_url

        unsubscribe = path_of(unsubscribe_url(subscriber, lang))
    yield "unsubscribe", client.get(unsubscribe)
    yield "unsubscribed", client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
    yield "not subscribed", client.get(unsubscribe)
    yield "forged link", client.get(localized("/newsletter/unsubscribe/1.forged", lang))


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """{(lang, page): vnu messages} for every page of pages()."""
    from qb import create_app
    from qb.extensions import db

    from .site import test_settings

    folder = tmp_path_factory.mktemp("newsletter-html")
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


def test_every_newsletter_page_is_valid_html(checked):
    assert len(checked) == 3 * 11
    errors = {
        page: [describe(m) for m in found if m["type"] in ("error", "non-document-error")]
        for page, found in checked.items()
    }
    assert {page: e for page, e in errors.items() if e} == {}
