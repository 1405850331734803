"""The portal's GDPR export and erasure reach data access (its own
``personal_data`` module, found by the accounts app like every app's)."""

import pytest

from datasets.access.models import ApiKey, DataGrant
from datasets.access.services import issue_api_key
from portal.accounts.services import erase_user, export_personal_data
from tests.datasets.conftest import make_grant

pytestmark = pytest.mark.django_db


def test_export_and_erasure_of_an_account_reach_its_grants(
    holder, datasets, organiser, django_capture_on_commit_callbacks
):
    grant = make_grant(holder, datasets[:1], organiser, project="Baromètre du bruit")
    key, token = issue_api_key(grant, name="prod", actor=holder)

    exported = export_personal_data(holder)["data_access"]
    with django_capture_on_commit_callbacks(execute=True):
        erase_user(holder, actor=holder)

    assert [(row["project"], row["datasets"]) for row in exported] == [
        ("Baromètre du bruit", ["pedestrian-flows"])
    ]
    assert [item["prefix"] for item in exported[0]["keys"]] == [key.prefix]
    assert token.split("_", 2)[2] not in str(exported)
    grant = DataGrant.objects.get()
    # The grant is revoked, and stays the Project's: the project is not erased.
    assert (grant.revoke_reason, grant.project_name) == (
        "account erased",
        "Baromètre du bruit",
    )
    assert ApiKey.objects.get().revoked_at == grant.revoked_at


def test_erasure_keeps_the_projects_signature_without_the_person(
    holder, datasets, organiser
):
    from datasets.access.models import CharterSignature
    from datasets.access.personal_data import erase_for, export_for
    from tests.datasets.conftest import make_grant

    grant = make_grant(holder, datasets, organiser)
    assert export_for(holder)["charter_signatures"] == [
        {
            "project": "Trottoirs vivants",
            "charter_version": "1.0",
            "signer_name": "Inès Moreau",
            "signed_at": CharterSignature.objects.get().signed_at.isoformat(),
        }
    ]

    result = erase_for(holder)

    signature = CharterSignature.objects.get()
    assert (signature.project, signature.signer, signature.signer_name) == (
        grant.project,
        None,
        "—",
    )
    assert result["charter_signatures_anonymised"] == 1
