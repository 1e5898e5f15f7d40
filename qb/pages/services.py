"""Reading the page and offer content files for one language."""

from ..content import Document, content_path, list_documents, read_document
from ..i18n import DEFAULT_LANGUAGE

OFFERS = "offers"


def list_offers(lang: str) -> list[Document]:
    """Every offer in `lang`, newest first."""
    offers = [
        read_document(content_path(lang, OFFERS, f"{slug}.md"), lang)
        for slug in list_documents(lang, OFFERS)
    ]
    return sorted(offers, key=lambda doc: (doc.meta.get("date", ""), doc.slug), reverse=True)


def offer_slugs(lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """Slugs of the offers; every language has the same ones."""
    return list_documents(lang, OFFERS)


def get_offer(lang: str, slug: str) -> Document | None:
    """One offer by slug, or None when no such offer exists."""
    if slug not in list_documents(lang, OFFERS):
        return None
    return read_document(content_path(lang, OFFERS, f"{slug}.md"), lang)
