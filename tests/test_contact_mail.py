"""Contact form mail through a real SMTP server: both mails, an outage, and a hanging server."""

import email
from email.header import decode_header, make_header
from email.utils import getaddresses

from .contact_helpers import KAZAKH_NAME, SETTINGS, VALID, enquiries, outbox, send
from .factories import new_enquiry
from .outbox_helpers import send as send_mail
from .ports import free_port
from .smtp import SmtpSink, mail_settings

SCRIPT = "<script>alert('x')</script>"


def parts(message):
    """(text part, HTML part) of a multipart/alternative message."""
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def addresses(message, header):
    return [address for _name, address in getaddresses([str(message[header])])]


def decoded(raw, header):
    """A header decoded from the raw message (policy.default splits long encoded names)."""
    return str(make_header(decode_header(email.message_from_bytes(raw)[header])))


def test_both_mails_arrive_with_the_right_recipients_headers_and_letters(make_app, smtp_server):
    app = make_app(**SETTINGS, **smtp_server.settings(), OUTBOX_BACKGROUND=True, tables=True)
    client = app.test_client()
    message = f"Сәлем! Өтінішім: {SCRIPT}\nЕкінші жол: әғқңөұүһі ӘҒҚҢӨҰҮҺІ"
    assert send(client, "/ru/contact", message=message).status_code == 303

    received = smtp_server.wait_for(2)
    by_recipient = {tuple(r.rcpt_tos): r for r in received}
    operator_raw = by_recipient[("Qauipsizbolashaq@yandex.ru",)].raw
    operator = by_recipient[("Qauipsizbolashaq@yandex.ru",)].message
    visitor = by_recipient[(VALID["email"],)].message
    enquiry_id = enquiries(app)[0].id

    assert addresses(operator, "To") == ["Qauipsizbolashaq@yandex.ru"]
    assert addresses(operator, "Reply-To") == [VALID["email"]]
    assert KAZAKH_NAME in decoded(operator_raw, "Reply-To")
    assert str(enquiry_id) in operator["Subject"]
    assert addresses(visitor, "To") == [VALID["email"]]
    assert visitor["To"] == VALID["email"]  # no display name: the name is the visitor's text
    assert visitor["Reply-To"] is None
    assert visitor["Subject"] == "Мы получили Ваше сообщение"  # the visitor's language
    for mail in (operator, visitor):
        assert mail.get_content_type() == "multipart/alternative"
        assert KAZAKH_NAME not in mail["Subject"] and "asel" not in mail["Subject"]
        assert addresses(mail, "From") and VALID["email"] not in str(mail["From"])
    operator_text, operator_html = parts(operator)
    assert "әғқңөұүһі ӘҒҚҢӨҰҮҺІ" in operator_text and "әғқңөұүһі ӘҒҚҢӨҰҮҺІ" in operator_html
    assert KAZAKH_NAME in operator_text and "+77011234567" in operator_text
    assert SCRIPT in operator_text  # plain text shows it as typed
    assert SCRIPT not in operator_html and "&lt;script&gt;" in operator_html
    # The acknowledgement repeats nothing the visitor typed: the address is not confirmed.
    for body in parts(visitor):
        for typed in ("әғқңөұүһі", "Өтінішім", "script", KAZAKH_NAME, "Әсел", "701", "asel"):
            assert typed not in body
    _, visitor_html = parts(visitor)
    assert 'href="https://qauipsizbolashaq.kz/ru/politika"' in visitor_html
    assert "mailto:Qauipsizbolashaq@yandex.ru" in visitor_html
    assert (
        operator["Subject"] == f"Сайттан келген №{enquiry_id} жаңа өтініш"
    )  # OPERATOR_LANGUAGE kk
    assert "SHA-256" in operator_text and "enquiry (given)" in operator_text


def test_the_operator_mail_uses_the_operator_language(make_app, smtp_server):
    app = make_app(**SETTINGS, **smtp_server.settings(), OPERATOR_LANGUAGE="en", tables=True)
    new_enquiry(app, language="ru")
    assert "sent 2, deferred 0, failed 0" in send_mail(app)
    subjects = {r.rcpt_tos[0]: r.message["Subject"] for r in smtp_server.wait_for(2)}
    assert subjects["Qauipsizbolashaq@yandex.ru"].startswith("New enquiry No. ")
    assert subjects[VALID["email"]] == "Мы получили Ваше сообщение"  # the visitor's language


def test_with_smtp_down_every_enquiry_is_kept_and_every_mail_arrives_later(make_app):
    port = free_port()  # nothing listens here yet
    app = make_app(**SETTINGS, **mail_settings("127.0.0.1", port, timeout=2), tables=True)
    for n in range(50):
        new_enquiry(app, email=f"visitor{n}@example.kz")
    # It fails to connect: the first batch is deferred, the pass gives up, everything is kept.
    assert "sent 0, deferred 50, failed 0" in send_mail(app)
    assert len(enquiries(app)) == 50
    assert {m.status for m in outbox(app)} == {"pending"} and len(outbox(app)) == 100

    with SmtpSink(port=port) as sink:
        assert "sent 100, deferred 0, failed 0" in send_mail(app, "--now")
        received = sink.wait_for(100)
        assert "sent 0, deferred 0, failed 0" in send_mail(app, "--now")
    assert len(sink.messages) == 100  # and no duplicates on a second pass
    recipients = sorted(r.rcpt_tos[0] for r in received)
    expected = ["Qauipsizbolashaq@yandex.ru"] * 50 + [f"visitor{n}@example.kz" for n in range(50)]
    assert recipients == sorted(expected)


def test_a_hanging_smtp_server_never_blocks_the_form(make_app, hanging_smtp_server):
    app = make_app(
        **SETTINGS, **hanging_smtp_server.settings(timeout=1), OUTBOX_BACKGROUND=True, tables=True
    )
    client = app.test_client()
    first = send(client)
    second = send(client, email="other@example.kz")
    assert first.status_code == second.status_code == 303
    assert len(enquiries(app)) == 2
    assert {m.status for m in outbox(app)} <= {"pending", "sending"}


def test_visitor_text_never_reaches_a_header(make_app, smtp_server):
    app = make_app(**SETTINGS, **smtp_server.settings(), tables=True)
    client = app.test_client()
    injected = "Сәлем\r\nBcc: evil@example.com\r\nSubject: spam"
    assert send(client, message=injected, name="Әсел Нұр").status_code == 303
    assert send(client, name="Әсел\r\nBcc: evil@example.com").status_code == 422
    assert "sent 2, deferred 0, failed 0" in send_mail(app)

    received = smtp_server.wait_for(2)
    assert sorted(r.rcpt_tos[0] for r in received) == sorted(
        ["Qauipsizbolashaq@yandex.ru", VALID["email"]]
    )
    for r in received:
        headers = r.raw.split(b"\r\n\r\n", 1)[0].decode("ascii")  # headers are plain ASCII
        assert "evil@example.com" not in headers and "spam" not in headers
        assert r.message["Bcc"] is None
