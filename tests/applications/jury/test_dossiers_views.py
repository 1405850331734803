"""The organisers' dossier pages: build, follow, download; nobody else."""

import io
import zipfile

import pytest
from django.urls import reverse

from applications.jury.enums import RunState
from applications.jury.models import Dossier
from portal.audit.models import AuditEvent
from tests.applications.factories import CallFactory, UserFactory

from .factories_dossiers import (
    make_deposited_application,
    make_grid,
    make_juror,
    make_sheet,
)


@pytest.fixture
def call(db):
    call = CallFactory(slug="ami-vues")
    grid = make_grid(call)
    juror = make_juror(call, email="sophie@cci.example", full_name="Sophie Lefèvre")
    application = make_deposited_application(
        call, reference="VUE-0001", title="Itinéraires calmes"
    )
    make_sheet(juror, application, grid, [4, 3, 5])
    return call


@pytest.fixture
def juror_client(client, call, settings):
    settings.PORTAL_REQUIRE_MFA = False
    membership = call.jury.get()
    client.force_login(membership.user)
    return client


def _url(name, call, **kwargs):
    return reverse(f"jury_bo:{name}", kwargs={"slug": call.slug, **kwargs})


def test_organiser_builds_and_downloads_the_dossier(
    organiser_client, organiser, call, django_capture_on_commit_callbacks
):
    page = organiser_client.get(_url("dossiers", call))
    assert page.status_code == 200
    assert 'name="include_scores"' in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            _url("dossiers", call), {"include_scores": "on"}
        )
    assert response.status_code == 302
    assert response["Location"] == _url("dossiers", call)
    dossier = Dossier.objects.get()
    assert (dossier.call, dossier.include_scores, dossier.requested_by) == (
        call,
        True,
        organiser,
    )
    assert (dossier.state, dossier.progress) == (RunState.DONE, 100)

    status = organiser_client.get(_url("dossier_status", call, pk=dossier.pk))
    assert status.json() == {
        "id": dossier.pk,
        "state": "done",
        # The label of the state, in the page's language (French).
        "state_label": str(RunState.DONE.label),
        "progress": 100,
        "finished": True,
        "error": "",
        "download_url": _url("dossier_download", call, pk=dossier.pk),
    }

    download = organiser_client.get(_url("dossier_download", call, pk=dossier.pk))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"] == (
        f'attachment; filename="dossier-jury-ami-vues-{dossier.pk}.zip"'
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert sorted(archive.namelist()) == ["VUE-0001.pdf", "scores.csv"]
    assert list(
        AuditEvent.objects.filter(verb__startswith="jury.dossier_")
        .order_by("pk")
        .values_list("verb", "actor")
    ) == [
        ("jury.dossier_requested", organiser.pk),
        ("jury.dossier_built", None),
        ("jury.dossier_downloaded", organiser.pk),
    ]


def test_dossier_page_shows_progress_and_refresh_link_while_building(
    organiser_client, call
):
    dossier = Dossier.objects.create(call=call, state=RunState.RUNNING, progress=40)
    body = organiser_client.get(_url("dossiers", call)).content.decode()

    assert '<progress max="100" value="40"' in body
    assert _url("dossier_status", call, pk=dossier.pk) in body
    assert f'href="{_url("dossiers", call)}"' in body
    assert "js/progress-poll.js" in body
    assert "<script>" not in body


def test_status_of_a_running_dossier(organiser_client, call):
    dossier = Dossier.objects.create(call=call, state=RunState.RUNNING, progress=40)
    data = organiser_client.get(_url("dossier_status", call, pk=dossier.pk)).json()

    assert (
        data["state"],
        data["progress"],
        data["finished"],
        data["download_url"],
    ) == (
        "running",
        40,
        False,
        "",
    )


def test_unfinished_dossier_cannot_be_downloaded(organiser_client, call):
    dossier = Dossier.objects.create(call=call, state=RunState.RUNNING, progress=40)
    response = organiser_client.get(_url("dossier_download", call, pk=dossier.pk))

    assert response.status_code == 404


def test_dossier_of_another_call_answers_404(organiser_client, call):
    other = CallFactory(slug="ami-autre")
    dossier = Dossier.objects.create(call=other)

    assert (
        organiser_client.get(_url("dossier_status", call, pk=dossier.pk)).status_code
        == 404
    )
    assert (
        organiser_client.get(_url("dossier_download", call, pk=dossier.pk)).status_code
        == 404
    )
    assert (
        organiser_client.get(_url("dossier_status", call, pk=999999)).status_code == 404
    )
    missing = reverse("jury_bo:dossiers", kwargs={"slug": "no-such-call"})
    assert organiser_client.get(missing).status_code == 404


def test_juror_of_the_call_is_refused_everything(juror_client, call):
    dossier = Dossier.objects.create(call=call, state=RunState.DONE, progress=100)

    assert juror_client.get(_url("dossiers", call)).status_code == 403
    assert juror_client.post(_url("dossiers", call), {}).status_code == 403
    assert (
        juror_client.get(_url("dossier_status", call, pk=dossier.pk)).status_code == 403
    )
    assert (
        juror_client.get(_url("dossier_download", call, pk=dossier.pk)).status_code
        == 403
    )
    assert Dossier.objects.count() == 1


def test_user_without_role_gets_404(client, call):
    client.force_login(UserFactory(email="passant@example.org"))

    assert client.get(_url("dossiers", call)).status_code == 404


@pytest.mark.parametrize("rows", [1, 6])
def test_dossier_list_queries_do_not_grow(
    organiser_client, organiser, call, rows, django_assert_num_queries
):
    for _n in range(rows):
        Dossier.objects.create(call=call, requested_by=organiser, state=RunState.DONE)
    organiser_client.get(_url("dossiers", call))  # warm the session and caches

    # The same five queries whatever the number of dossiers listed.
    with django_assert_num_queries(5):
        response = organiser_client.get(_url("dossiers", call))
    assert response.status_code == 200
    assert response.content.decode().count("data-progress-status=") == rows
