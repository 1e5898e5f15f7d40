"""The analytics vendors the site can offer: who they are, what they set, which hosts they use.

Adding a vendor: a builder here, a key in VENDOR_KEYS, its script in static/js/analytics.js
and its texts translated (docs/consent.md, "Adding a vendor").
"""

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..security import CspSources

# Canonical order: the choice cookie lists the offered vendors in this order.
VENDOR_KEYS = ("ga", "ym")

_METRICA_ID = re.compile(r"[0-9]{1,12}")
_GA_ID = re.compile(r"G-[A-Z0-9]{4,20}")
# Both vendors serve the same purpose here: one text, translated once.
_VISIT_STATISTICS = _l("Visit statistics: how many people visit, which pages they read, and how.")


class VendorSettingError(RuntimeError):
    """An analytics id in the settings is malformed: the site refuses to start."""


@dataclass(frozen=True)
class VendorCookie:
    """One cookie a vendor's script sets on our domain."""

    name: str
    lifetime: str


@dataclass(frozen=True)
class Vendor:
    """One analytics service, as the banner names it and the server allows it."""

    key: str
    counter_id: str
    name: str
    company: str
    country: str
    purpose: str
    collects: str
    cookies: tuple[VendorCookie, ...]
    cookie_pattern: re.Pattern  # every cookie of its own we may find and expire
    sources: CspSources
    # Cookies it does not set today but older versions of its script did: expired on
    # withdrawal all the same, never listed on the cookie page.
    legacy_cookies: tuple[str, ...] = ()


def google_analytics(measurement_id):
    """Google Analytics 4 with Google Signals and ad personalisation off (basic consent mode)."""
    return Vendor(
        key="ga",
        counter_id=measurement_id,
        name="Google Analytics 4",
        company="Google LLC",
        country=_l("USA"),
        purpose=_VISIT_STATISTICS,
        collects=_l(
            "The pages you view and when, the page you came from, your device, browser and "
            "screen, an approximate location derived from your IP address, and a random "
            "identifier kept in a cookie."
        ),
        cookies=(
            VendorCookie("_ga", _l("2 years")),
            VendorCookie(f"_ga_{measurement_id.removeprefix('G-')}", _l("2 years")),
        ),
        cookie_pattern=re.compile(r"_ga(_[A-Za-z0-9]{1,40})?|_gid|_gat[A-Za-z0-9_-]{0,40}"),
        sources=CspSources(
            script=" https://*.googletagmanager.com",
            img=" https://*.google-analytics.com https://*.googletagmanager.com",
            connect=(
                " https://*.google-analytics.com https://*.analytics.google.com"
                " https://*.googletagmanager.com"
            ),
        ),
        legacy_cookies=("_gid", "_gat"),  # Universal Analytics
    )


def yandex_metrica(counter_id, webvisor):
    """Yandex Metrica; its session replay (Webvisor) only when a setting turns it on."""
    cookies = [
        VendorCookie("_ym_uid", _l("1 year")),
        VendorCookie("_ym_d", _l("1 year")),
        VendorCookie("_ym_isad", _l("2 days")),
    ]
    hosts = " https://mc.yandex.ru https://mc.yandex.kz https://mc.yandex.com"
    connect, directives = hosts, ""
    if webvisor:
        cookies.append(VendorCookie("_ym_visorc", _l("30 minutes")))
        connect += (
            " wss://mc.yandex.ru wss://mc.yandex.kz wss://mc.yandex.com"
            " https://mc.webvisor.com https://mc.webvisor.org"
        )
        directives = (
            "; frame-src blob: https://mc.yandex.ru; child-src blob: https://mc.yandex.ru"
            "; worker-src blob:"
        )
    return Vendor(
        key="ym",
        counter_id=counter_id,
        name=_l("Yandex Metrica"),
        company=_l("Yandex LLC"),
        country=_l("Russia"),
        purpose=_VISIT_STATISTICS,
        collects=_l(
            "The pages you view and when, the page you came from, your device, browser and "
            "screen, an approximate location derived from your IP address, clicks and "
            "scrolling, and a random identifier kept in a cookie."
        ),
        cookies=tuple(cookies),
        cookie_pattern=re.compile(r"_ym[A-Za-z0-9_-]{0,60}"),
        sources=CspSources(
            script=" https://mc.yandex.ru https://yastatic.net",
            img=hosts,
            connect=connect,
            directives=directives,
        ),
    )


def offered_vendors(config):
    """The vendors whose id is set, in canonical order; a malformed id stops the start."""
    vendors = []
    ga_id = _checked_id(
        config,
        "GA_MEASUREMENT_ID",
        _GA_ID,
        "a GA4 measurement id such as G-AB12CD34EF (G- followed by capital letters and "
        "digits); leave it empty for no Google Analytics",
    )
    if ga_id:
        vendors.append(google_analytics(ga_id))
    ym_id = _checked_id(
        config,
        "YANDEX_METRICA_ID",
        _METRICA_ID,
        "a Metrica counter number (digits only); leave it empty for no Yandex Metrica",
    )
    if ym_id:
        vendors.append(yandex_metrica(ym_id, bool(config.get("METRICA_WEBVISOR"))))
    return tuple(vendors)


def _checked_id(config, name, pattern, expected):
    """The id a setting holds ("" when unset); VendorSettingError unless it is well-formed."""
    value = _setting(config, name)
    if value and not pattern.fullmatch(value):
        raise VendorSettingError(f"{name} {value!r} is not {expected}.")
    return value


def _setting(config, name):
    value = config.get(name)
    if value is None or value is False:
        return ""
    # QB_YANDEX_METRICA_ID=12345 arrives as a number: the environment layer parses JSON.
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise VendorSettingError(f"{name} must be a text such as an id, not {value!r}.")
    return value.strip()
