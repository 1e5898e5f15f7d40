"""The contact form: what it shows, what it accepts, what it refuses, and what it stores."""

import logging
import re
import threading

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from qb.contact.services import text_digest
from qb.extensions import db

from .contact_helpers import (
    KAZAKH_NAME,
    SETTINGS,
    VALID,
    aged_token,
    consents,
    enquiries,
    hidden_fields,
    open_form,
    outbox,
    send,
    with_tables,
)


@pytest.fixture
def app(make_app):
    return with_tables(make_app(**SETTINGS))


@pytest.fixture
def client(app):
    return app.test_client()


def field_error(html, field_id):
    """The error text linked to a field, or None."""
    match = re.search(rf'<p class="field-error" id="{field_id}-error">(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else None


# --- What the page shows ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/contact", "/ru/contact", "/en/contact"])
def test_the_form_is_on_the_contact_page_in_every_language(client, path):
    html = client.get(path).text
    assert 'href="mailto:Qauipsizbolashaq@yandex.ru"' in html  # the details stay above it
    assert html.index("mailto:") < html.index("<form")
    for name in ("name", "email", "phone", "message", "consent", "newsletter"):
        assert f'name="{name}"' in html
    assert 'autocomplete="name"' in html and 'autocomplete="email"' in html
    assert 'autocomplete="tel"' in html
    for box in ("enquiry-consent", "newsletter-consent"):
        tag = re.search(rf'<input type="checkbox" id="{box}"[^>]*>', html).group(0)
        assert "checked" not in tag
    label = re.search(r'<label for="enquiry-consent">(.*?)</label>', html, re.S).group(1)
    politika = path.replace("contact", "politika")
    assert f'href="{politika}"' in label


def test_the_phone_format_is_shown_before_the_input(client):
    html = client.get("/en/contact").text
    hint = html.index('id="phone-hint"')
    assert "+7 701 123 45 67" in html[hint : html.index('id="phone"')]
    assert re.search(r'id="phone"[^>]*aria-describedby="phone-hint"', html, re.S)


@pytest.mark.parametrize(
    ("path", "country", "home"),
    [
        ("/contact", "Ресей", "Қазақстан"),
        ("/ru/contact", "Россия", "Казахстан"),
        ("/en/contact", "Russia", "Kazakhstan"),
    ],
)
def test_the_consent_text_has_what_the_law_asks(make_app, path, country, home):
    app = with_tables(
        make_app(
            **SETTINGS,
            OPERATOR_NAME="ТОО «Qauipsiz Bolashaq»",
            OPERATOR_BIN="123456789012",
            ENQUIRY_RETENTION_DAYS=400,
        )
    )
    html = app.test_client().get(path).text
    text = re.search(r'id="enquiry-consent-text">(.*?)</div>', html, re.S).group(1)
    for part in (
        "Qauipsiz Bolashaq",
        "123456789012",
        "400",
        "Yandex",
        country,
        home,
        "Qauipsizbolashaq@yandex.ru",
    ):
        assert part in text, part


def test_without_a_bin_the_clause_is_left_out(client):
    text = re.search(r'id="enquiry-consent-text">(.*?)</div>', client.get("/en/contact").text, re.S)
    assert "BIN" not in text.group(1)
    assert "Qauipsiz Bolashaq processes my personal data" in text.group(1)


def test_every_visit_gets_its_own_form_token_and_nonce(client):
    first, second = client.get("/en/contact"), client.get("/en/contact")
    assert hidden_fields(first.text)["form_token"] != hidden_fields(second.text)["form_token"]
    for response in (first, second):
        nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
        assert "qbnonce" not in response.text
        assert all(n == nonce.group(1) for n in re.findall(r'nonce="([^"]+)"', response.text))


# --- A valid enquiry -------------------------------------------------------------------


def test_a_valid_enquiry_is_stored_with_its_consent_and_two_mails(app, client):
    page = client.get("/ru/contact").text
    response = client.post(
        "/ru/contact", data={**hidden_fields(page), **VALID, "newsletter": "yes"}
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/ru/contact/thanks"
    [enquiry] = enquiries(app)
    assert (enquiry.name, enquiry.email, enquiry.phone) == (
        KAZAKH_NAME,
        VALID["email"],
        "+77011234567",
    )
    assert enquiry.message == VALID["message"]
    assert enquiry.language == "ru" and enquiry.status == "new"

    shown = re.search(r'id="enquiry-consent-text">(.*?)</div>', page, re.S).group(1)
    shown_newsletter = re.search(r'id="newsletter-consent-text">(.*?)</div>', page, re.S).group(1)
    given, newsletter = consents(app)
    assert (given.purpose, given.status, given.method) == ("enquiry", "given", "contact-form")
    assert given.text_sha256 == text_digest(shown)
    assert (newsletter.purpose, newsletter.status) == ("newsletter", "pending")
    assert newsletter.text_sha256 == text_digest(shown_newsletter)
    for record in (given, newsletter):
        assert record.enquiry_id == enquiry.id
        assert record.language == "ru" and record.policy_revision == 1 and record.text_version == 1
        assert record.created_at is not None

    operator, visitor = outbox(app)
    assert operator.idempotency_key == f"enquiry:{enquiry.id}:operator"
    assert operator.recipient == "Qauipsizbolashaq@yandex.ru"
    assert (operator.reply_to, operator.reply_to_name) == (VALID["email"], KAZAKH_NAME)
    assert visitor.idempotency_key == f"enquiry:{enquiry.id}:visitor"
    assert (visitor.recipient, visitor.recipient_name) == (VALID["email"], KAZAKH_NAME)
    assert {operator.ref, visitor.ref} == {f"enquiry:{enquiry.id}"}
    for mail in (operator, visitor):
        assert KAZAKH_NAME not in mail.subject and VALID["email"] not in mail.subject


def test_the_newsletter_box_is_optional_and_separate(app, client):
    assert send(client).status_code == 303
    assert [c.purpose for c in consents(app)] == ["enquiry"]
    assert "Біз сізге ешқандай жарнама жібермейміз." in outbox(app)[1].body_text


def test_the_thanks_page_is_localised(client):
    assert "Спасибо за сообщение" in client.get("/ru/contact/thanks").text
    assert "Хабарламаңызға рақмет" in client.get("/contact/thanks").text


def test_nothing_about_the_visitor_beyond_the_form_is_stored(app):
    client = app.test_client()
    headers = {"User-Agent": "Mozilla/5.0 TestAgent/9.9"}
    data = {**open_form(client), **VALID}
    client.post(
        "/contact", data=data, headers=headers, environ_base={"REMOTE_ADDR": "203.0.113.77"}
    )
    with app.app_context():
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("enquiry")}
        columns |= {c["name"] for c in sa.inspect(db.engine).get_columns("enquiry_consent")}
        dump = repr(
            [
                db.session.execute(sa.text(f"select * from {t}")).all()
                for t in ("enquiry", "enquiry_consent", "outbox_message")
            ]
        )
    assert not {c for c in columns if "ip" in c.split("_") or "agent" in c or "address" in c}
    assert "203.0.113.77" not in dump and "TestAgent" not in dump


# --- Validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Әсел Нұрланқызы",
        "Іңкәр Һасанова-Өтегенова",
        "Ғалым Үмбетов",
        "Анна-Мария Петрова",
        "Фёдор Ёлкин",
        "Mary O'Neil",
        "Jean-Luc D’Arcy",
        "Qaiyrbek Ālimov",
        "Ne\u0301stor Ivanov",
        "Tʼaqa Nur",
    ],
)
def test_names_in_kazakh_russian_and_latin_letters_are_accepted(app, client, name):
    assert send(client, name=name).status_code == 303
    assert enquiries(app)[0].name == name.replace("e\u0301", "é")  # stored in NFC


