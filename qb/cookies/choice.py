"""What consent decides: the settings, the choice cookie, the CSP it allows, the clean-up.

The choice cookie holds `1.r<policy revision>.<vendor><0|1>....<consent id>`, e.g.
`1.r1.ga1.ym0.Jx3…` (22 random characters). It is parsed with one regular expression built
from the current revision and the offered vendors, so a cookie from an older policy or for
another vendor list simply does not match: the banner asks again, with no database lookup.

A refusal by Global Privacy Control is first written as `g.r1.ga0.ym0.<id>`: not yet recorded.
Only when the browser sends that cookie back (it keeps cookies, so it is a visitor and not a
script repeating one request) is the refusal recorded, once, and the cookie rewritten as `1.…`.
A client that keeps no cookie is refused everything on every request and never causes a write.
"""

import re
import secrets
from dataclasses import dataclass, field
from ipaddress import ip_address

from ..content import policy_revision
from ..security import NO_SOURCES, CspSources
from .vendors import offered_vendors

FORMAT_VERSION = "1"
GPC_UNRECORDED = "g"  # a GPC refusal whose cookie has not come back yet
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
    recorded: bool = True  # False: a GPC refusal not stored yet (see the module's docstring)


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
            rf"({FORMAT_VERSION}|{GPC_UNRECORDED})\.r{revision}{pattern}\.([A-Za-z0-9_-]{{22}})"
        ),
        sources=sources,
    )
    object.__setattr__(settings, "first_visit", State(settings, None))  # frozen, built once
    return settings


def _union(all_sources):
    fields = zip(*all_sources, strict=True)
    merged = CspSources(*("".join(parts) for parts in fields))
    return merged if any(merged) else NO_SOURCES


def read_choice(settings, value):
    """The choice a cookie value holds, or None for anything but a current, well-formed one."""
    if not value or len(value) > MAX_COOKIE_LENGTH:
        return None
    match = settings.cookie_pattern.fullmatch(value)
    if match is None:
        return None
    version, *flags, consent_id = match.groups()
    if version == GPC_UNRECORDED:
        if "1" in flags:
            return None  # never written: an unrecorded GPC cookie allows nothing
        return Choice(consent_id, frozenset(), recorded=False)
    granted = frozenset(key for key, flag in zip(settings.keys, flags, strict=True) if flag == "1")
    return Choice(consent_id, granted)


def format_choice(settings, choice):
    """The cookie value of a choice."""
    flags = "".join(f".{key}{int(key in choice.granted)}" for key in settings.keys)
    version = FORMAT_VERSION if choice.recorded else GPC_UNRECORDED
    return f"{version}.r{settings.revision}{flags}.{choice.consent_id}"


def new_consent_id():
    """A random id that links a visitor's records to each other and to nothing else."""
    return secrets.token_urlsafe(16)


# What a GPC request asks of the response: nothing, a cookie only, or a record and a cookie.
GPC_NOTHING, GPC_REMEMBER, GPC_RECORD = None, "remember", "record"


def request_state(settings, cookie_value, gpc_header):
    """(State, GPC_NOTHING | GPC_REMEMBER | GPC_RECORD) for one request."""
    gpc = gpc_header == "1"
    if not cookie_value and not gpc:
        return settings.first_visit, GPC_NOTHING  # the common case: no choice yet
    choice = read_choice(settings, cookie_value)
    if not gpc:
        return State(settings, choice), GPC_NOTHING
    # Global Privacy Control refuses everything; an earlier consent is withdrawn by it.
    if choice is None:
        # Nothing is stored for a cookie that may never come back (curl, a bot): remember
        # the refusal in the cookie and record it when the browser returns it.
        unrecorded = Choice(new_consent_id(), frozenset(), recorded=False)
        return State(settings, unrecorded, gpc=True), GPC_REMEMBER
    if choice.granted or not choice.recorded:
        # The browser keeps our cookie: this refusal (or withdrawal) is recorded once.
        return State(settings, Choice(choice.consent_id, frozenset()), gpc=True), GPC_RECORD
    return State(settings, choice, gpc=True), GPC_NOTHING


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


def expire_vendor_cookies(response, settings, refused, received_names, host, secure):
    """Expire the refused vendors' cookies on this host and on the parent domain.

    Over HTTPS the expiring cookies are Secure: the vendors set theirs Secure (Metrica with
    SameSite=None, which browsers accept only with Secure), and a cookie is replaced only by
    one with the same attributes a browser would accept.
    """
    for name in cookies_to_expire(settings, refused, received_names):
        for domain in cookie_domains(settings, host):
            response.delete_cookie(name, path="/", domain=domain, secure=secure, samesite=None)


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
