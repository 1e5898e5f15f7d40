"""The "my data" forms: the address to mail a link to, a correction, a new address."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from ..webforms import (
    EMAIL_MAX,
    NAME_MAX,
    PHONE_INPUT_MAX,
    ScreenedForm,
    clean_line,
    email_address,
    person_name,
    phone_number,
)

TOKEN_SALT = "qb.rights.form-token"
FORM_KEY = "my-data"  # a link request is found by its mailbox, not by a key of the form


def _email_field(label):
    return StringField(
        label,
        filters=[clean_line],
        validators=[
            DataRequired(_l("Please enter your e-mail address.")),
            Length(max=EMAIL_MAX, message=_l("This e-mail address is too long.")),
            email_address,
        ],
    )


class LinkRequestForm(ScreenedForm):
    """The address to mail a link to, with the form token and honeypot every public form has."""

    TOKEN_SALT = TOKEN_SALT

    email = _email_field(_l("E-mail"))


class SessionForm(FlaskForm):
    """A form inside a "my data" session: the CSRF token is checked as on every POST."""

    class Meta:
        def get_translations(self, form):
            return None  # our own messages only (see webforms.ScreenedForm)


class CorrectionForm(SessionForm):
    """Name and phone, checked as the contact form checks them."""

    name = StringField(
        _l("Full name"),
        filters=[clean_line],
        validators=[
            DataRequired(_l("Please enter your full name.")),
            Length(2, NAME_MAX, _l("Please enter between %(min)d and %(max)d characters.")),
            person_name,
        ],
    )
    phone = StringField(
        _l("Phone"),
        filters=[clean_line],
        validators=[
            Optional(),
            Length(max=PHONE_INPUT_MAX, message=_l("This phone number is too long.")),
            phone_number,
        ],
    )

    def correction(self):
        """The validated fields as the service takes them ("" for no phone at all)."""
        phone = getattr(self.phone, "normalized", "") if self.phone.data else ""
        return {"name": self.name.data, "phone": phone}


class NewEmailForm(SessionForm):
    """The address to use from now on; it gets a link of its own to prove it."""

    email = _email_field(_l("New e-mail address"))
