"""Keyset pages for the console's lists: newest first, `id < before`, so a late page costs
what the first does."""

from ..extensions import db


def keyset_page(select, id_column, before=None, size=50):
    """(the rows of this page, the `before` of the next older page or None); `select` is
    ordered by `id_column` descending."""
    if before:
        select = select.where(id_column < before)
    rows = list(db.session.scalars(select.limit(size + 1)))
    older = rows[size - 1].id if len(rows) > size else None
    return rows[:size], older
