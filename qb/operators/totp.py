"""The second factor: time-based one-time codes (RFC 6238) that work once each."""

import time

import pyotp
import segno

ISSUER = "Qauipsiz Bolashaq"
STEP = 30  # seconds per code
DRIFT_STEPS = 1  # a code of the step before or after is accepted too (clock drift)


def new_secret():
    return pyotp.random_base32()


def provisioning_uri(secret, email):
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(secret, email, title):
    """The provisioning URI as a QR code: inline SVG markup (no script, no style attribute)
    with `title` for screen readers, dark on white whatever the page's colours."""
    qr = segno.make(provisioning_uri(secret, email), error="m")
    return qr.svg_inline(
        scale=4, border=4, title=title, svgclass="qr", lineclass=None, light="#fff"
    )


def matching_step(secret, code, now=None):
    """The time step `code` belongs to (within the drift), or None."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    step = int((now if now is not None else time.time()) // STEP)
    for candidate in range(step - DRIFT_STEPS, step + DRIFT_STEPS + 1):
        if pyotp.utils.strings_equal(totp.at(candidate * STEP), code):
            return candidate
    return None


def accept_code(operator, code, now=None):
    """True and the step remembered when `code` is valid and newer than the last one used;
    a code already used (or an older one) is refused. The caller commits."""
    if not operator.totp_secret:
        return False
    step = matching_step(operator.totp_secret, code, now)
    if step is None or step <= (operator.totp_last_step or 0):
        return False
    operator.totp_last_step = step
    return True
