"""What each audit-log action is called in the operator's language (qb.operators.audit.ACTIONS)."""

from flask_babel import lazy_gettext as _l

AUDIT_ACTION_NAMES = {
    "signin": _l("sign-in"),
    "signin-failed": _l("failed sign-in"),
    "signout": _l("sign-out"),
    "forbidden": _l("page refused to this role"),
    "view": _l("view of personal data"),
    "search": _l("search"),
    "export": _l("export"),
    "change": _l("change"),
    "handled": _l("enquiry marked handled"),
    "block": _l("blocking of personal data"),
    "unblock": _l("unblocking of personal data"),
    "depersonalise": _l("depersonalisation of personal data"),
    "destroy": _l("destruction of personal data"),
    "correct": _l("correction of personal data"),
    "request": _l("request entered or closed"),
    "breach": _l("breach recorded"),
    "operator-created": _l("operator created"),
    "role-changed": _l("role changed"),
    "operator-disabled": _l("operator disabled"),
    "operator-reset": _l("operator's sign-in reset"),
    "password-changed": _l("password changed"),
    "second-factor": _l("one-time code app set up"),
}
