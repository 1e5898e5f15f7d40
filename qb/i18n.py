"""Languages, URL prefixes and locale choice: Kazakh at /…, Russian at /ru/…, English at /en/…."""

from datetime import date
from urllib.parse import quote

from babel import dates
from flask import current_app, g, request
from flask_babel import get_locale
from werkzeug.routing import BaseConverter

from .clock import KAZAKHSTAN_TIME, in_kazakhstan

LANGUAGES = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "kk"
PREFIXED_LANGUAGES = tuple(lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE)
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
# How dates and times are written per language, where that is not the language's default:
# English as in Britain ("29 November 2026", "00:30").
FORMAT_LOCALES = {"en": "en_GB"}


class LanguageConverter(BaseConverter):
    """Matches only the languages that have a URL prefix, so /xx/… is a plain 404."""

    regex = "|".join(PREFIXED_LANGUAGES)


def localized_route(bp, rule, **options):
    """Register a view at `rule` for Kazakh and at `/<lang>rule` for the other languages."""

    def decorator(view):
        endpoint = options.pop("endpoint", view.__name__)
        bp.add_url_rule(rule, endpoint, view, defaults={"lang": DEFAULT_LANGUAGE}, **options)
        bp.add_url_rule(f"/<language:lang>{rule}", endpoint, view, **options)
        return view

    return decorator


def split_language(path):
    """Return (language, path without prefix) for a request path; unknown prefixes stay in it."""
    head, _, tail = path.lstrip("/").partition("/")
    if head in PREFIXED_LANGUAGES:
        return head, "/" + tail
    return DEFAULT_LANGUAGE, path or "/"


def localized_path(path, lang):
    """The path of the same page in `lang`: '/about' -> '/ru/about', '/' -> '/ru/'."""
    return path if lang == DEFAULT_LANGUAGE else f"/{lang}{path}"


def current_language():
    """The language of this request, from its URL (also for pages that matched no route)."""
    lang = g.get("lang")
    if lang is None:
        lang = split_language(request.path)[0] if request else DEFAULT_LANGUAGE
    return lang


def language_links():
    """Alternate URLs of the current page: [(lang, absolute URL, relative path)]."""
    site = current_app.config["SITE_URL"].rstrip("/")
    rest = quote(split_language(request.path)[1])
    return [
        (lang, site + localized_path(rest, lang), localized_path(rest, lang)) for lang in LANGUAGES
    ]


def format_locale(lang=None):
    """The locale dates and times are written in for `lang` (by default the current one)."""
    lang = str(lang or get_locale() or DEFAULT_LANGUAGE)
    return FORMAT_LOCALES.get(lang, lang)


def local_datetime(moment):
    """A stored (UTC) time as its date and time of day in Kazakhstan, in the current language.

    For example 2026-11-28 19:30 UTC is "29 ноября 2026 г., 00:30" in Russian.
    """
    moment, locale = in_kazakhstan(moment), format_locale()
    # Babel's own way of joining a date and a time ("{1}, {0}"), with a long date and a
    # short time: seconds and the zone's name mean nothing to the reader.
    return (
        dates.get_datetime_format("long", locale=locale)
        .replace("'", "")
        .replace("{0}", dates.format_time(moment, "short", tzinfo=KAZAKHSTAN_TIME, locale=locale))
        .replace("{1}", dates.format_date(moment, "long", locale=locale))
    )


def init_app(app):
    """Install the converter, the lang URL value handling and the template helpers."""
    app.url_map.converters["language"] = LanguageConverter

    @app.url_value_preprocessor
    def pull_language(endpoint, values):
        if values and "lang" in values:
            g.lang = values.pop("lang")

    @app.url_defaults
    def push_language(endpoint, values):
        if "lang" not in values and app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values["lang"] = current_language()

    @app.template_filter("long_date")
    def long_date(value):
        """A date such as 2026-11-28 written out in the page's language."""
        if isinstance(value, str):
            value = date.fromisoformat(value)
        return dates.format_date(value, "long", locale=format_locale())

    app.add_template_filter(local_datetime)

    @app.context_processor
    def language_context():
        return {
            "LANGUAGES": LANGUAGES,
            "LANGUAGE_NAMES": LANGUAGE_NAMES,
            "current_language": current_language,
            "language_links": language_links,
        }
