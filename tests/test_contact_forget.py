"""`flask contact forget`: one visitor's enquiries destroyed on withdrawal or deletion request."""

import logging

import pytest
import sqlalchemy as sa

from qb.extensions import db

from .contact_helpers import SETTINGS, consents, enquiries, outbox
from .factories import new_enquiry


@pytest.fixture
def app(make_app):
    return make_app(**SETTINGS, tables=True)


def enquire(app, email, **fields):
    """One enquiry from `email`, submitted as the form does; its id."""
    return new_enquiry(app, email=email, **fields)


def forget(app, *args):
    return app.test_cli_runner().invoke(args=["contact", "forget", *args])


def dump(app):
    """Every row of the contact and outbox tables, as text."""
    with app.app_context():
        tables = ("enquiry", "consent_record", "outbox_message")
        return repr([db.session.execute(sa.text(f"select * from {t}")).all() for t in tables])


def assert_only_left(app, kept):
    """Only the enquiries `kept` remain, with their mails and linked consents."""
    assert [e.id for e in enquiries(app)] == kept
    # A ticked news-and-offers box made a subscription of its own ("subscriber:<id>").
    refs = {m.ref for m in outbox(app) if m.ref.startswith("enquiry:")}
    assert refs == {f"enquiry:{i}" for i in kept}
    linked = [c for c in consents(app) if (c.subject or "").startswith("enquiry:")]
    assert {c.subject for c in linked} == {f"enquiry:{i}" for i in kept}
    assert all(c.destroyed_at is None and c.destroyed_reason is None for c in linked)


def test_forget_by_id_destroys_those_enquiries_and_keeps_their_consents_marked(app, caplog):
    caplog.set_level(logging.DEBUG)
    first = enquire(app, "asel@example.kz", newsletter=True)
    other = enquire(app, "bolat@example.kz")
    second = enquire(app, "asel@example.kz")
    result = forget(app, str(second), str(first), str(first))
    assert result.exit_code == 0, result.output
    assert f"destroyed 2 enquiries on request: {first} {second}" in result.output
    assert "destroyed 4 mails" in result.output
    assert "kept 3 consent records as proof, marked withdrawn" in result.output
    assert_only_left(app, [other])
    proofs = [c for c in consents(app) if c.subject is None]
    assert len(proofs) == 3 and {c.destroyed_reason for c in proofs} == {"withdrawn"}
    assert all(c.destroyed_at is not None and c.text_sha256 for c in proofs)
    # A deletion request ends the subscription the box asked for as well.
    unsubscribe = ["newsletter", "unsubscribe", "asel@example.kz"]
    assert app.test_cli_runner().invoke(args=unsubscribe).exit_code == 0
    assert "asel@" not in dump(app) and "asel" not in caplog.text


def test_forget_by_email_finds_every_spelling_of_the_mailbox_and_nothing_else(app, caplog):
    caplog.set_level(logging.DEBUG)
    mine = [
        enquire(app, address)
        for address in ("a.sel@gmail.com", "ASEL+news@gmail.com", "as.el+x@GMAIL.com")
    ]
    others = [
        enquire(app, address)
        for address in ("asel@gmail.co", "asel2@gmail.com", "asel@example.kz", "a%el@gmail.com")
    ]
    by_id = enquire(app, "bolat@example.kz")
    result = forget(app, "--email", "Asel@Gmail.com", str(by_id))
    assert result.exit_code == 0, result.output
    destroyed = " ".join(map(str, [*mine, by_id]))
    assert f"destroyed 4 enquiries on request: {destroyed}" in result.output
    assert_only_left(app, others)
    # The address the operator typed is not repeated, on screen or in the log.
    assert "asel" not in result.output.lower() and "asel" not in caplog.text.lower()


def test_an_address_with_no_enquiries_destroys_nothing_and_says_so(app):
    kept = enquire(app, "asel@example.kz")
    before = dump(app)
    result = forget(app, "--email", "nobody@example.kz")
    assert result.exit_code == 0, result.output
    assert "destroyed 0 enquiries on request: -" in result.output
    assert dump(app) == before and [e.id for e in enquiries(app)] == [kept]


def test_a_dry_run_counts_and_changes_nothing(app):
    first = enquire(app, "asel@example.kz", newsletter=True)
    enquire(app, "bolat@example.kz")
    before = dump(app)
    result = forget(app, "--dry-run", "--email", "asel@example.kz")
    assert result.exit_code == 0, result.output
    assert f"would destroy 1 enquiries on request: {first}" in result.output
    assert "would destroy 2 mails" in result.output
    assert "would keep 2 consent records" in result.output
    assert dump(app) == before
    assert f"destroyed 1 enquiries on request: {first}" in forget(app, str(first)).output


def test_an_unknown_id_destroys_nothing_at_all(app):
    first = enquire(app, "asel@example.kz")
    second = enquire(app, "bolat@example.kz")
    before = dump(app)
    result = forget(app, str(first), str(second + 7), "--email", "bolat@example.kz")
    assert result.exit_code == 1
    assert f"no stored enquiry has the id {second + 7}" in result.output
    assert "nothing was destroyed" in result.output and "Traceback" not in result.output
    assert dump(app) == before
    # An id destroyed already counts as unknown: a second run says so instead of succeeding.
    assert f"destroyed 1 enquiries on request: {first}" in forget(app, str(first)).output
    again = forget(app, str(first))
    assert again.exit_code == 1 and f"the id {first} " in again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Name the enquiries: one or more IDS, or --email ADDRESS."),
        (["abc"], "'abc' is not a valid enquiry id"),
        (["-5"], "No such option '-5'"),
        (["--", "-5"], "-5 is not in the range 1<=x"),
        (["0"], "0 is not in the range 1<=x"),
        (["1.5"], "'1.5' is not a valid enquiry id"),
        (["99999999999999999999"], "is not in the range"),
        (["--email"], "Option '--email' requires an argument"),
        (["--email", ""], "not an e-mail address such as name@example.kz"),
        (["--email", "not-an-address"], "not an e-mail address such as name@example.kz"),
        (["--email", "a@b@example.kz"], "not an e-mail address such as name@example.kz"),
        (["--email", "%@example.kz' OR 1=1 --"], "not an e-mail address such as name@example.kz"),
        (["--email", "x" * 300 + "@example.kz"], "not an e-mail address such as name@example.kz"),
        (["--dry-run=yes", "1"], "Option '--dry-run' does not take a value"),
    ],
)
def test_hostile_arguments_get_a_usage_error_and_destroy_nothing(app, args, message):
    enquire(app, "asel@example.kz")
    before = dump(app)
    result = forget(app, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert "OR 1=1" not in result.output and "xxxx" not in result.output
    assert dump(app) == before


@pytest.fixture
def postgres_app(make_app, postgres_uri):
    return make_app(**SETTINGS, SQLALCHEMY_DATABASE_URI=postgres_uri)


def test_forget_on_postgresql(postgres_app):
    mine = enquire(postgres_app, "Asel+1@example.kz", newsletter=True)
    other = enquire(postgres_app, "bolat@example.kz")
    by_id = enquire(postgres_app, "bolat@example.kz")
    result = forget(postgres_app, "--email", "asel@example.kz", str(by_id))
    assert result.exit_code == 0, result.output
    assert f"destroyed 2 enquiries on request: {mine} {by_id}" in result.output
    assert_only_left(postgres_app, [other])
    reasons = [c.destroyed_reason for c in consents(postgres_app) if c.subject is None]
    assert reasons == ["withdrawn"] * 3
