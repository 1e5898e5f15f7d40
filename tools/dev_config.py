"""Write instance/config.py for local development, once, with a fresh random secret key."""

import secrets
import sys
from pathlib import Path

TEMPLATE = """\
# Local development settings, written by `make`. Production settings: docs/configuration.md.
SECRET_KEY = "{secret}"
# Stand-ins: the site refuses to start without the operator its consent texts name.
OPERATOR_NAME = "Qauipsiz Bolashaq (development)"
OPERATOR_BIN = "000000000000"
SITE_URL = "http://127.0.0.1:5000"
TRUSTED_HOSTS = ["127.0.0.1", "localhost"]
# The development server speaks plain http: browsers drop Secure and __Host- cookies there.
SESSION_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "qb_session"
RIGHTS_COOKIE_SECURE = False
RIGHTS_SESSION_COOKIE_NAME = "qb_my_data"
RIGHTS_BROWSER_COOKIE_NAME = "qb_my_data_browser"
PAGE_CACHE = False  # show content edits at once
# `flask run` is one process, so the rate-limit counters may live in its memory.
RATELIMIT_SINGLE_PROCESS = True
"""


def main(path):
    target = Path(path)
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(TEMPLATE.format(secret=secrets.token_hex(32)), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "instance/config.py")
