"""The console's forms: sign-in, the second factor, the operator's own settings."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import AnyOf, DataRequired, Length

from ..i18n import LANGUAGES
from ..operators.models import ROLES


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
