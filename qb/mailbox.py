"""Mailbox identity: every spelling of one mailbox maps to one key.

A limit per recipient or a "forget this address" request must not be dodged by writing the
address another way. `mailbox_key` folds what makes no difference to delivery:

- case, in the local part and the domain, and an international domain in Unicode or in
  Punycode (IDNA 2008 with UTS #46, as the form's address check writes it);
- a local part in quotes that need not be there (`"asel"@example.kz` is `asel@example.kz`);
- a `+tag` subaddress (RFC 5233), for every domain: the convention Gmail, Outlook.com, Yandex
  and Proton follow, and the usual mail server setting, delivers `name+tag` to `name`;
- the provider rules below, each only where the provider documents it.

Be conservative: a rule that joins two different people's mailboxes is worse than none (one
would lose acknowledgements, and `flask contact forget --email` would destroy the other's
enquiries). Mail.ru (mail.ru, bk.ru, list.ru, inbox.ru) and Outlook.com (outlook.com,
hotmail.com, live.com) keep one mailbox per domain, with dots that count, so only the
general rules apply to them.

A key is never longer than an ASCII address it comes from (each provider's key domain is
its shortest), so it fits the 254 characters of the stored address. Keys are stored
(`enquiry.mailbox_key`): a changed rule needs a migration that computes them again, as
0005_mailbox_key does.
"""

import hashlib
import hmac
import re
import string
import unicodedata
from dataclasses import dataclass

import idna
from flask import current_app


@dataclass(frozen=True)
class Provider:
    """How a mail provider spells one mailbox: its key domain and what the local part ignores."""

    domain: str  # every key of this provider ends in it
    same: dict  # str.translate table: characters that are ignored or mean the same


_DROP_DOTS = str.maketrans("", "", ".")

# Gmail ignores dots in the local part ("Dots don't matter in Gmail addresses",
# https://support.google.com/mail/answer/7436150); googlemail.com, the domain Gmail had in
# Germany and the UK, reaches the same accounts.
GMAIL = Provider("gmail.com", _DROP_DOTS)

# Yandex: a Yandex ID has its username at every Yandex mail domain ("Your email aliases
# (addresses using your username on all Yandex domains are linked to you when you register)",
# https://yandex.com/support/id/authorization/email.html; "each mailbox on Yandex Mail has
# aliases in" six domains, https://yandex.com/support/domain/additional/mailbox-alias.xml:
# ya.ru, yandex.ru, .by, .com, .kz and .ua, with the older narod.ru, as listed in
# https://github.com/deltachat/provider-db, _providers/yandex.ru.md). The other country
# domains are those Yandex support named as "all domain zones used by Yandex", each able to
# hold addresses (quoted in https://github.com/bitwarden/server/pull/876). Usernames are one
# namespace across all of them, so this joins spellings of one Yandex ID only. In a username
# "Yandex does not distinguish between a point and a hyphen, so the username john.2009 will
# be considered the same as john-2009"
# (https://yandex.com/support/passport/authorization/registration.html).
YANDEX = Provider("ya.ru", str.maketrans("-", "."))
YANDEX_DOMAINS = (
    "ya.ru",
    "narod.ru",
    *(
        f"yandex.{zone}"
        for zone in (
            "ru by com kz ua az co.il com.am com.ge com.tr ee fi fr kg lt lv md pl tj tm uz"
        ).split()
    ),
)

# iCloud: an account with an @me.com address also has the same name at @icloud.com, and one
# with a working @mac.com address has all three (https://support.apple.com/en-us/118230), so
# one name at these domains is one account wherever it delivers.
ICLOUD = Provider("me.com", {})

# Proton: "'.', '_' and '-' ... are treated as transparent by our service. That is, username
# is the same as user_name and user.name ... none of these variations can be used for a
# different account" (https://proton.me/support/change-username). Its domains are not joined:
# whether a name at @proton.me is the same account as at @protonmail.com or @pm.me depends on
# the account, not on a rule.
_PROTON_SAME = str.maketrans("", "", "._-")

PROVIDERS = {
    "gmail.com": GMAIL,
    "googlemail.com": GMAIL,
    **dict.fromkeys(YANDEX_DOMAINS, YANDEX),
    **dict.fromkeys(("icloud.com", "me.com", "mac.com"), ICLOUD),
    **{
        domain: Provider(domain, _PROTON_SAME)
        for domain in ("proton.me", "protonmail.com", "protonmail.ch", "pm.me")
    },
}

# Characters of an unquoted local part (RFC 5322 atext; RFC 6531 adds any non-ASCII one).
_ATEXT = frozenset(string.ascii_letters + string.digits + "!#$%&'*+-/=?^_`{|}~")
_QUOTED_PAIR = re.compile(r"\\(.)")


def mailbox_key(address):
    """The key of the mailbox `address` reaches: every spelling of one mailbox has the same."""
    local, at, domain = unicodedata.normalize("NFC", address.strip()).rpartition("@")
    if not at:
        return address.strip().lower()  # not an address; still compared as written
    domain = _domain(domain)
    local = _unquoted(local)
    if local.startswith('"'):
        # Quotes needed (a space, an "@"…): no tag or provider rule is meant for such a name.
        return f"{local.lower()}@{domain}"
    local = _without_tag(local.lower())
    provider = PROVIDERS.get(domain)
    if provider is not None:
        # A local part made only of ignored characters is not a real name: keep it as written.
        local = local.translate(provider.same) or local
        domain = provider.domain
    return f"{local}@{domain}"


def _domain(domain):
    """The domain in lower case ASCII: Unicode names in Punycode, no trailing dot."""
    domain = domain.strip().rstrip(".").lower()
    if domain.startswith("["):
        return domain  # an address literal such as [127.0.0.1]
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError:
        return domain  # not a valid host name: compared as written


def _unquoted(local):
    """`"asel"` as `asel` when the quotes change nothing; otherwise the local part as written."""
    if len(local) >= 2 and local[0] == local[-1] == '"':
        inner = _QUOTED_PAIR.sub(r"\1", local[1:-1])
        if _is_dot_atom(inner):
            return inner
    return local


def _is_dot_atom(text):
    return all(atom and all(c in _ATEXT or ord(c) > 127 for c in atom) for atom in text.split("."))


def _without_tag(local):
    """`name+tag` as `name`; a local part that starts with "+" (a phone number) stays whole."""
    name, plus, _tag = local.partition("+")
    return name if plus and name else local


def mailbox_pseudonym(key):
    """An HMAC-SHA256 (hex) of a mailbox key: names one mailbox without holding its address.

    What is kept about "who" outside the personal tables (the erasure journal, a request
    register, an audit log) stores this, never the key. The secret is PSEUDONYM_KEY, or one
    derived from SECRET_KEY; changing it gives every mailbox a new pseudonym.
    """
    config = current_app.config
    secret = (
        config.get("PSEUDONYM_KEY")
        or hmac.new(
            str(config["SECRET_KEY"]).encode("utf-8"), b"qb mailbox pseudonym", hashlib.sha256
        ).hexdigest()
    )
    return hmac.new(str(secret).encode("utf-8"), key.encode("utf-8"), hashlib.sha256).hexdigest()
