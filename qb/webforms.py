"""What every public form shares: cleaned fields, strict tick boxes, and the screening of a
POST as a whole (CSRF token, honeypot, signed form token, time taken to fill it in).

Features build their forms on `ScreenedForm` and these validators; deciding what to do with
the input stays with each feature's services.
"""

import re
import time
import unicodedata
from contextlib import contextmanager

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, generate_csrf
from itsdangerous import BadSignature, TimestampSigner
from wtforms import Field, HiddenField, StringField
from wtforms.validators import StopValidation, ValidationError

from .extensions import csrf
from .logs import security_event
from .rendering import render_with_holes

NAME_MAX = 100
EMAIL_MAX = 254
PHONE_INPUT_MAX = 32
PHONE_REGION = "KZ"
PHONE_EXAMPLE = "+7 701 123 45 67"
CHECKED = "yes"  # the only value a ticked box sends
APOSTROPHES = "'’ʼ"
_SPACES = re.compile(r"\s+")
# Categories removed from every field: controls, invisible formatting (bidi overrides, zero
# width), line and paragraph separators, private use and lone surrogates.
_STRIPPED = {"Cc", "Cf", "Zl", "Zp", "Co", "Cs"}
_TEXT_KEPT = {"\n", "\t", "\u200d"}  # line breaks, tabs and the emoji joiner

# Problems with a form as a whole (not one field), each shown above the form.
EXPIRED = _l("This form has expired. Please check what you wrote and send it again.")
TOO_FAST = _l("That was very quick. Please check what you wrote and send it again.")
BOT = object()  # the honeypot was filled in: the bot is told nothing


def clean_line(value):
    """One line of text: NFC, no invisible or control characters, single spaces, trimmed."""
    if value is None:
        return value
    value = unicodedata.normalize("NFC", value)
    value = "".join(" " if c.isspace() else c for c in value if not _stripped(c) or c.isspace())
    return _SPACES.sub(" ", value).strip()


def clean_text(value):
    """Several lines of text: NFC, newlines kept (as \\n), other control characters removed."""
    if value is None:
        return value
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in value if c in _TEXT_KEPT or not _stripped(c)).strip()


def _stripped(char):
    return unicodedata.category(char) in _STRIPPED


def _name_char_ok(char):
    if char in " -" or char in APOSTROPHES or unicodedata.category(char).startswith("M"):
        return True
    if not char.isalpha():
        return False
    # Kazakh and Russian are written in Cyrillic, English and Kazakh's Latin alphabet in Latin.
    return unicodedata.name(char, "").startswith(("CYRILLIC", "LATIN"))


def person_name(_form, field):
    """Letters (Cyrillic or Latin) with spaces, hyphens and apostrophes, starting with a letter:
    a name can carry neither a link nor a message."""
    if not field.data[:1].isalpha() or not all(map(_name_char_ok, field.data)):
        raise ValidationError(
            _l("Please write your name in letters; spaces, hyphens and apostrophes are fine.")
        )


