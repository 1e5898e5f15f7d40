"""What consent decides: the settings, the choice cookie, the CSP it allows, the clean-up.

The choice cookie holds `1.r<policy revision>.<vendor><0|1>....<consent id>`, e.g.
`1.r1.ga1.ym0.Jx3…` (22 random characters). It is parsed with one regular expression built
from the current revision and the offered vendors, so a cookie from an older policy or for
another vendor list simply does not match: the banner asks again, with no database lookup.
"""

import re
import secrets
from dataclasses import dataclass, field
from ipaddress import ip_address

from flask import current_app

from ..content import policy_revision
from ..security import NO_SOURCES, CspSources
from .vendors import offered_vendors

FORMAT_VERSION = "1"
MAX_COOKIE_LENGTH = 100
ACTIONS = {"all", "none", "save"}
_NEXT = re.compile(r"/[A-Za-z0-9._~%/-]{0,500}")
# Sent by the browser for cookies we may have to expire: tame names only.
_COOKIE_NAME = re.compile(r"_[A-Za-z0-9_-]{1,80}")


@dataclass(frozen=True)
class ConsentSettings:
    """Everything consent needs from the configuration, checked once at start-up."""

    vendors: tuple
    revision: int
    cookie_name: str
    secure: bool
    max_age: int
    parent_domain: str | None
    cookie_pattern: re.Pattern
    sources: dict  # frozenset of granted keys -> CspSources
    # The state of every request without a choice cookie or GPC signal, made once.
    first_visit: "State" = field(default=None, compare=False, repr=False)

    @property
    def keys(self):
        return tuple(vendor.key for vendor in self.vendors)

    def vendor(self, key):
        return next(vendor for vendor in self.vendors if vendor.key == key)


@dataclass(frozen=True)
class Choice:
    """A visitor's current choice: which offered vendors they allowed, under which id."""

    consent_id: str
    granted: frozenset


@dataclass(frozen=True)
class State:
    """What this request knows: the settings, the valid choice (if any), the GPC signal."""

    settings: ConsentSettings
    choice: Choice | None
    gpc: bool = False

    @property
    def ask(self):
        return self.choice is None

    @property
    def granted(self):
        return self.choice.granted if self.choice else frozenset()

    @property
    def variant(self):
        """Which version of a cached page this visitor gets (never anything personal)."""
        if self.choice is None:
            return "consent:ask"
        if self.gpc:
            return "consent:gpc"
        return "consent:" + "+".join(key for key in self.settings.keys if key in self.granted)


def build_settings(config):
    """Read and check the consent settings; raises if an analytics id is malformed."""
    vendors = offered_vendors(config)
    revision = policy_revision().number
    keys = [vendor.key for vendor in vendors]
    pattern = "".join(rf"\.{key}([01])" for key in keys)
    sources = {}
    for mask in range(2 ** len(vendors)):
        chosen = [vendor for i, vendor in enumerate(vendors) if mask >> i & 1]
        sources[frozenset(v.key for v in chosen)] = _union(v.sources for v in chosen)
    settings = ConsentSettings(
        vendors=vendors,
        revision=revision,
        cookie_name=config["CONSENT_COOKIE_NAME"],
        secure=bool(config["CONSENT_COOKIE_SECURE"]),
        max_age=int(config["CONSENT_MAX_AGE"]),
        parent_domain=(config.get("COOKIE_PARENT_DOMAIN") or "").lstrip(".") or None,
        cookie_pattern=re.compile(
            rf"{FORMAT_VERSION}\.r{revision}{pattern}\.([A-Za-z0-9_-]{{22}})"
        ),
        sources=sources,
    )
    object.__setattr__(settings, "first_visit", State(settings, None))  # frozen, built once
    return settings


def _union(all_sources):
    fields = zip(*all_sources, strict=True)
    merged = CspSources(*("".join(parts) for parts in fields))
    return merged if any(merged) else NO_SOURCES


def current_settings():
    """The consent settings of the running app."""
    return current_app.extensions["qb_consent"]


def read_choice(settings, value):
    """The choice a cookie value holds, or None for anything but a current, well-formed one."""
    if not value or len(value) > MAX_COOKIE_LENGTH:
        return None
    match = settings.cookie_pattern.fullmatch(value)
    if match is None:
        return None
    *flags, consent_id = match.groups()
    granted = frozenset(key for key, flag in zip(settings.keys, flags, strict=True) if flag == "1")
    return Choice(consent_id, granted)