@pytest.mark.parametrize(
    "name",
    [
        "R2D2",
        "Айгүл 😀",
        "<script>alert(1)</script>",
        "12345",
        "--",
        "А",
        "Α" + "λέξης",
        "x" * 101,
        "@#$%",
        "Иван; DROP TABLE enquiry",
    ],
)
def test_other_names_are_refused_and_kept(app, client, name):
    response = send(client, "/en/contact", name=name)
    assert response.status_code == 422
    assert field_error(response.text, "name")
    assert re.search(r'id="name"[^>]*aria-invalid="true"', response.text, re.S)
    assert re.search(r'id="name"[^>]*aria-describedby="name-error"', response.text, re.S)
    assert "<script>alert" not in response.text  # shown escaped
    assert 'value="asel@example.kz"' in response.text  # everything else kept
    assert enquiries(app) == []


def test_control_and_invisible_characters_are_removed(app, client):
    response = send(
        client,
        name="\u202eӘсел\u200b  Нұр\u00adлан\x07\t",
        email=" asel@example.kz\u200b",
        message="Бірінші жол\r\nекінші\x00 жол\u202e\tсоңы\n\n",
    )
    assert response.status_code == 303
    [enquiry] = enquiries(app)
    assert enquiry.name == "Әсел Нұрлан"
    assert enquiry.email == "asel@example.kz"
    assert enquiry.message == "Бірінші жол\nекінші жол\tсоңы"


