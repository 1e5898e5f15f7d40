"""`flask privacy export|block|unblock|depersonalise|destroy`: one person's data by hand."""

import json

import pytest

from .contact_helpers import SETTINGS, enquiries
from .factories import new_enquiry


@pytest.fixture
def app(make_app):
    return make_app(**SETTINGS, tables=True)


def run(app, *args, **kwargs):
    return app.test_cli_runner().invoke(args=["privacy", *args], **kwargs)


def test_export_block_and_destroy_by_address(app, tmp_path):
    mine = new_enquiry(app, email="asel@example.kz", newsletter=True)
    other = new_enquiry(app, email="bolat@example.kz")
    result = run(app, "export", "--email", "ASEL+x@example.kz")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["schema"] == "qb.person/1" and [e["id"] for e in data["enquiries"]] == [mine]
    assert data["enquiries"][0]["name"] == "Әсел Нұрланқызы Ұлықбекова"

    result = run(app, "block", "--email", "asel@example.kz")
    assert result.exit_code == 0 and "block: enquiry: 1" in result.output
    assert json.loads(run(app, "export", "--email", "asel@example.kz").output)["enquiries"] == []
    target = tmp_path / "export.json"
    result = run(app, "export", "--email", "asel@example.kz", "--include-blocked", "-o", target)
    assert result.exit_code == 0 and json.loads(target.read_text())["enquiries"][0]["blocked"]
    assert target.stat().st_mode & 0o777 == 0o600  # personal data: the owner's only
    nowhere = tmp_path / "missing" / "export.json"
    result = run(app, "export", "--email", "asel@example.kz", "-o", nowhere)
    assert result.exit_code == 1 and "cannot write" in result.output
    assert "Traceback" not in result.output
    assert "unblock: enquiry: 1" in run(app, "unblock", f"enquiry:{mine}").output

    refused = run(app, "destroy", "--email", "asel@example.kz", input="n\n")
    assert refused.exit_code == 1 and [e.id for e in enquiries(app)] == [mine, other]
    result = run(app, "destroy", "--email", "asel@example.kz", "--yes")
    assert result.exit_code == 0, result.output
    assert "destroy: consent_record: 3, enquiry: 1, newsletter_subscriber: 1" in result.output
    assert "asel" not in result.output.lower()
    assert [e.id for e in enquiries(app)] == [other]


def test_depersonalise_by_subject(app):
    mine = new_enquiry(app, email="asel@example.kz")
    result = run(app, "depersonalise", f"enquiry:{mine}", "--yes")
    assert result.exit_code == 0 and "enquiry: 1" in result.output
    (left,) = enquiries(app)
    assert left.id == mine and left.name == "" and left.language == "kk"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["block"], "Name the person"),
        (["block", "--email", "not-an-address"], "not an e-mail address"),
        (["block", "enquiry"], "a subject is a kind and a number"),
        (["block", "enquiry:0"], "a subject is a kind and a number"),
        (["destroy", "--yes", "'; drop table enquiry; --"], "a subject is a kind and a number"),
        (["export"], "Missing option '--email'"),
        (["reapply", "--since", "yesterday"], "a UTC time such as"),
    ],
)
def test_bad_arguments_get_a_usage_error(app, args, message):
    new_enquiry(app, email="asel@example.kz")
    result = run(app, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert len(enquiries(app)) == 1
