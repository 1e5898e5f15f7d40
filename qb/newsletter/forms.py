"""The subscription form: e-mail, optional name, the required consent."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from ..webforms import (
    EMAIL_MAX,
    NAME_MAX,
    ScreenedForm,
    TickBox,
    clean_line,
    email_address,
    person_name,
    ticked,
)

TOKEN_SALT = "qb.newsletter.form-token"
# The form's token carries no key of its own: a subscription is found by its mailbox.
FORM_KEY = "form"


class SubscriptionForm(ScreenedForm):
    """E-mail, optional name, the newsletter consent (required, unticked), form token, honeypot."""

    TOKEN_SALT = TOKEN_SALT

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
        validators=[ticked(_l("Please tick the box to agree to receive news and offers."))],
        id="newsletter-consent",
    )

    def subscription(self):
        """The validated fields as the service takes them."""
        return {"email": self.email.normalized, "name": self.name.data or None}