@pytest.mark.parametrize("value", ["on", "0", "off", "no", "true", "YES", "yes ", "", None])
def test_consent_must_be_exactly_the_value_the_box_sends(app, client, value):
    response = send(client, "/ru/contact", consent=value)
    assert response.status_code == 422
    assert "Отметьте поле" in field_error(response.text, "enquiry-consent")
    assert enquiries(app) == []


@pytest.mark.parametrize("value", ["on", "1", "true", "YES"])
def test_a_forged_newsletter_value_records_no_opt_in(app, client, value):
    assert send(client, newsletter=value).status_code == 303
    assert [c.purpose for c in consents(app)] == ["enquiry"]


@pytest.mark.parametrize(
    ("email", "stored"),
    [
        ("User@Example.KZ", "User@example.kz"),
        ("aliya@пример.қаз", "aliya@xn--e1afmkfd.xn--80ao21a"),
    ],
)
def test_e_mail_addresses_are_normalised(app, client, email, stored):
    assert send(client, email=email).status_code == 303
    assert enquiries(app)[0].email == stored


@pytest.mark.parametrize(
    "email",
    [
        "a@b",
        "asel",
        "a@example.com\r\nBcc: x@y.z",
        "алия@example.kz",
        "a@example.com,b@example.com",
        "Aliya <a@example.com>",
        "a@example..com",
        "x" * 250 + "@a.kz",
        "",
    ],
)
def test_bad_e_mail_addresses_are_refused(app, client, email):
    response = send(client, "/en/contact", email=email)
    assert response.status_code == 422
    assert field_error(response.text, "email")
    assert enquiries(app) == []


@pytest.mark.parametrize(
    ("phone", "stored"),
    [
        ("+7 701 123 45 67", "+77011234567"),
        ("87011234567", "+77011234567"),
        ("8 (701) 123-45-67", "+77011234567"),
        ("7011234567", "+77011234567"),
        ("+7 727 250 12 34", "+77272501234"),
        ("+7 495 123 45 67", "+74951234567"),
        ("", None),
        ("   ", None),
    ],
)
def test_phone_numbers_are_stored_in_e164(app, client, phone, stored):
    assert send(client, phone=phone).status_code == 303
    assert enquiries(app)[0].phone == stored


@pytest.mark.parametrize(
    "phone",
    [
        "+7 600 123 45 67",
        "+7 701 123 45 678",
        "+7 701 1234",
        "+7 (7О1) 123 45 67",
        "abc",
        "1" * 31,
        "+7 701 123 45 67" * 3,
    ],
)
def test_bad_phone_numbers_are_refused_in_the_page_language(app, client, phone):
    response = send(client, "/ru/contact", phone=phone)
    assert response.status_code == 422
    assert "Введите номер телефона" in field_error(response.text, "phone") or "длинный" in (
        field_error(response.text, "phone")
    )
    assert enquiries(app) == []


