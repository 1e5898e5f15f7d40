"""The subscription form: e-mail, optional name, the required consent; its screening."""

import re
import time
import unicodedata

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from itsdangerous import BadSignature, TimestampSigner
from wtforms import Field, HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

from ..extensions import csrf
from ..logs import security_event

NAME_MAX = 100
EMAIL_MAX = 254
CHECKED = "yes"  # the only value a ticked box sends
TOKEN_SALT = "qb.newsletter.form-token"
_SPACES = re.compile(r"\s+")
_STRIPPED = {"Cc", "Cf", "Zl", "Zp", "Co", "Cs"}  # controls, invisible formatting, separators

EXPIRED = _l("This form has expired. Please check what you wrote and send it again.")
TOO_FAST = _l("That was very quick. Please check what you wrote and send it again.")
BOT = object()  # the honeypot was filled in: the bot is told nothing


def clean_line(value):
    """One line: NFC, no invisible or control characters, single spaces, trimmed."""
    if value is None:
        return value
    value = unicodedata.normalize("NFC", value)
    kept = (" " if c.isspace() else c for c in value if c.isspace() or not _invisible(c))
    return _SPACES.sub(" ", "".join(kept)).strip()


def _invisible(char):
    return unicodedata.category(char) in _STRIPPED


def email_address(_form, field):
    """A syntactically valid address (no DNS lookup), kept in its normalised ASCII form."""
    try:
        result = validate_email(field.data, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as error:
        raise ValidationError(
            _l("Please enter an e-mail address such as name@example.kz.")
        ) from error
    field.normalized = result.ascii_email or result.normalized
    if len(field.normalized) > EMAIL_MAX:
        raise ValidationError(_l("This e-mail address is too long."))


def person_name(_form, field):
    """Letters (Cyrillic or Latin), spaces, hyphens and apostrophes, starting with a letter:
    the name greets a confirmed subscriber, so it must not carry a link or a message."""

    def allowed(char):
        if char in " -'’ʼ" or unicodedata.category(char).startswith("M"):
            return True
        return char.isalpha() and unicodedata.name(char, "").startswith(("CYRILLIC", "LATIN"))

    if not field.data[:1].isalpha() or not all(map(allowed, field.data)):
        raise ValidationError(
            _l("Please write your name in letters; spaces, hyphens and apostrophes are fine.")
        )


class TickBox(Field):
    """A checkbox that counts as ticked only when it sends exactly CHECKED ("on" or "0" do not)."""

    def process_formdata(self, valuelist):
        self.data = bool(valuelist) and valuelist[0] == CHECKED

    def _value(self):
        return CHECKED


def ticked(_form, field):
    if field.data is not True:
        raise StopValidation(_l("Please tick the box to agree to receive news and offers."))


class SubscriptionForm(FlaskForm):
    """E-mail, optional name, the newsletter consent (required, unticked), form token, honeypot."""

    class Meta:
        csrf = False  # checked by screen(), so that a failure keeps what was typed

        def get_translations(self, form):
            return None  # every message is our own, translated by Flask-Babel

    email = StringField(
        _l("E-mail"),
        filters=[clean_line],
        validators=[
            DataRequired(_l("Please enter your e-mail address.")),
            Length(max=EMAIL_MAX, message=_l("This e-mail address is too long.")),
            email_address,
        ],
    )
    name = StringField(
        _l("Your name"),
        filters=[clean_line],
        validators=[
            Optional(),
            Length(2, NAME_MAX, _l("Please enter between %(min)d and %(max)d characters.")),
            person_name,
        ],
    )
    consent = TickBox(
        _l("I agree to receive news and offers by e-mail"),
        validators=[ticked],
        id="newsletter-consent",
    )
    form_token = HiddenField()
    website = StringField()  # the honeypot

    def subscription(self):
        """The validated fields as the service takes them."""
        return {"email": self.email.normalized, "name": self.name.data or None}

    def screen(self, min_fill_seconds):
        """What makes the POST unacceptable as a whole: None, EXPIRED, TOO_FAST or BOT."""
        try:
            csrf.protect()
        except CSRFError as error:
            security_event("csrf-failed", reason=error.description)
            return EXPIRED
        if (self.website.data or "").strip():
            security_event("honeypot")
            return BOT
        try:
            signer = TimestampSigner(current_app.secret_key, salt=TOKEN_SALT)
            _, signed_at = signer.unsign(self.form_token.data or "", return_timestamp=True)
        except BadSignature:
            return EXPIRED
        age = time.time() - signed_at.timestamp()
        if age < min_fill_seconds:
            security_event("too-fast", seconds=round(age, 1))
            return TOO_FAST
        return None


def new_form_token():
    """The hidden form_token: when the form was served, signed."""
    return TimestampSigner(current_app.secret_key, salt=TOKEN_SALT).sign("form").decode("ascii")