def format_choice(settings, choice):
    """The cookie value of a choice."""
    flags = "".join(f".{key}{int(key in choice.granted)}" for key in settings.keys)
    return f"{FORMAT_VERSION}.r{settings.revision}{flags}.{choice.consent_id}"


def new_consent_id():
    """A random id that links a visitor's records to each other and to nothing else."""
    return secrets.token_urlsafe(16)


def request_state(settings, cookie_value, gpc_header):
    """(State, whether a GPC refusal must be recorded) for one request."""
    gpc = gpc_header == "1"
    if not cookie_value and not gpc:
        return settings.first_visit, False  # the common case: a visitor who has not chosen
    choice = read_choice(settings, cookie_value)
    if gpc and (choice is None or choice.granted):
        # Global Privacy Control refuses everything; an earlier consent is withdrawn by it.
        consent_id = choice.consent_id if choice else new_consent_id()
        return State(settings, Choice(consent_id, frozenset()), gpc=True), True
    return State(settings, choice, gpc=gpc), False


def granted_from_form(settings, action, form):
    """The vendors a submitted form allows; ValueError for anything the forms never send."""
    if action not in ACTIONS:
        raise ValueError("unknown action")
    if action == "all":
        return frozenset(settings.keys)
    if action == "none":
        return frozenset()
    granted = set()
    for key in settings.keys:
        values = form.getlist(key)
        if values == ["1"]:
            granted.add(key)
        elif values:
            raise ValueError("unexpected checkbox value")
    return frozenset(granted)


def decide(state, action, form):
    """(new Choice, method) for a posted form; ValueError for a form ours never sends."""
    granted = granted_from_form(state.settings, action, form)
    previous = state.choice
    choice = Choice(previous.consent_id if previous else new_consent_id(), granted)
    return choice, method_for(previous, action, granted)


def method_for(previous, action, granted):
    """How a choice was made, for the record."""
    if previous is not None:
        return "withdrawal" if previous.granted - granted else "change"
    return {"all": "accept_all", "none": "reject_all"}.get(action, "custom")


def write_choice(response, settings, choice):
    """Set the choice cookie on a response."""
    response.set_cookie(
        settings.cookie_name,
        format_choice(settings, choice),
        max_age=settings.max_age,
        path="/",
        secure=settings.secure,
        httponly=True,  # the server renders the state; no script needs to read it
        samesite="Lax",
    )


def cookies_to_expire(settings, refused, received_names):
    """Names of the refused vendors' cookies: the known ones and any of theirs we received."""
    names = set()
    for key in refused:
        vendor = settings.vendor(key)
        names.update(cookie.name for cookie in vendor.cookies)
        names.update(vendor.legacy_cookies)
        names.update(
            name
            for name in received_names
            if _COOKIE_NAME.fullmatch(name) and vendor.cookie_pattern.fullmatch(name)
        )
    return sorted(names)


def cookie_domains(settings, host):
    """Where analytics cookies may sit: this host only, the host as a domain, the parent."""
    host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    try:
        ip_address(host.strip("[]"))
        return [None]
    except ValueError:
        pass
    labels = host.split(".")
    if len(labels) < 2:
        return [None]
    parent = settings.parent_domain or ".".join(labels[-2:])
    if not (host == parent or host.endswith("." + parent)):
        parent = host
    return list(dict.fromkeys([None, host, parent]))


def expire_vendor_cookies(response, settings, refused, received_names, host):
    """Expire the refused vendors' cookies on this host and on the parent domain."""
    for name in cookies_to_expire(settings, refused, received_names):
        for domain in cookie_domains(settings, host):
            response.delete_cookie(name, path="/", domain=domain, secure=False, samesite=None)


def safe_next(value, fallback):
    """A same-site path to go back to, or `fallback` for anything else."""
    if not isinstance(value, str) or not _NEXT.fullmatch(value) or "//" in value:
        return fallback
    return value


def is_same_origin(fetch_site, origin, allowed_origins):
    """Whether a POST demonstrably comes from one of our own pages (no token needed)."""
    if fetch_site:
        return fetch_site == "same-origin"
    return bool(origin) and origin in allowed_origins
