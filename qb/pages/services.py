"""Reading the page and offer content files for one language; which offers are current."""

from datetime import date

from ..content import OFFERS, Document, content_path, list_documents, read_document
from ..i18n import DEFAULT_LANGUAGE


def list_offers(lang: str, today: date) -> list[Document]:
    """The offers in `lang` that have not ended by `today`, newest first."""
    offers = [
        read_document(content_path(lang, OFFERS, f"{slug}.md"), lang)
        for slug in list_documents(lang, OFFERS)
    ]
    current = [offer for offer in offers if not has_ended(offer, today)]
    return sorted(current, key=lambda doc: (doc.meta.get("date", ""), doc.slug), reverse=True)


def offer_slugs(today: date, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """Slugs of the offers that have not ended by `today`; every language has the same ones."""
    return [offer.slug for offer in list_offers(lang, today)]


def get_offer(lang: str, slug: str) -> Document | None:
    """One offer by slug, ended or not, or None when no such offer exists."""
    if slug not in list_documents(lang, OFFERS):
        return None
    return read_document(content_path(lang, OFFERS, f"{slug}.md"), lang)


def has_ended(offer: Document, today: date) -> bool:
    """Whether the offer's last day (its `Until:`, Kazakhstan time) is before `today`."""
    until = offer.meta.get("until")
    return bool(until) and date.fromisoformat(until) < today
