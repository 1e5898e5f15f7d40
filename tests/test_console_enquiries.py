"""The enquiry pages of the console: list, filters, literal search, pages, detail, export."""

import csv
import io
import re

import pytest
import sqlalchemy as sa

from qb.contact.models import Enquiry
from qb.extensions import db

from .console_helpers import CONSOLE_SETTINGS, post, signed_in_client
from .factories import new_enquiry


def ids_on(page_text):
    return [int(i) for i in re.findall(r'/console/enquiries/(\d+)"', page_text)]


def test_search_is_literal_and_finds_every_spelling_of_a_mailbox(console_app):
    new_enquiry(console_app, message="Discount of 50% for all")
    new_enquiry(console_app, message="Plain text without signs")
    new_enquiry(console_app, message="snake_case wording", email="Asel.N+shop@Gmail.com")
    client, _ = signed_in_client(console_app)
    assert ids_on(client.get("/console/enquiries/?q=50%25").text) == [1]
    assert ids_on(client.get("/console/enquiries/?q=%25").text) == [1]
    assert ids_on(client.get("/console/enquiries/?q=_").text) == [3]
    assert ids_on(client.get("/console/enquiries/?q=aseln@googlemail.com").text) == [3]
    assert ids_on(client.get("/console/enquiries/").text) == [3, 2, 1]


def test_states_and_pages(console_app):
    for _ in range(5):
        new_enquiry(console_app)
    client, _ = signed_in_client(console_app)
    assert post(client, "/console/enquiries/2/handled").status_code == 303
    assert ids_on(client.get("/console/enquiries/?status=handled").text) == [2]
    assert ids_on(client.get("/console/enquiries/?status=new").text) == [5, 4, 3, 1]
    console_app.config["CONSOLE_PAGE_SIZE"] = 2
    first = client.get("/console/enquiries/")
    assert ids_on(first.text) == [5, 4] and "before=4" in first.text
    assert ids_on(client.get("/console/enquiries/?before=4").text) == [3, 2]
    assert ids_on(client.get("/console/enquiries/?before=2").text) == [1]


def test_visitor_text_is_escaped_and_isolated(console_app):
    new_enquiry(console_app, message="<script>alert(1)</script> \u202eevil")
    client, _ = signed_in_client(console_app)
    page = client.get("/console/enquiries/1")
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text
    assert 'class="visitor-text" dir="auto"' in page.text and "<bdi>" in page.text


def test_the_export_is_for_the_responsible_and_defuses_formulas(console_app):
    new_enquiry(console_app, message='=HYPERLINK("http://x")')
    new_enquiry(console_app, message="+1 and -2 and @here")
    staff, _ = signed_in_client(console_app)
    assert staff.get("/console/enquiries/export.csv").status_code == 403
    responsible, _ = signed_in_client(console_app, "responsible")
    response = responsible.get("/console/enquiries/export.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    messages = [row[-1] for row in rows[1:]]
    assert messages == ["'+1 and -2 and @here", '\'=HYPERLINK("http://x")']


def test_mark_handled_needs_the_csrf_token(console_app):
    new_enquiry(console_app)
    client, _ = signed_in_client(console_app)
    assert client.post("/console/enquiries/1/handled").status_code == 400
    with console_app.app_context():
        assert db.session.get(Enquiry, 1).status == "new"


@pytest.fixture
def postgres_console(make_app, postgres_uri):
    return make_app(SQLALCHEMY_DATABASE_URI=postgres_uri, **CONSOLE_SETTINGS)


def test_on_postgresql_too(postgres_console):
    app = postgres_console
    new_enquiry(app, message="Discount of 50% for all")
    new_enquiry(app, message="Ordinary words")
    client, _ = signed_in_client(app, "responsible")
    assert ids_on(client.get("/console/enquiries/?q=50%25").text) == [1]
    assert ids_on(client.get("/console/enquiries/?q=ORDINARY").text) == [2]
    assert client.get("/console/enquiries/export.csv").status_code == 200
    with app.app_context():
        indexes = (
            db.session.execute(
                sa.text("SELECT indexname FROM pg_indexes WHERE tablename = 'enquiry'")
            )
            .scalars()
            .all()
        )
        assert "ix_enquiry_message_trgm" in indexes
        with pytest.raises(sa.exc.ProgrammingError, match="append-only"):
            db.session.execute(sa.text("DELETE FROM audit_entry"))
        db.session.rollback()
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0


def test_blocked_enquiries_are_their_own_filter(console_app):
    from qb.privacy import services as privacy

    for _ in range(3):
        new_enquiry(console_app)
    with console_app.app_context():
        privacy.block(subjects=("enquiry:2",), actor="cli")
        db.session.commit()
    client, _ = signed_in_client(console_app)
    assert ids_on(client.get("/console/enquiries/?status=blocked").text) == [2]
    assert ids_on(client.get("/console/enquiries/?status=new").text) == [3, 1]
