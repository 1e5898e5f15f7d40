"""The enquiry form: the shape of each field, cleaned and checked; deciding is the service's job."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..webforms import (
    EMAIL_MAX,
    NAME_MAX,
    PHONE_EXAMPLE,
    PHONE_INPUT_MAX,
    ScreenedForm,
    TickBox,
    clean_line,
    clean_text,
    email_address,
    person_name,
    phone_number,
    ticked,
)

MESSAGE_MAX = 5000
__all__ = ["PHONE_EXAMPLE", "EnquiryForm", "TOKEN_SALT"]
TOKEN_SALT = "qb.contact.form-token"


def line_field(label, *validators):
    """A one-line text field, cleaned by clean_line before its validators run."""
    return StringField(label, filters=[clean_line], validators=list(validators))


class EnquiryForm(ScreenedForm):
    """Name, e-mail, optional phone, message, the required consent and the optional newsletter."""

    TOKEN_SALT = TOKEN_SALT

    name = line_field(
        _l("Full name"),
        DataRequired(_l("Please enter your full name.")),
        Length(2, NAME_MAX, _l("Please enter between %(min)d and %(max)d characters.")),
        person_name,
    )
    email = line_field(
        _l("E-mail"),
        DataRequired(_l("Please enter your e-mail address.")),
        Length(max=EMAIL_MAX, message=_l("This e-mail address is too long.")),
        email_address,
    )
    phone = line_field(
        _l("Phone"),
        Optional(),
        Length(max=PHONE_INPUT_MAX, message=_l("This phone number is too long.")),
        phone_number,
    )
    message = TextAreaField(
        _l("Message"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Please write your message.")),
            Length(
                max=MESSAGE_MAX, message=_l("Please shorten your message to %(max)d characters.")
            ),
        ],
    )
    consent = TickBox(
        _l("I agree to the processing of my personal data"),
        validators=[ticked(_l("Please tick the box to agree, or write to us by e-mail instead."))],
        id="enquiry-consent",  # "consent-…" ids belong to the cookie banner
    )
    newsletter = TickBox(
        _l("Send me news about new products, services and special offers"), id="newsletter-consent"
    )

    def enquiry(self):
        """The validated fields as the service takes them (e-mail and phone normalised)."""
        return {
            "name": self.name.data,
            "email": self.email.normalized,
            "phone": getattr(self.phone, "normalized", None) if self.phone.data else None,
            "message": self.message.data,
            "newsletter": self.newsletter.data is True,
        }


class HandledForm(FlaskForm):
    """The console's "mark handled" button: a POST with its CSRF token and nothing else."""

    class Meta:
        def get_translations(self, form):
            return None