def test_a_missing_or_too_long_message_is_refused(app, client):
    assert field_error(send(client, "/en/contact", message=" \n ").text, "message")
    too_long = send(client, "/en/contact", message="ә" * 5001)
    assert "5000" in field_error(too_long.text, "message")
    assert send(client, message="ә" * 5000).status_code == 303
    assert len(enquiries(app)) == 1


def test_errors_come_with_a_summary_that_links_to_each_field(client):
    response = send(client, "/en/contact", name="", email="nope", consent=None)
    html = response.text
    summary = re.search(r'<div class="error-summary" role="alert"[^>]*>(.*?)</div>', html, re.S)
    assert summary and "autofocus" in summary.group(0)
    for field_id in ("name", "email", "enquiry-consent"):
        assert f'href="#{field_id}"' in summary.group(1)
        assert field_error(html, field_id)
    assert 'value="+7 701 123 45 67"' in html  # the valid fields are kept too
    assert VALID["message"] in html


def test_the_first_of_duplicate_parameters_counts(app, client):
    data = [*open_form(client).items(), *VALID.items()]
    data = [(k, v) for k, v in data if k != "name"] + [("name", "Әсел Нұр"), ("name", "R2D2")]
    data += [("consent", "no")]  # a second consent value changes nothing
    assert client.post("/contact", data=MultiDict(data)).status_code == 303
    assert enquiries(app)[0].name == "Әсел Нұр"


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "done", "id": "5", "language": "xx", "created_at": "1999"},
        {"name": "\x00" * 50},
        {"form_token": "..."},
        {"message": "{{ 7*7 }} {% raw %}"},
        {"consent": "yes\r\nBcc: x@y.z"},
        {"email": "a@example.kz\nBcc: x@y.z"},
    ],
)
def test_hostile_fields_never_cause_a_server_error(app, client, fields):
    response = send(client, **fields)
    assert response.status_code in (303, 400, 422)
    for enquiry in enquiries(app):
        assert enquiry.status == "new" and enquiry.language == "kk"
        assert "49" not in enquiry.message


