"""Operator passwords: Argon2id hashes with measured parameters, and what is refused."""

import unicodedata
from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

MIN_LENGTH = 12
MAX_LENGTH = 1024  # hashing a megabyte would cost the server, not the guesser
COMMON_FILE = "common-passwords.txt"

# A well-formed hash of a password nobody has: checked when the account is unknown, so that
# an unknown address costs as much time as a wrong password.
_DUMMY = {}


class PasswordRefused(ValueError):
    """The password breaks a rule; the message says which, in English (CLI)."""


def hasher():
    """The Argon2id hasher with the parameters of the settings (docs/console.md)."""
    config = current_app.config
    params = (
        int(config["ARGON2_TIME_COST"]),
        int(config["ARGON2_MEMORY_KIB"]),
        int(config["ARGON2_PARALLELISM"]),
    )
    return _hasher(*params)


@cache
def _hasher(time_cost, memory_kib, parallelism):
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
    )


def normalised(password):
    return unicodedata.normalize("NFKC", password)


def check_rules(password, email=""):
    """Refuse short, long and common passwords and ones that are the account's address."""
    password = normalised(password)
    if len(password) < MIN_LENGTH:
        raise PasswordRefused(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise PasswordRefused(f"a password may have at most {MAX_LENGTH} characters")
    folded = password.casefold()
    local = email.partition("@")[0].casefold()
    if folded in common_passwords() or _stripped(folded) in common_passwords():
        raise PasswordRefused("this password is in the list of common passwords")
    if len(local) >= 4 and local in folded:
        raise PasswordRefused("a password must not contain the e-mail address")
    if len(set(folded)) < 4:
        raise PasswordRefused("a password needs more than a few different characters")


def _stripped(folded):
    # "password2024!" is as common as "password": drop trailing digits and signs.
    return folded.rstrip("0123456789!@#$%^&*.?_-")


@cache
def common_passwords():
    """The common passwords shipped with the package, lower-cased."""
    text = files(__package__).joinpath(COMMON_FILE).read_text(encoding="utf-8")
    return frozenset(
        line.strip().casefold() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def hash_password(password):
    return hasher().hash(normalised(password))


def verify(stored_hash, password):
    """True when `password` matches; a None hash still costs one verification."""
    if len(password) > MAX_LENGTH:
        return False
    candidate = normalised(password)
    try:
        return hasher().verify(stored_hash or _dummy_hash(), candidate) and bool(stored_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash):
    return hasher().check_needs_rehash(stored_hash)


def _dummy_hash():
    key = id(hasher())
    if key not in _DUMMY:
        _DUMMY[key] = hasher().hash("no operator has this password")
    return _DUMMY[key]
