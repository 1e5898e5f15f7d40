"""Form fields come from one macro: lengths, "required" and aria wiring follow the form class."""

import importlib
import pkgutil
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.numbers import format_decimal
from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, InputRequired, Length

import qb
from qb.contact.forms import EnquiryForm

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
FIELD_MACROS = TEMPLATES / "macros" / "fields.html"
CONTACT = {"kk": "/contact", "ru": "/ru/contact", "en": "/en/contact"}
CONTROL = re.compile(r"<(?:input|textarea|select)\b[^>]*>", re.S)
TEXT_FIELDS = ("name", "email", "phone", "message")


class Controls(HTMLParser):
    """The attributes of every form control by name, and every id of a page."""

    def __init__(self, html):
        super().__init__()
        self.by_name, self.ids, self.labels = {}, set(), set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "label" and "for" in attrs:
            self.labels.add(attrs["for"])
        if tag in ("input", "textarea", "select") and "name" in attrs:
            assert attrs["name"] not in self.by_name, f"two controls named {attrs['name']}"
            self.by_name[attrs["name"]] = attrs


def unbound_fields(form_class):
    """{name: UnboundField} of a form class, as declared."""
    return {
        name: value
        for name in dir(form_class)
        if isinstance(value := getattr(form_class, name, None), UnboundField)
    }


def validators(form_class, name):
    return list(unbound_fields(form_class)[name].kwargs.get("validators") or [])


def length(form_class, name):
    [rule] = [v for v in validators(form_class, name) if isinstance(v, Length)]
    return rule


def every_form_class():
    """Every WTForms form the application defines."""
    for module in pkgutil.walk_packages(qb.__path__, "qb."):
        importlib.import_module(module.name)
    found, pending = set(), [FlaskForm]
    while pending:
        for sub in pending.pop().__subclasses__():
            if sub not in found and sub.__module__.startswith("qb."):
                found.add(sub)
            pending.append(sub)
    return found


def hidden_fields(html):
    return dict(re.findall(r'name="(csrf_token|form_token)" value="([^"]*)"', html))


@pytest.fixture
def client(make_app):
    return make_app(RATELIMIT_ENABLED=False, CONTACT_MIN_FILL_SECONDS=0).test_client()


def error_page(client, path):
    """The form sent back with an error on every field that can have one."""
    bad = {"name": "R2D2", "email": "nope", "phone": "12", "message": "", "consent": "no"}
    response = client.post(path, data={**hidden_fields(client.get(path).text), **bad})
    assert response.status_code == 422
    return response.text


@pytest.mark.parametrize("lang", CONTACT)
def test_every_length_is_the_one_the_form_class_checks(client, lang):
    for html in (client.get(CONTACT[lang]).text, error_page(client, CONTACT[lang])):
        controls = Controls(html).by_name
        for name in TEXT_FIELDS:
            rule = length(EnquiryForm, name)
            assert controls[name]["maxlength"] == str(rule.max), name
            if rule.min > 0:
                assert controls[name]["minlength"] == str(rule.min), name
            else:
                assert "minlength" not in controls[name], name
            required = any(
                isinstance(v, DataRequired | InputRequired) for v in validators(EnquiryForm, name)
            )
            assert ("required" in controls[name]) is required, name


@pytest.mark.parametrize("lang", CONTACT)
def test_the_message_hint_names_the_forms_own_limit(client, lang):
    html = client.get(CONTACT[lang]).text
    hint = re.search(r'<p class="hint" id="message-hint">(.*?)</p>', html).group(1)
    assert format_decimal(length(EnquiryForm, "message").max, locale=lang) in hint


def test_lengths_and_required_follow_the_validators_not_the_template(make_app, monkeypatch):
    rule = length(EnquiryForm, "name")
    monkeypatch.setattr(rule, "max", 77)
    monkeypatch.setattr(rule, "field_flags", {"minlength": rule.min, "maxlength": 77})
    controls = Controls(make_app().test_client().get("/en/contact").text).by_name
    assert controls["name"]["maxlength"] == "77"


@pytest.mark.parametrize("lang", CONTACT)
def test_every_field_of_the_form_is_on_the_page_once_with_a_label(client, lang):
    for html in (client.get(CONTACT[lang]).text, error_page(client, CONTACT[lang])):
        page = Controls(html)
        assert set(unbound_fields(EnquiryForm)) <= set(page.by_name)
        for name in set(unbound_fields(EnquiryForm)) - {"form_token"}:
            assert page.by_name[name]["id"] in page.labels, name


@pytest.mark.parametrize("lang", CONTACT)
def test_errors_are_linked_to_their_fields(client, lang):
    page = Controls(html := error_page(client, CONTACT[lang]))
    for name in (*TEXT_FIELDS, "consent"):
        control = page.by_name[name]
        assert control["aria-invalid"] == "true", name
        described = control["aria-describedby"].split()
        assert f"{control['id']}-error" in described, name
        assert f'<p class="field-error" id="{control["id"]}-error">' in html
    for control in page.by_name.values():  # every description the page points to exists
        for ref in (control.get("aria-describedby") or "").split():
            assert ref in page.ids, ref


def test_the_blank_form_marks_nothing_invalid(client):
    html = client.get("/en/contact").text
    assert "aria-invalid" not in html and "field-error" not in html
    page = Controls(html)
    assert page.by_name["phone"]["aria-describedby"] == "phone-hint"
    assert page.by_name["consent"]["aria-describedby"] == "enquiry-consent-text"
    assert page.by_name["website"]["autocomplete"] == "off"  # the honeypot


def test_no_template_writes_a_form_field_by_hand():
    names = {name for form in every_form_class() for name in unbound_fields(form)}
    assert {"name", "email", "message", "consent"} <= names
    written = []
    for path in TEMPLATES.rglob("*.html"):
        if path == FIELD_MACROS or (TEMPLATES / "content") in path.parents:
            continue
        for tag in CONTROL.findall(path.read_text(encoding="utf-8")):
            name = re.search(r'\bname="([^"]*)"', tag)
            if name and name.group(1) in names:
                written.append(f"{path.relative_to(ROOT)}: {tag}")
    assert not written, "use templates/macros/fields.html:\n" + "\n".join(written)
