"""After the workshop: minutes sanitised, materials checked like attachments
and shown to whom they are published, follow-up actions and their status."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.audit.models import AuditEvent
from tests.conftest import make_user
from tests.datasets.conftest import make_project
from workshops.enums import ActionStatus, Visibility
from workshops.models import FollowUpAction, Material, Minutes
from workshops.selectors.after import (
    action_counts_for_project,
    after_workshop_for,
    follow_up_actions_for_project,
)
from workshops.services.after import save_minutes

from .wafter_factories import *  # noqa: F403
from .wafter_factories import blank_pdf, client_for


def _url(name, workshop, **kwargs):
    return reverse(f"workshops:{name}", kwargs={"slug": workshop.slug, **kwargs})


HOSTILE = (
    "# Compte rendu\n\n<script>alert('x')</script>\n\n"
    "[clic](javascript:alert(1)) <img src=x onerror=alert(1)> **gras**"
)


def test_minutes_are_sanitised_when_shown(client, workshop, facilitator, participant):
    client_for(client, facilitator)

    response = client.post(
        _url("minutes_edit", workshop),
        {"body": HOSTILE, "visibility": Visibility.PARTICIPANTS, "publish": "on"},
    )

    assert response.status_code == 302
    minutes = Minutes.objects.get(workshop=workshop)
    assert (minutes.body, minutes.author) == (HOSTILE, facilitator)
    assert minutes.published_at is not None
    html = after_workshop_for(workshop, participant.user).minutes_html
    assert "<h1>Compte rendu</h1>" in html
    assert "<strong>gras</strong>" in html
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert AuditEvent.objects.get().verb == "workshop.minutes_published"


def test_minutes_for_participants_hidden_from_others(
    workshop, facilitator, participant, other_user
):
    save_minutes(
        workshop,
        body="Notes",
        visibility=Visibility.PARTICIPANTS,
        publish=True,
        actor=facilitator,
    )

    assert after_workshop_for(workshop, participant.user).minutes_html == "<p>Notes</p>"
    assert after_workshop_for(workshop, facilitator).minutes_html == "<p>Notes</p>"
    assert after_workshop_for(workshop, other_user).minutes_html == ""
    assert after_workshop_for(workshop, None).minutes_html == ""


def test_public_minutes_visible_to_anyone_and_drafts_to_nobody(workshop, facilitator):
    from django.contrib.auth.models import AnonymousUser

    save_minutes(
        workshop,
        body="Draft",
        visibility=Visibility.PUBLIC,
        publish=False,
        actor=facilitator,
    )
    assert after_workshop_for(workshop, AnonymousUser()).minutes_html == ""

    save_minutes(
        workshop,
        body="Public",
        visibility=Visibility.PUBLIC,
        publish=True,
        actor=facilitator,
    )
    assert after_workshop_for(workshop, AnonymousUser()).minutes_html == "<p>Public</p>"


def _upload(client, workshop, content, *, name="slides.pdf", visibility="public"):
    return client.post(
        _url("materials", workshop),
        {
            "title": "Diapositives",
            "visibility": visibility,
            "file": SimpleUploadedFile(name, content, "application/pdf"),
        },
    )


def test_material_pdf_is_added_and_downloaded_by_whom_it_is_for(
    client, workshop, facilitator, participant, other_user
):
    client_for(client, facilitator)
    response = _upload(client, workshop, blank_pdf(2), visibility="participants")
    assert response.status_code == 302
    material = Material.objects.get()
    assert (material.title, material.original_name, material.visibility) == (
        "Diapositives",
        "slides.pdf",
        Visibility.PARTICIPANTS,
    )
    url = _url("material_download", workshop, pk=material.pk)

    client_for(client, participant.user)
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == blank_pdf(2)

    client_for(client, other_user)
    assert client.get(url).status_code == 404
    client_for(client, None)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "content, message",
    [
        (b"MZ\x90\x00" + b"\x00" * 500, "This file is not a PDF"),
        (b"<html><body>hello</body></html>", "This file is not a PDF"),
        (b"%PDF-1.4 broken", "This file is not a PDF"),
        (b"", "The submitted file is empty."),
    ],
)
def test_hostile_or_non_pdf_material_is_refused(
    client, workshop, facilitator, content, message
):
    client_for(client, facilitator)

    response = _upload(client, workshop, content, name="virus.pdf")

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Material.objects.count() == 0


def test_material_too_large_is_refused(client, workshop, facilitator, monkeypatch):
    monkeypatch.setattr("workshops.services.after.MATERIAL_MAX_BYTES", 100)
    client_for(client, facilitator)

    response = _upload(client, workshop, blank_pdf())

    assert response.status_code == 400
    assert "the limit is 100\u00a0bytes per file" in response.content.decode()
    assert Material.objects.count() == 0


def test_material_removed_by_a_facilitator(client, workshop, facilitator):
    client_for(client, facilitator)
    _upload(client, workshop, blank_pdf())
    material = Material.objects.get()

    response = client.post(_url("material_remove", workshop, pk=material.pk))

    assert response.status_code == 302
    assert Material.objects.count() == 0


# --- Follow-up actions ----------------------------------------------------------


@pytest.fixture
def project(db):
    lead = make_user("ines@example.org", full_name="Inès Moreau")
    return make_project(lead, "Trottoirs vivants")


def test_facilitator_creates_and_edits_an_action(
    client, workshop, facilitator, project
):
    client_for(client, facilitator)

    response = client.post(
        _url("actions", workshop),
        {
            "project": project.pk,
            "title": "Publier le prototype",
            "owner": project.application.created_by.pk,
            "due_on": "2026-12-15",
            "status": ActionStatus.OPEN,
        },
    )

    assert response.status_code == 302
    action = FollowUpAction.objects.get()
    assert (
        action.project,
        action.workshop,
        action.title,
        action.owner,
        action.owner_name,
        action.due_on,
        action.status,
    ) == (
        project,
        workshop,
        "Publier le prototype",
        project.application.created_by,
        "",
        datetime.date(2026, 12, 15),
        ActionStatus.OPEN,
    )
    client.post(
        _url("action_edit", workshop, pk=action.pk),
        {
            "project": project.pk,
            "title": "Publier le prototype",
            "owner": project.application.created_by.pk,
            "due_on": "2027-01-15",
            "status": ActionStatus.IN_PROGRESS,
        },
    )
    action.refresh_from_db()
    assert (action.due_on, action.status) == (
        datetime.date(2027, 1, 15),
        ActionStatus.IN_PROGRESS,
    )
    assert list(follow_up_actions_for_project(project)) == [action]
    assert action_counts_for_project(project) == {"done": 0, "open": 1}


@pytest.mark.parametrize("due_on", ["9999-12-31", "1900-01-01", "2026-02-31", "x"])
def test_action_due_date_out_of_range_gets_a_message(
    client, workshop, facilitator, project, due_on
):
    client_for(client, facilitator)

    response = client.post(
        _url("actions", workshop),
        {
            "project": project.pk,
            "title": "A",
            "owner": project.application.created_by.pk,
            "due_on": due_on,
            "status": ActionStatus.OPEN,
        },
    )

    assert response.status_code == 400
    assert FollowUpAction.objects.count() == 0


def _action(project, workshop):
    return FollowUpAction.objects.create(
        project=project,
        workshop=workshop,
        title="Publier le prototype",
        owner_name="Inès Moreau",
        due_on=datetime.date(2026, 12, 15),
    )


def test_project_team_updates_the_status_of_its_action(client, workshop, project):
    action = _action(project, workshop)
    lead = project.application.created_by
    client_for(client, lead)

    response = client.post(
        reverse("workshops:action_status", kwargs={"pk": action.pk}),
        {"status": ActionStatus.DONE, "next": "/projets/trottoirs-vivants/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/projets/trottoirs-vivants/"
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action_counts_for_project(project) == {"done": 1, "open": 0}
    event = AuditEvent.objects.get(verb="workshop.action_status_changed")
    assert (event.actor, event.before, event.after) == (
        lead,
        {"status": "open"},
        {"status": "done"},
    )


def test_status_of_an_action_refused_to_another_team_and_offsite_next(
    client, workshop, project, other_user
):
    action = _action(project, workshop)
    client_for(client, other_user)

    response = client.post(
        reverse("workshops:action_status", kwargs={"pk": action.pk}),
        {"status": ActionStatus.DONE},
    )
    assert response.status_code == 404

    client_for(client, project.application.created_by)
    response = client.post(
        reverse("workshops:action_status", kwargs={"pk": action.pk}),
        {"status": "hacked", "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_after_workshop_include_renders_for_a_participant(
    client, workshop, facilitator, participant
):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    save_minutes(
        workshop,
        body="**Merci**",
        visibility=Visibility.PARTICIPANTS,
        publish=True,
        actor=facilitator,
    )
    request = RequestFactory().get("/")
    request.user = participant.user

    html = render_to_string(
        "workshops/includes/after_workshop.html",
        {"workshop": workshop},
        request=request,
    )

    assert "<strong>Merci</strong>" in html
    assert _url("run", workshop) not in html


def test_project_actions_include_offers_the_status_form_to_the_team_only(
    workshop, project, other_user
):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    action = _action(project, workshop)
    form_url = reverse("workshops:action_status", kwargs={"pk": action.pk})

    def html_for(person):
        request = RequestFactory().get("/projets/trottoirs-vivants/")
        request.user = person
        return render_to_string(
            "workshops/includes/follow_up_actions.html",
            {
                "project": project,
                "actions": follow_up_actions_for_project(project),
            },
            request=request,
        )

    team_html = html_for(project.application.created_by)
    assert form_url in team_html
    assert '<option value="open" selected>To do</option>' in team_html
    other_html = html_for(other_user)
    assert form_url not in other_html
    assert "Publier le prototype" in other_html


# --- The owner of a follow-up action is a person -----------------------------------


def _action_data(project, owner, **overrides):
    return {
        "project": project.pk,
        "title": "Publier le prototype",
        "owner": owner.pk,
        "due_on": "2026-12-15",
        "status": ActionStatus.OPEN,
        **overrides,
    }


def test_action_owner_is_offered_from_the_team_and_the_staff(
    client, workshop, facilitator, project
):
    client_for(client, facilitator)

    form = client.get(_url("actions", workshop)).context["form"]

    groups = {
        label: [value for value, _name in options]
        for label, options in (form.fields["owner"].choices[1:])
    }
    assert groups == {
        "Team of Trottoirs vivants": [project.application.created_by.pk],
        "Organisers and facilitators": [facilitator.pk],
    }


def test_action_owner_may_be_the_facilitator(client, workshop, facilitator, project):
    client_for(client, facilitator)

    response = client.post(
        _url("actions", workshop), _action_data(project, facilitator)
    )

    assert response.status_code == 302
    assert FollowUpAction.objects.get().owner == facilitator


def test_action_owner_outside_the_team_is_refused(
    client, workshop, facilitator, project
):
    other_lead = make_user("autre@example.org", full_name="Paul Autre")
    make_project(other_lead, "Autre projet")
    client_for(client, facilitator)

    response = client.post(_url("actions", workshop), _action_data(project, other_lead))

    assert response.status_code == 400
    assert response.context["form"].errors["owner"] == [
        "Choose a member of this project's team, an organiser or a facilitator "
        "of the workshop."
    ]
    assert FollowUpAction.objects.count() == 0


@pytest.mark.parametrize("owner", ["", "abc", "999999", "-1"])
def test_action_owner_hostile_input_gets_a_message(
    client, workshop, facilitator, project, owner
):
    client_for(client, facilitator)
    data = _action_data(project, facilitator)
    data["owner"] = owner

    response = client.post(_url("actions", workshop), data)

    assert response.status_code == 400
    assert "owner" in response.context["form"].errors
    assert FollowUpAction.objects.count() == 0


def test_public_pages_name_the_owner_by_team_never_by_person(
    client, workshop, facilitator, project
):
    lead = project.application.created_by
    team_name = project.application.organisation_name or project.name
    for title, owner, owner_name in [
        ("Publier le prototype", lead, ""),
        ("Préparer la salle", facilitator, ""),
        ("Rencontrer le conseil de quartier", None, "Odile Ancienne"),
    ]:
        FollowUpAction.objects.create(
            project=project,
            workshop=workshop,
            title=title,
            owner=owner,
            owner_name=owner_name,
            due_on=datetime.date(2026, 12, 15),
        )

    page = client.get(reverse("projects:detail", args=[project.slug])).content.decode()

    assert f"carried by {team_name}" in page
    assert "carried by the programme&#x27;s organisers" in page
    for private in ["Inès Moreau", "Yasmine Benali", "Odile Ancienne", lead.email]:
        assert private not in page, private
    # The team and the facilitators see who carries each action.
    client_for(client, facilitator)
    backoffice = client.get(_url("actions", workshop)).content.decode()
    assert "Inès Moreau" in backoffice
    assert "Yasmine Benali" in backoffice
    assert "Odile Ancienne" in backoffice


def test_editing_a_legacy_action_replaces_the_text_owner(
    client, workshop, facilitator, project
):
    action = _action(project, workshop)
    client_for(client, facilitator)
    form = client.get(_url("action_edit", workshop, pk=action.pk)).context["form"]
    assert "“Inès Moreau”" in str(form.fields["owner"].help_text)

    client.post(
        _url("action_edit", workshop, pk=action.pk),
        _action_data(project, project.application.created_by),
    )

    action.refresh_from_db()
    assert (action.owner, action.owner_name) == (project.application.created_by, "")


def test_migration_matches_text_owners_to_people(workshop, project):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("workshops.migrations.0005_follow_up_owner_is_a_person")
    matched = _action(project, workshop)  # "Inès Moreau", the team's lead
    unknown = FollowUpAction.objects.create(
        project=project,
        workshop=workshop,
        title="Autre",
        owner_name="Quelqu'un d'autre",
        due_on=datetime.date(2026, 12, 15),
    )

    migration.match_owners(apps, None)

    matched.refresh_from_db()
    unknown.refresh_from_db()
    assert (matched.owner, matched.owner_name) == (project.application.created_by, "")
    assert (unknown.owner, unknown.owner_name) == (None, "Quelqu'un d'autre")
