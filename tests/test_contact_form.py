"""The form's fields: what each accepts, cleans and refuses, and how refusals are shown."""

import re

import pytest
from werkzeug.datastructures import MultiDict

from .contact_helpers import (
    SETTINGS,
    VALID,
    consents,
    enquiries,
    open_form,
    send,
)


@pytest.fixture
def app(make_app):
    return make_app(**SETTINGS, tables=True)


def field_error(html, field_id):
    """The error text linked to a field, or None."""
    match = re.search(rf'<p class="field-error" id="{field_id}-error">(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else None


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
    ("field", "typed", "stored"),
    [
        ("email", "User@Example.KZ", "User@example.kz"),
        ("email", "aliya@пример.қаз", "aliya@xn--e1afmkfd.xn--80ao21a"),
        ("phone", "+7 701 123 45 67", "+77011234567"),
        ("phone", "87011234567", "+77011234567"),
        ("phone", "8 (701) 123-45-67", "+77011234567"),
        ("phone", "7011234567", "+77011234567"),
        ("phone", "+7 727 250 12 34", "+77272501234"),
        ("phone", "+7 495 123 45 67", "+74951234567"),
        ("phone", "", None),
        ("phone", "   ", None),
    ],
)
def test_e_mail_addresses_and_phones_are_stored_normalised(app, client, field, typed, stored):
    assert send(client, **{field: typed}).status_code == 303
    assert getattr(enquiries(app)[0], field) == stored


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
