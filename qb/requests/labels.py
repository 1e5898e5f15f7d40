"""What the register's codes are called in the reader's language (reminder mail, console)."""

from flask_babel import lazy_gettext as _l

from .models import (
    ACCESS,
    BLOCKING,
    CORRECTION,
    DELETION,
    DONE,
    EMAIL,
    EMAIL_SUBJECT,
    LETTER,
    PHONE,
    QUESTION,
    RECEIVED,
    REFUSED,
    SELF_SERVICE,
    UNSUBSCRIBE,
    VERIFIED,
    WITHDRAWAL,
)

KIND_LABELS = {
    ACCESS: _l("access to personal data"),
    CORRECTION: _l("correction of personal data"),
    WITHDRAWAL: _l("withdrawal of consent"),
    DELETION: _l("destruction of personal data"),
    BLOCKING: _l("blocking of personal data"),
    UNSUBSCRIBE: _l("unsubscribe from news and offers"),
    QUESTION: _l("question about processing"),
}
CHANNEL_LABELS = {
    SELF_SERVICE: _l("the “my data” page"),
    EMAIL: _l("e-mail"),
    EMAIL_SUBJECT: _l("e-mail with the subject line the policy gives"),
    LETTER: _l("letter"),
    PHONE: _l("phone call"),
}
STATUS_LABELS = {
    RECEIVED: _l("received"),
    VERIFIED: _l("identity checked"),
    DONE: _l("done"),
    REFUSED: _l("refused"),
}


def label(labels, code):
    """The code's name, or the code itself for one the table does not know."""
    return labels.get(code, code)