def email_address(_form, field):
    """A syntactically valid address (no DNS lookup), kept in its normalised ASCII form."""
    try:
        result = validate_email(field.data, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as error:
        raise ValidationError(
            _l("Please enter an e-mail address such as name@example.kz.")
        ) from error
    # What the visitor typed stays in field.data, to be shown again if another field is wrong.
    field.normalized = result.ascii_email or result.normalized
    if len(field.normalized) > EMAIL_MAX:
        raise ValidationError(_l("This e-mail address is too long."))


def phone_number(_form, field):
    """A valid phone number, Kazakhstan's unless it starts with another country's code; E.164."""
    try:
        number = phonenumbers.parse(field.data, PHONE_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _l(
                "Please enter a phone number such as %(example)s, or leave it empty.",
                example=PHONE_EXAMPLE,
            )
        )
    field.normalized = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class TickBox(Field):
    """A checkbox that counts as ticked only when it sends exactly CHECKED.

    WTForms' BooleanField takes "off", "0" or "no" as ticked: a forged value must not
    pass for consent.
    """

    def process_formdata(self, valuelist):
        self.data = bool(valuelist) and valuelist[0] == CHECKED

    def _value(self):
        return CHECKED


def ticked(message):
    """Validator: the box must be ticked."""

    def check(_form, field):
        if field.data is not True:
            raise StopValidation(message)

    return check


class ScreenedForm(FlaskForm):
    """A public form with a signed form token (a key and the time it was served) and a
    honeypot; `screen()` judges the POST as a whole before its fields are validated."""

    TOKEN_SALT = None  # each form its own, so one form's token is worthless in another

    class Meta:
        csrf = False  # checked by screen(), so that a failure keeps what the visitor typed

        def get_translations(self, form):
            # Every message here is our own, translated by Flask-Babel; loading WTForms'
            # catalogue as well would cost each request a .mo file parse.
            return None

    # Hidden: the signed key and the time the form was served.
    form_token = HiddenField()
    # A honeypot: hidden from people and screen readers, so only a bot fills it in.
    website = StringField()

    @classmethod
    def new_token(cls, key):
        """The hidden form_token for a form served now with `key`."""
        return cls._signer().sign(key).decode("ascii")

    @classmethod
    def blank_page(cls, name, key, render_page):
        """The page with this form empty, rendered once per process (render_with_holes):
        each visitor gets it with their own CSRF token, form token (for `key`) and nonce.
        `render_page(form, problem, csrf_token)` renders the page around the form."""

        def render(csrf_token, form_token):
            form = cls(formdata=None)
            form.form_token.data = form_token
            return render_page(form, None, csrf_token)

        return render_with_holes(
            name, render, csrf_token=generate_csrf(), form_token=cls.new_token(key)
        )

    @classmethod
    def _signer(cls):
        return TimestampSigner(current_app.secret_key, salt=cls.TOKEN_SALT)

    def is_bot(self):
        """The honeypot was filled in."""
        return bool((self.website.data or "").strip())

    def submission(self):
        """(key, seconds since the form was served), or None if the token is forged."""
        try:
            key, signed_at = self._signer().unsign(
                self.form_token.data or "", return_timestamp=True
            )
        except BadSignature:
            return None
        return key.decode("ascii"), time.time() - signed_at.timestamp()

    def screen(self, min_fill_seconds):
        """(problem, key) of a posted form: CSRF token, honeypot, form token, time.

        `problem` is None, EXPIRED, TOO_FAST or BOT; each refusal is logged as a security
        event, with nothing the visitor typed.
        """
        if (reason := check_csrf()) is not None:
            security_event("csrf-failed", reason=reason)
            return EXPIRED, None
        if self.is_bot():
            security_event("honeypot")
            return BOT, None
        submission = self.submission()
        if submission is None:
            return EXPIRED, None
        key, age = submission
        if age < min_fill_seconds:
            security_event("too-fast", seconds=round(age, 1))
            return TOO_FAST, key
        return None, key

    def renew_token(self, key):
        """Give a form sent back a fresh form token unless its own is still valid."""
        if not self.form_token.data or self.submission() is None:
            self.form_token.data = self.new_token(key)


def check_csrf():
    """The same CSRF check as every other POST, giving its reason instead of a 400 page."""
    try:
        csrf.protect()
    except CSRFError as error:
        return error.description
    return None


@contextmanager
def steady_answer():
    """Let the block take at least FORM_ANSWER_SECONDS, whatever it did.

    A form whose answer must not tell whether an address is known ("my data", news and
    offers) does more work for a known one (a link and its mail are stored): a few
    milliseconds that a patient client could measure. Waiting out the rest of a floor well
    above that work makes both answers take the same time.
    """
    floor = float(current_app.config["FORM_ANSWER_SECONDS"])
    started = time.monotonic()
    yield
    left = floor - (time.monotonic() - started)
    if left > 0:
        time.sleep(left)