def test_a_body_that_is_not_utf8_gets_an_answer(app, client):
    fields = open_form(client)
    body = "&".join(f"{k}={v}" for k, v in fields.items()).encode() + b"&name=%FF%FE&consent=yes"
    response = client.post("/contact", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (400, 422)
    assert enquiries(app) == []


# --- CSRF, bots and replays ------------------------------------------------------------


def test_without_a_csrf_token_nothing_is_stored_and_the_input_is_kept(app, client):
    response = send(client, "/ru/contact", csrf_token=None)
    assert response.status_code == 400
    assert "Срок действия формы истёк" in response.text
    assert 'value="asel@example.kz"' in response.text
    assert enquiries(app) == [] and outbox(app) == []
    resend = client.post("/ru/contact", data={**hidden_fields(response.text), **VALID})
    assert resend.status_code == 303


def test_a_forged_csrf_token_is_refused(app, client):
    assert send(client, csrf_token="forged").status_code == 400
    assert enquiries(app) == []


def test_a_filled_honeypot_looks_like_success_and_stores_nothing(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    response = send(client, "/en/contact", website="http://spam.example")
    assert response.status_code == 303
    assert response.headers["Location"] == "/en/contact/thanks"
    assert enquiries(app) == [] and outbox(app) == []
    assert "honeypot" in caplog.text
    assert "asel" not in caplog.text and "spam.example" not in caplog.text


def test_a_form_sent_too_fast_is_refused_kindly_and_keeps_the_input(make_app):
    app = with_tables(make_app(RATELIMIT_ENABLED=False, CONTACT_MIN_FILL_SECONDS=3))
    client = app.test_client()
    fast = send(client, "/en/contact")
    assert fast.status_code == 422
    assert "That was very quick" in fast.text
    assert VALID["message"] in fast.text and enquiries(app) == []

    fields = hidden_fields(fast.text)
    key = fields["form_token"].split(".")[0]
    fields["form_token"] = aged_token(app, key, seconds=10)
    assert client.post("/en/contact", data={**fields, **VALID}).status_code == 303
    assert len(enquiries(app)) == 1


def test_a_forged_form_token_is_refused(app, client):
    response = send(client, "/en/contact", form_token="abc.def.ghi")
    assert response.status_code == 400
    assert "This form has expired" in response.text
    assert enquiries(app) == []


def test_a_replayed_post_creates_one_enquiry(app, client):
    data = {**open_form(client), **VALID}
    first = client.post("/contact", data=data)
    second = client.post("/contact", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(enquiries(app)) == 1
    assert len(outbox(app)) == 2


def test_a_double_click_sent_concurrently_creates_one_enquiry(app):
    client = app.test_client()
    data = {**open_form(client), **VALID}
    cookie = client.get_cookie("session").value
    statuses, start = [], threading.Barrier(6)

    def click():
        twin = app.test_client()
        twin.set_cookie("session", cookie)
        start.wait()
        statuses.append(twin.post("/contact", data=data).status_code)

    threads = [threading.Thread(target=click) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [303] * 6
    assert len(enquiries(app)) == 1 and len(consents(app)) == 1 and len(outbox(app)) == 2


# --- One transaction, and logs ---------------------------------------------------------


def test_if_a_mail_cannot_be_queued_nothing_is_stored(app, client, monkeypatch):
    from qb.contact import services
    from qb.outbox.services import queue_mail

    calls = []

    def second_fails(**fields):
        calls.append(fields["kind"])
        if len(calls) == 2:
            raise RuntimeError("outbox unavailable")
        return queue_mail(**fields)

    monkeypatch.setattr(services, "queue_mail", second_fails)
    response = send(client)
    assert response.status_code == 500
    assert enquiries(app) == [] and consents(app) == [] and outbox(app) == []


def test_logs_carry_ids_and_never_personal_data(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    assert send(client, newsletter="yes").status_code == 303
    enquiry = enquiries(app)[0]
    assert f"enquiry {enquiry.id}" in caplog.text
    for secret in (
        KAZAKH_NAME,
        "Әсел",
        VALID["email"],
        "asel",
        "7011234567",
        "701 123",
        VALID["message"][:20],
    ):
        assert secret not in caplog.text


# --- PostgreSQL: the unique submission key under concurrency ---------------------------


@pytest.fixture
def postgres_app(make_app, postgres_uri):
    from qb.contact.models import ConsentRecord, Enquiry
    from qb.outbox.models import OutboxMessage

    app = make_app(**SETTINGS, SQLALCHEMY_DATABASE_URI=postgres_uri)
    upgrade = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert upgrade.exit_code == 0, upgrade.output

    def empty():
        with app.app_context():
            for model in (ConsentRecord, Enquiry, OutboxMessage):
                db.session.execute(model.__table__.delete())
            db.session.commit()

    empty()
    yield app
    empty()


def test_a_double_click_on_postgresql_creates_one_enquiry(postgres_app):
    client = postgres_app.test_client()
    data = {**open_form(client), **VALID, "newsletter": "yes"}
    cookie = client.get_cookie("session").value
    statuses, start = [], threading.Barrier(6)

    def click():
        twin = postgres_app.test_client()
        twin.set_cookie("session", cookie)
        start.wait()
        statuses.append(twin.post("/ru/contact", data=data).status_code)

    threads = [threading.Thread(target=click) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [303] * 6
    [enquiry] = enquiries(postgres_app)
    assert enquiry.name == KAZAKH_NAME  # Kazakh letters round-trip through PostgreSQL
    assert len(consents(postgres_app)) == 2 and len(outbox(postgres_app)) == 2
