"""Every column of every model is declared personal or not personal, and the declaration is
complete enough for the engine: what it exports, and what depersonalising leaves."""

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from qb.extensions import db
from qb.personal_data import (
    NOT_PERSONAL,
    Holder,
    UndeclaredColumn,
    declaration,
    holders,
    personal,
    personal_columns,
    undeclared_columns,
)


@pytest.fixture
def models(make_app):
    make_app()  # every package registered: every model imported
    return db.metadata


def test_every_column_of_every_model_is_declared(models):
    assert undeclared_columns(models) == []


def test_a_new_column_without_a_declaration_fails_the_check():
    metadata = sa.MetaData()
    table = sa.Table(
        "example",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, info=NOT_PERSONAL),
        sa.Column("nickname", sa.String(40)),
    )
    assert undeclared_columns(metadata) == ["example.nickname"]
    with pytest.raises(UndeclaredColumn, match="example.nickname"):
        declaration(table.c.nickname)
    assert declaration(table.c.id) is None


def test_every_personal_column_of_a_holder_is_exported_or_repeats_one_that_is(models):
    found = holders(db.Model)
    assert {m.__tablename__ for m, _h in found} == {
        "enquiry",
        "newsletter_subscriber",
        "outbox_message",
        "consent_record",
    }
    for model, holder in found:
        columns = set(model.__table__.c.keys())
        assert set(holder.export) <= columns and set(holder.derived) <= columns
        for name, _declared in personal_columns(model.__table__):
            assert name in holder.export or name in holder.derived, f"{model.__tablename__}.{name}"
        assert len({h.section for _m, h in found}) == len(found)


def test_tables_with_personal_data_are_those_the_register_lists(models):
    with_personal = {t.name for t in models.sorted_tables if personal_columns(t)}
    assert with_personal == {
        "enquiry",
        "newsletter_subscriber",
        "outbox_message",
        "cookie_consent",
        "operator",
        "rights_link",  # "my data": the address being proven, for a day at most
        "rights_session",
    }


def test_every_personal_column_says_how_it_is_depersonalised(models):
    for table in models.sorted_tables:
        for name, declared in personal_columns(table):
            assert declared.depersonalise in ("erase", "replace"), f"{table.name}.{name}"
            if declared.depersonalise == "erase" and not table.c[name].nullable:
                assert isinstance(table.c[name].type, sa.String), f"{table.name}.{name}"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("name", "enquiry", "consent", "enquiry", "keep"), "depersonalise must be"),
        (("name", "marketing", "consent", "enquiry", "erase"), "'marketing' is not"),
        (("name", "enquiry", "whim", "enquiry", "erase"), "'whim' is not"),
        (("name", "enquiry", "consent", "forever", "erase"), "'forever' is not"),
        (("name", "enquiry", "consent", "enquiry", "replace"), "a replacement is given"),
    ],
)
def test_a_declaration_outside_the_catalogues_fails_at_once(arguments, message):
    with pytest.raises(ValueError, match=message):
        personal(*arguments)
    with pytest.raises(ValueError, match="'nowhere' is not"):
        personal("name", "enquiry", "consent", "enquiry", "erase", recipients=("nowhere",))


def test_a_holder_is_found_one_way():
    with pytest.raises(ValueError, match="mailbox column or by a subject column"):
        Holder(kind="x", section="xs", export=())
    with pytest.raises(ValueError, match="mailbox column or by a subject column"):
        Holder(kind="x", section="xs", export=(), mailbox_column="a", subject_column="b")
    with pytest.raises(ValueError, match="on_destroy"):
        Holder(kind="x", section="xs", export=(), subject_column="b", on_destroy="keep")


def test_a_model_declares_inline():
    class Base(sa.orm.DeclarativeBase):
        pass

    class Note(Base):
        __tablename__ = "note"
        __personal__ = Holder(kind="note", section="notes", export=("id",), subject_column="s")
        id: Mapped[int] = mapped_column(primary_key=True, info=NOT_PERSONAL)
        s: Mapped[str] = mapped_column(sa.String(40), info=NOT_PERSONAL)

    assert holders(Base) == [(Note, Note.__personal__)]
    assert undeclared_columns(Base.metadata) == []
