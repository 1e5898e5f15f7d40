"""Paths and configuration layers: safe defaults, then instance/config.py, then QB_* variables."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"

# Shorter keys are guessable, and every placeholder people type ("dev", "change-me") is.
MIN_SECRET_LENGTH = 32


class Config:
    """Defaults that are safe in production; secrets and hosts come from the later layers."""

    SECRET_KEY = None
    SITE_URL = "https://qauipsizbolashaq.kz"
    OPERATOR_EMAIL = "Qauipsizbolashaq@yandex.ru"
    TRUSTED_HOSTS = ["qauipsizbolashaq.kz", "www.qauipsizbolashaq.kz"]

    # The operator as consent texts and mails name it (Law 94-V Art. 8(4)): its registered
    # name with its legal form, in each language ({"kk": …, "ru": …, "en": …}); a language
    # left out uses OPERATOR_NAME. Outside debug and testing the site refuses to start
    # without OPERATOR_NAME and OPERATOR_BIN (qb/operator.py).
    OPERATOR_NAME = None
    OPERATOR_LEGAL_NAMES = {}
    OPERATOR_BIN = None
    OPERATOR_ADDRESS = None
    # Language of the enquiry notification the operator receives.
    OPERATOR_LANGUAGE = "kk"
    # Who hosts OPERATOR_EMAIL, and in which country (ISO 3166 code): a third party and a
    # cross-border transfer. The consent texts name the provider by its registered name in
    # the reader's language: one name, or one per language as here.
    OPERATOR_MAILBOX_PROVIDER = {"kk": "«Яндекс» ЖШҚ", "ru": "ООО «Яндекс»", "en": "Yandex LLC"}
    OPERATOR_MAILBOX_COUNTRY = "RU"
    # How long enquiries are kept after they arrive; the consent text states it.
    ENQUIRY_RETENTION_DAYS = 365
    # A contact form sent sooner than this after it was opened is most likely a bot.
    CONTACT_MIN_FILL_SECONDS = 3
    CONTACT_RATE_LIMIT = "5 per minute; 20 per hour"
    # Acknowledgements one e-mail address gets per 24 hours: the form must not be a way to mail
    # anyone. Enquiries beyond it are still stored and reach the operator; 0 sends none.
    ACK_LIMIT_PER_ADDRESS = 3

    # Flask-Limiter: counters shared by all workers need Redis in production
    # ("redis://127.0.0.1:6379/0"); memory:// keeps them per process and forgets them on
    # restart, so outside debug and testing the app refuses to start with it unless
    # RATELIMIT_SINGLE_PROCESS says that one process is all there is.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_SINGLE_PROCESS = False
    RATELIMIT_KEY_PREFIX = "qb"
    RATELIMIT_HEADERS_ENABLED = True  # Retry-After on 429
    # Redis down: count per process in memory meanwhile, rather than refuse every enquiry.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True

    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE / 'qb.sqlite3'}"
    SQLITE_BUSY_TIMEOUT_MS = 15_000
    # `flask backup` (SQLite): where backups go and how many days they are kept, at most the
    # shortest retention period (ENQUIRY_RETENTION_DAYS, NEWSLETTER_CONFIRM_DAYS).
    BACKUP_DIR = str(INSTANCE / "backups")
    BACKUP_KEEP_DAYS = 7
    # Statement parameters may hold personal data: keep them out of error messages and logs.
    SQLALCHEMY_ENGINE_OPTIONS = {"hide_parameters": True}

    # How many reverse proxies (nginx…) stand in front and set X-Forwarded-For/-Proto.
    # 0 trusts no forwarded header; 1 for the usual nginx -> gunicorn setup.
    PROXY_COUNT = 0

    MAX_CONTENT_LENGTH = 64 * 1024
    # __Host-: browsers accept the cookie only with Secure, Path=/ and no Domain, so neither a
    # sibling subdomain nor plain http can plant or overwrite it. Plain-http development
    # needs another name and SESSION_COOKIE_SECURE off (make run writes both).
    SESSION_COOKIE_NAME = "__Host-session"
    SESSION_COOKIE_PATH = "/"
    SESSION_COOKIE_DOMAIN = None
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    HSTS_MAX_AGE = 63_072_000  # two years
    STATIC_MAX_AGE = 31_536_000  # a year; static URLs carry a content hash

    BABEL_DEFAULT_LOCALE = "kk"
    BABEL_DEFAULT_TIMEZONE = "Asia/Almaty"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")

    # Render each page once per process and reuse it (the nonce is still per request).
    # Turn off while editing content so changes show without a restart.
    PAGE_CACHE = True

    # The `qb` logger's lines go to stderr (gunicorn's error log): this level and above, as
    # "text" lines or "json" objects, one per line, for a log shipper.
    LOG_LEVEL = "INFO"
    LOG_FORMAT = "text"

    # Web analytics, each only after the visitor's consent; an empty id leaves the vendor out.
    YANDEX_METRICA_ID = ""
    GA_MEASUREMENT_ID = ""
    # Metrica's session replay records what visitors do; off unless the operator needs it.
    METRICA_WEBVISOR = False
    # The visitor's choice. The __Host- prefix makes browsers insist on Secure, Path=/ and
    # no Domain; plain-http development needs another name and CONSENT_COOKIE_SECURE off.
    CONSENT_COOKIE_NAME = "__Host-consent"
    CONSENT_COOKIE_SECURE = True
    CONSENT_MAX_AGE = 182 * 24 * 3600  # six months, then the banner asks again
    # Where the analytics cookies live besides this host; None: the last two labels of the
    # request's host name (www.qauipsizbolashaq.kz -> qauipsizbolashaq.kz).
    COOKIE_PARENT_DOMAIN = None
    CONSENT_RATE_LIMIT = "30 per minute"  # choices posted per client; each one is a record

    # Mail (qb/outbox). No MAIL_SERVER: messages are written as .eml files to OUTBOX_EML_DIR.
    MAIL_SERVER = ""
    MAIL_PORT = 587
    MAIL_USE_TLS = True  # STARTTLS, certificate verified
    MAIL_USE_SSL = False  # TLS from the first byte (port 465) instead of STARTTLS
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_TIMEOUT = 20  # seconds per SMTP connect/read; a hung relay must not pin the sender
    MAIL_DEFAULT_SENDER = "Qauipsiz Bolashaq <no-reply@qauipsizbolashaq.kz>"
    OUTBOX_EML_DIR = str(INSTANCE / "mail")
    # Each web process delivers right after a request queued mail; the worker does the rest.
    OUTBOX_BACKGROUND = True
    OUTBOX_MAX_ATTEMPTS = 10  # then the message is marked failed and listed by `outbox status`
    OUTBOX_RETRY_BASE_SECONDS = 30  # doubles per attempt, with jitter…
    OUTBOX_RETRY_MAX_SECONDS = 3600  # …up to this
    OUTBOX_BATCH_SIZE = 50  # rows claimed per statement
    OUTBOX_CLAIM_SECONDS = 300  # a claimed row is taken again after this if its sender died
    OUTBOX_POLL_SECONDS = 30  # longest sleep between the worker's passes
    # Campaign (bulk) mail per second and sending process; the provider's limits decide it.
    # Normal mail (enquiries, confirmations) is never paced and always goes first. 0: no cap.
    OUTBOX_BULK_PER_SECOND = 10
    # DKIM signature on every message, when all three are set (docs/newsletter.md): the
    # signing domain (d=), the selector (s=) and a PEM file with the RSA private key.
    DKIM_DOMAIN = None
    DKIM_SELECTOR = None
    DKIM_PRIVATE_KEY_FILE = None

    # The request register (qb/requests, docs/requests.md). Working days to answer an access
    # request or a question: the Law names no number (Art. 25(2)(6)); the Rules reportedly 3.
    ACCESS_DEADLINE_WORKING_DAYS = 3
    # Who gets the daily reminder of requests due (the person responsible for organising
    # processing, Art. 25(3)); None: OPERATOR_EMAIL.
    RESPONSIBLE_EMAIL = None
    # Personal data (qb/privacy, docs/privacy.md). The secret of mailbox pseudonyms (what
    # the erasure journal and registers store instead of an address); None: derived from
    # SECRET_KEY. Set it once and keep it: a new one gives every mailbox a new pseudonym.
    PSEUDONYM_KEY = None
    # The erasure journal, a file outside the database (None: instance/erasure-journal.jsonl).
    ERASURE_JOURNAL = None

    # News and offers (qb/newsletter, docs/newsletter.md).
    NEWSLETTER_RATE_LIMIT = "5 per minute; 20 per hour"  # subscription POSTs per client
    NEWSLETTER_MIN_FILL_SECONDS = 2  # a form sent sooner is most likely a bot
    # The shortest answer of a form that must not tell whether an address is known (my data,
    # news and offers): well above the extra work a known address costs (about 4 ms).
    FORM_ANSWER_SECONDS = 0.05
    NEWSLETTER_CONFIRM_DAYS = 7  # a confirmation link expires; unconfirmed ones are destroyed
    # The From of campaign mail (None: MAIL_DEFAULT_SENDER); mailbox providers ask for one
    # apart from the transactional mail's.
    NEWSLETTER_SENDER = None
    # The list's List-Id (RFC 2919); None: newsletter.<the host of SITE_URL>.
    NEWSLETTER_LIST_ID = None

    # Operator console (qb/operators, qb/console; docs/console.md). Sessions are rows: they
    # end after this long without a request, and this long after sign-in whatever happens.
    CONSOLE_IDLE_MINUTES = 30
    CONSOLE_ABSOLUTE_HOURS = 12
    # Argon2id for operator passwords, chosen by bench/argon2_params.py on the production
    # machine for about 0.3 s per check (docs/performance.md has the measurement).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_KIB = 131_072
    ARGON2_PARALLELISM = 2
    # Failed sign-ins: the wait after each failure doubles (2, 4, 8 … s) up to this, per
    # account and per client address; never a lockout.
    SIGNIN_MAX_DELAY_SECONDS = 60
    # Sign-in POSTs per client address, whatever the account: each costs a password check.
    CONSOLE_SIGNIN_RATE_LIMIT = "20 per minute"
    # Rows per page of the console's lists, and the most rows one CSV export holds.
    CONSOLE_PAGE_SIZE = 50
    CONSOLE_EXPORT_MAX_ROWS = 100_000
    # "My data" (qb/rights, docs/my-data.md). A link mailed to prove an address is valid this
    # long and opens a session of its own that ends this long after it began, whatever is done.
    RIGHTS_LINK_MINUTES = 30
    RIGHTS_SESSION_MINUTES = 15
    RIGHTS_RATE_LIMIT = "5 per minute; 20 per hour"  # link requests per client
    # Links mailed to one mailbox (any spelling) per 24 hours; further requests mail nothing.
    RIGHTS_LINKS_PER_MAILBOX = 5
    RIGHTS_MIN_FILL_SECONDS = 2  # a request form sent sooner is most likely a bot
    # The session's cookie and the cookie that ties a link to the browser that asked for it.
    # __Host-: Secure, Path=/ and no Domain; plain-http development needs names without the
    # prefix and RIGHTS_COOKIE_SECURE off (as for the session cookie).
    RIGHTS_SESSION_COOKIE_NAME = "__Host-my-data"
    RIGHTS_BROWSER_COOKIE_NAME = "__Host-my-data-browser"
    RIGHTS_COOKIE_SECURE = True


CONFIG_FILE_VARIABLE = "QB_CONFIG_FILE"


def load_config(app, test_config=None):
    """Fill app.config layer by layer; a test mapping replaces the file and environment layers."""
    app.config.from_object(Config)
    if test_config is None:
        # QB_CONFIG_FILE names another per-host file (relative to instance/), or none at all
        # when empty: a process started for a test or a benchmark then ignores the
        # developer's own instance/config.py.
        config_file = os.environ.get(CONFIG_FILE_VARIABLE, "config.py")
        if config_file:
            app.config.from_pyfile(config_file, silent=config_file == "config.py")
        app.config.from_prefixed_env("QB")
        app.config.pop(CONFIG_FILE_VARIABLE.removeprefix("QB_"), None)
    else:
        app.config.from_mapping(test_config)
    check_secret_key(app)
    check_cookie_prefixes(app)


def check_secret_key(app):
    """Refuse to run with a missing or guessable secret key, outside the test suite.

    Debug mode is no exception: `QB_DEBUG=1` or `FLASK_DEBUG=1` on a served app must not
    make it sign sessions and tokens with a key anyone can read here.
    """
    if app.testing and not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = "insecure-key-for-tests-only"
        return
    key = app.config.get("SECRET_KEY") or ""
    if isinstance(key, bytes):
        key = key.decode("latin-1")
    if len(key) < MIN_SECRET_LENGTH:
        raise RuntimeError(
            "No usable SECRET_KEY: set QB_SECRET_KEY in the environment or SECRET_KEY in "
            "instance/config.py to a random value of at least "
            f"{MIN_SECRET_LENGTH} characters, for example the output of "
            "python -c 'import secrets; print(secrets.token_hex(32))'"
        )


def check_cookie_prefixes(app):
    """Refuse cookie settings that browsers would silently reject (and so break forms)."""
    for name_key, secure_key in (
        ("SESSION_COOKIE_NAME", "SESSION_COOKIE_SECURE"),
        ("CONSENT_COOKIE_NAME", "CONSENT_COOKIE_SECURE"),
        ("RIGHTS_SESSION_COOKIE_NAME", "RIGHTS_COOKIE_SECURE"),
        ("RIGHTS_BROWSER_COOKIE_NAME", "RIGHTS_COOKIE_SECURE"),
    ):
        name = app.config[name_key]
        if name.startswith(("__Host-", "__Secure-")) and not app.config[secure_key]:
            raise RuntimeError(
                f"{name_key} {name!r} needs {secure_key} = True: browsers drop a cookie "
                f"so named without Secure. For plain-http development set {name_key} to a "
                "name without the prefix (docs/configuration.md)"
            )
    if app.config["SESSION_COOKIE_NAME"].startswith("__Host-") and (
        app.config.get("SESSION_COOKIE_DOMAIN") or app.config.get("SESSION_COOKIE_PATH") != "/"
    ):
        raise RuntimeError("A __Host- session cookie needs SESSION_COOKIE_PATH '/' and no domain")
