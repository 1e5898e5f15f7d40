"""The console's forms: sign-in, the second factor, the operator's own settings."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from ..i18n import LANGUAGES
from ..operators.models import ROLES
from ..requests.models import CHANNELS, KINDS, SELF_SERVICE
from ..webforms import person_name, phone_number

ENTERED_CHANNELS = tuple(c for c in CHANNELS if c != SELF_SERVICE)


class ConsoleForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return None  # every message is our own, translated by Flask-Babel


class SigninForm(ConsoleForm):
    email = StringField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    code = StringField(_l("One-time code"), validators=[Length(max=12)])


class CodeForm(ConsoleForm):
    code = StringField(_l("One-time code"), validators=[DataRequired(), Length(max=12)])


class PasswordForm(ConsoleForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=1024)])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=12, max=1024)])


class LanguageForm(ConsoleForm):
    # The page's own <select> lists the languages; the form only checks the value.
    language = StringField(_l("Console language"), validators=[AnyOf(LANGUAGES)])


class RoleForm(ConsoleForm):
    role = StringField(_l("Role"), validators=[AnyOf(ROLES)])


class EmptyForm(ConsoleForm):
    """A button that changes something: only the CSRF token."""


class RequestForm(ConsoleForm):
    """A request received by mail, letter or phone, entered into the register."""

    kind = StringField(_l("Kind of request"), validators=[AnyOf(KINDS)])
    channel = StringField(_l("Received by"), validators=[AnyOf(ENTERED_CHANNELS)])
    received = StringField(_l("Received at (Kazakhstan time)"), validators=[Optional()])
    identity_check = StringField(
        _l("How the identity was checked"), validators=[DataRequired(), Length(max=200)]
    )
    email = StringField(
        _l("E-mail address of the person"), validators=[Optional(), Length(max=254)]
    )
    note = StringField(_l("Note (no personal data)"), validators=[Optional(), Length(max=500)])


class CloseForm(ConsoleForm):
    status = StringField(_l("Result"), validators=[AnyOf(("done", "refused"))])
    outcome = StringField(_l("What was done"), validators=[DataRequired(), Length(max=500)])
    reason = StringField(_l("Reason for the refusal"), validators=[Optional(), Length(max=500)])


class BreachForm(ConsoleForm):
    detected = StringField(_l("Detected at (Kazakhstan time)"), validators=[DataRequired()])
    description = TextAreaField(_l("What happened"), validators=[DataRequired(), Length(max=5000)])
    measures = TextAreaField(_l("Measures taken"), validators=[Optional(), Length(max=5000)])


class PersonForm(ConsoleForm):
    email = StringField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])


class ActionForm(ConsoleForm):
    """One of the policy's actions on a person (no subject) or on one record (a subject)."""

    email = StringField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    action = StringField(validators=[AnyOf(("block", "unblock", "depersonalise", "destroy"))])
    subject = StringField(validators=[Optional(), Length(max=40)])
    confirmed = StringField(validators=[Optional()])


class CorrectForm(ConsoleForm):
    email = StringField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    subject = StringField(validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=100), person_name])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30), phone_number])
