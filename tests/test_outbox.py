"""The outbox: mail arrives intact and once, headers are safe, logs hold no personal data."""

import email
import email.policy
import logging
from email.header import decode_header, make_header

import pytest

from qb.extensions import db
from qb.outbox.services import queue_mail

from .outbox_helpers import KAZAKH, queue, row, rows, send


@pytest.fixture
def mail_app(make_app, smtp_server):
    return make_app(**smtp_server.settings(), tables=True)


@pytest.fixture
def qb_logs(caplog):
    """caplog recording everything our loggers say."""
    caplog.set_level(logging.DEBUG)
    return caplog


def test_a_pass_delivers_multipart_utf8_with_kazakh_letters(mail_app, smtp_server):
    [message_id] = queue(
        mail_app,
        to="operator@example.kz",
        to_name="Әсем Құл",
        reply_to="visitor@example.kz",
        reply_to_name="Ғалым Үлгі",
        subject=f"Өтініш №1: {KAZAKH}",
    )
    assert "sent 1, deferred 0, failed 0" in send(mail_app)

    [got] = smtp_server.wait_for(1)
    msg = got.message
    stored = row(mail_app, message_id)
    assert got.rcpt_tos == ["operator@example.kz"]
    assert got.mail_from == "no-reply@qauipsizbolashaq.kz"
    assert msg["Subject"] == f"Өтініш №1: {KAZAKH}"
    assert msg["To"].addresses[0].display_name == "Әсем Құл"
    assert msg["To"].addresses[0].addr_spec == "operator@example.kz"
    assert msg["Reply-To"].addresses[0].display_name == "Ғалым Үлгі"
    assert msg["Reply-To"].addresses[0].addr_spec == "visitor@example.kz"
    assert str(make_header(decode_header(msg["From"]))) == (
        "Qauipsiz Bolashaq <no-reply@qauipsizbolashaq.kz>"
    )
    assert msg["Message-ID"] == stored["message_id"]
    assert stored["message_id"].endswith("@qauipsizbolashaq.kz>")
    assert msg["Date"] and msg["MIME-Version"] == "1.0"
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert text.get_content_charset() == html.get_content_charset() == "utf-8"
    assert f"Сәлем! {KAZAKH}" in text.get_content()
    assert f"<p>Сәлем! {KAZAKH}</p>" in html.get_content()


def test_a_sent_message_leaves_a_transfer_record_without_its_content(mail_app, smtp_server):
    [message_id] = queue(mail_app, reply_to="visitor@example.kz", reply_to_name="Ғалым")
    send(mail_app)
    smtp_server.wait_for(1)
    record = row(mail_app, message_id)
    assert record["status"] == "sent" and record["sent_at"] and record["attempts"] == 1
    assert record["body_text"] is record["body_html"] is None
    assert record["reply_to"] is record["reply_to_name"] is None
    assert record["recipient"] == "person1@example.kz" and record["kind"] == "test"
    # A second pass finds nothing to do.
    assert "sent 0, deferred 0, failed 0" in send(mail_app)
    assert len(smtp_server.messages) == 1


def test_the_same_key_queues_one_message(mail_app):
    with mail_app.app_context():
        first = queue_mail(kind="t", key="k:1", to="a@example.kz", subject="s", text="t", html="h")
        again = queue_mail(kind="t", key="k:1", to="b@example.kz", subject="x", text="x", html="x")
        assert again is first
        db.session.commit()
        later = queue_mail(kind="t", key="k:1", to="c@example.kz", subject="y", text="y", html="y")
        assert later.id == first.id and later.recipient == "a@example.kz"
        db.session.commit()
    assert len(rows(mail_app)) == 1


def test_queued_mail_is_part_of_the_callers_transaction(mail_app):
    with mail_app.app_context():
        queue_mail(kind="t", key="k:1", to="a@example.kz", subject="s", text="t", html="h")
        db.session.rollback()
    assert rows(mail_app) == []


HOSTILE = "Айгүл\r\nBcc: victim@example.org\r\nX-Injected: yes"


@pytest.mark.parametrize("field", ["to_name", "reply_to_name", "subject"])
def test_hostile_header_values_cannot_add_headers(mail_app, smtp_server, field):
    queue(mail_app, reply_to="visitor@example.kz", **{field: HOSTILE})
    send(mail_app)
    [got] = smtp_server.wait_for(1)
    assert got.rcpt_tos == ["person1@example.kz"]
    assert got.message["Bcc"] is None and got.message["X-Injected"] is None
    assert b"\nBcc:" not in got.raw and b"\nX-Injected:" not in got.raw


def test_line_separators_and_control_characters_leave_headers(mail_app):
    with mail_app.app_context():
        message = queue_mail(
            kind="t",
            key="k:1",
            to="a@example.kz",
            to_name="A\u2028B\x85C\x00D\tE",
            subject="S\u2029T\x1bU",
            text="body\x00 keeps\r\nits lines",
            html="<p>x</p>",
        )
        assert message.recipient_name == "A B C D E"
        assert message.subject == "S T U"
        assert message.body_text == "body keeps\r\nits lines"


def test_without_a_mail_server_messages_become_eml_files(make_app, tmp_path, qb_logs):
    app = make_app(tables=True)  # test settings: no MAIL_SERVER, .eml dir in tmp_path
    [first, second] = queue(app, 2)
    assert "sent 2, deferred 0, failed 0" in send(app)
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert [f.name.endswith((f"-{first}.eml", f"-{second}.eml")) for f in files] == [True, True]
    msg = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert msg["Subject"] == f"Өтініш №1: {KAZAKH}"
    assert str(files[0]) in qb_logs.text
    assert {r["status"] for r in rows(app)} == {"sent"}


def test_logs_hold_ids_never_personal_data(make_app, smtp_server, qb_logs):
    app = make_app(**smtp_server.settings(), tables=True)
    personal = {
        "to": "aigul.secret@example.kz",
        "to_name": "Айгүл Құпия",
        "reply_to": "visitor.secret@example.kz",
        "reply_to_name": "Ғалым Жасырын",
        "subject": "Тақырып Құпия",
        "text": "Хабарлама мәтіні құпия",
        "html": "<b>Хабарлама мәтіні құпия</b>",
    }
    queue(app, **personal)
    queue(app, start=2, **{**personal, "to": "refused.secret@example.kz"})
    smtp_server.refuse.add("refused.secret@example.kz")
    smtp_server.stop()
    send(app, "--now")  # down: both deferred
    smtp_server.start()
    send(app, "--now")  # up: one sent, one refused for good
    smtp_server.wait_for(1)

    ours = "\n".join(r.getMessage() for r in qb_logs.records if r.name.startswith("qb"))
    assert "deferred" in ours and "sent message 1" in ours and "message 2 (test) failed" in ours
    words = {w for value in personal.values() for w in value.split() if len(w) > 3}
    assert words and not [w for w in words if w in ours]
    assert "secret" not in ours and "example.kz" not in ours


@pytest.mark.parametrize("field", ["to", "reply_to"])
def test_a_hostile_address_fails_the_message_instead_of_adding_a_header(
    mail_app, smtp_server, field
):
    [message_id] = queue(mail_app, **{field: "a@example.kz\r\nBcc: victim@example.org"})
    queue(mail_app, start=2)
    assert "sent 1, deferred 0, failed 1" in send(mail_app)
    [got] = smtp_server.wait_for(1)
    assert got.rcpt_tos == ["person2@example.kz"]
    assert row(mail_app, message_id)["status"] == "failed"
