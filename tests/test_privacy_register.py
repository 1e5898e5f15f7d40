"""The processing register and docs/privacy.md come from the declaration and match it."""

import csv
import io

import pytest

from qb.extensions import db
from qb.personal_data import personal_columns
from qb.privacy import register

from .site import ROOT


@pytest.fixture
def app(make_app):
    return make_app()


def invoke(app, *args):
    result = app.test_cli_runner().invoke(args=["privacy", "register", *args])
    assert result.exit_code == 0, result.output
    return result.output


def declared(app):
    with app.app_context():
        return [
            (table.name, name)
            for table in db.metadata.sorted_tables
            for name, _declared in personal_columns(table)
        ]


def test_the_register_page_in_docs_is_the_generated_one(app):
    page = (ROOT / "docs" / "processing-register.md").read_text(encoding="utf-8")
    assert invoke(app) == page, "run: flask --app qb privacy register --docs"


def test_privacy_md_carries_the_current_register(app):
    text = (ROOT / "docs" / "privacy.md").read_text(encoding="utf-8")
    with app.app_context():
        assert register.with_summary(text) == text, "run: flask --app qb privacy register --docs"
    for table, column in declared(app):
        assert f"| `{table}` | `{column}` |" in text


def test_the_csv_has_one_row_per_personal_column(app, tmp_path):
    rows = list(csv.reader(io.StringIO(invoke(app, "--format", "csv"))))
    assert rows[0] == register.CSV_HEADER
    assert [(r[0], r[1]) for r in rows[1:]] == declared(app)
    enquiry_name = next(r for r in rows if r[:2] == ["enquiry", "name"])
    assert enquiry_name[6].startswith("Yandex LLC (RU)") and enquiry_name[7] == "RU"
    assert "365 days" in enquiry_name[5]
    target = tmp_path / "register.csv"
    invoke(app, "--format", "csv", "-o", str(target))
    assert target.read_text(encoding="utf-8") == invoke(app, "--format", "csv")


def test_the_register_follows_the_settings(make_app):
    app = make_app(
        ENQUIRY_RETENTION_DAYS=90,
        OPERATOR_MAILBOX_PROVIDER="Mailbox KZ LLP",
        OPERATOR_MAILBOX_COUNTRY="KZ",
    )
    page = invoke(app)
    assert "90 days after the enquiry arrives" in page
    assert "Mailbox KZ LLP (KZ)" in page and "| RU |" not in page


def test_a_wrong_format_is_a_usage_error(app):
    result = app.test_cli_runner().invoke(args=["privacy", "register", "--format", "pdf"])
    assert result.exit_code == 2 and "'pdf' is not one of" in result.output
