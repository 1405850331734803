"""Check-in on the day: search, scan, twice harmless, undo, the ticket and its
QR code, the attendance CSV; who may do what."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from workshops.enums import RegistrationState
from workshops.services.checkin import CheckInError, check_in, undo_check_in

from .wafter_factories import *  # noqa: F403
from .wafter_factories import client_for, make_workshop, register


def _url(name, workshop, **kwargs):
    return reverse(f"workshops:{name}", kwargs={"slug": workshop.slug, **kwargs})


def test_check_in_twice_is_harmless(participant, facilitator):
    first = check_in(participant, actor=facilitator)
    at = participant.checked_in_at
    second = check_in(participant, actor=facilitator)

    participant.refresh_from_db()
    assert (first.already, second.already) == (False, True)
    assert participant.checked_in_at == at
    assert participant.checked_in_by == facilitator
    assert AuditEvent.objects.filter(verb="workshop.checked_in").count() == 1


def test_check_in_refuses_a_waitlisted_registration(workshop, user, facilitator):
    registration = register(workshop, user, state=RegistrationState.WAITLISTED)

    with pytest.raises(CheckInError) as error:
        check_in(registration, actor=facilitator)

    assert error.value.message == "This registration is not confirmed."
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_undo_check_in_clears_it(participant, facilitator):
    check_in(participant, actor=facilitator)

    undo_check_in(participant, actor=facilitator)

    participant.refresh_from_db()
    assert (participant.checked_in_at, participant.checked_in_by) == (None, None)
    assert list(AuditEvent.objects.order_by("pk").values_list("verb", flat=True)) == [
        "workshop.checked_in",
        "workshop.check_in_undone",
    ]


def test_scan_shows_then_checks_in_then_says_already(
    client, participant, facilitator, workshop
):
    client_for(client, facilitator)
    url = _url("checkin_scan", workshop, token=participant.checkin_token)

    shown = client.get(url)
    participant.refresh_from_db()
    assert shown.status_code == 200
    assert participant.checked_in_at is None  # a GET changes nothing
    assert "Léa Fontaine" in shown.content.decode()

    done = client.post(url)
    participant.refresh_from_db()
    time = timezone.localtime(participant.checked_in_at).strftime("%H:%M")
    assert f"Checked in at {time}." in done.content.decode()

    again = client.get(url)
    assert again.status_code == 200
    assert f"Already checked in at {time}." in again.content.decode()
    second_post = client.post(url)
    assert f"Already checked in at {time}." in second_post.content.decode()
    assert AuditEvent.objects.filter(verb="workshop.checked_in").count() == 1


def test_scan_of_a_ticket_for_another_workshop_is_refused(
    client, workshop, facilitator, other_user
):
    elsewhere = register(make_workshop("atelier-bruit", title="Bruit"), other_user)
    client_for(client, facilitator)

    response = client.post(
        _url("checkin_scan", workshop, token=elsewhere.checkin_token)
    )

    assert response.status_code == 404
    assert "This ticket is for another workshop." in response.content.decode()
    elsewhere.refresh_from_db()
    assert elsewhere.checked_in_at is None


def test_scan_of_an_unknown_or_huge_token_says_unknown(client, workshop, facilitator):
    client_for(client, facilitator)

    for token in ["nope", "x" * 5000]:
        response = client.get(_url("checkin_scan", workshop, token=token))
        assert response.status_code == 404
        assert "This ticket is unknown." in response.content.decode()


def test_search_lists_matching_participants_as_buttons(
    client, workshop, facilitator, participant, other_participant
):
    client_for(client, facilitator)

    response = client.get(_url("checkin", workshop), {"q": "fonta"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Léa Fontaine" in html
    assert "Mehdi Haddad" not in html
    assert _url("checkin_do", workshop, pk=participant.pk) in html


def test_check_in_button_and_undo_from_the_list(
    client, workshop, facilitator, participant
):
    client_for(client, facilitator)

    response = client.post(
        _url("checkin_do", workshop, pk=participant.pk), {"q": "Léa"}
    )
    assert response.status_code == 302
    assert response["Location"] == _url("checkin", workshop) + "?q=L%C3%A9a"
    participant.refresh_from_db()
    assert participant.checked_in_by == facilitator

    again = client.post(_url("checkin_do", workshop, pk=participant.pk), follow=True)
    time = timezone.localtime(participant.checked_in_at).strftime("%H:%M")
    assert f"Léa Fontaine was already checked in at {time}." in again.content.decode()

    client.post(_url("checkin_undo", workshop, pk=participant.pk))
    participant.refresh_from_db()
    assert participant.checked_in_at is None


def test_attendance_counts_on_the_run_page(
    client, workshop, facilitator, participant, other_participant, make_waiting
):
    check_in(participant, actor=facilitator)
    client_for(client, facilitator)

    response = client.get(_url("run", workshop))

    assert response.context["counts"] == {
        "confirmed": 2,
        "checked_in": 1,
        "waitlisted": 1,
    }


@pytest.fixture
def make_waiting(workshop):
    from tests.conftest import make_user

    return register(
        workshop,
        make_user("nina@example.org", full_name="Nina Petit"),
        state=RegistrationState.WAITLISTED,
        confirmed_at=None,
        waitlisted_at=timezone.now(),
    )


def test_check_in_list_queries_do_not_grow(
    client, workshop, facilitator, django_assert_num_queries
):
    from tests.conftest import make_user

    client_for(client, facilitator)
    for number in range(3):
        register(workshop, make_user(f"p{number}@example.org", full_name=f"P {number}"))
    client.get(_url("checkin", workshop))  # warm the session
    with django_assert_num_queries(6) as small:
        client.get(_url("checkin", workshop))
    for number in range(3, 25):
        register(workshop, make_user(f"p{number}@example.org", full_name=f"P {number}"))
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(_url("checkin", workshop))


# --- The ticket ------------------------------------------------------------------


def test_ticket_shows_the_qr_code_served_as_svg(client, participant, workshop, user):
    client_for(client, user)

    page = client.get(_url("ticket", workshop))
    qr = client.get(_url("ticket_qr", workshop))

    assert page.status_code == 200
    assert f'src="{_url("ticket_qr", workshop)}"' in page.content.decode()
    assert qr.status_code == 200
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<svg")
    assert qr["Cache-Control"] == "private, no-store"


def test_ticket_qr_encodes_the_checkin_url(participant, settings):
    import segno

    from workshops.views.checkin import checkin_url

    url = checkin_url(participant)

    assert url == (
        settings.SITE_URL
        + f"/en/agenda/animation/donnees-dtpr/billet/{participant.checkin_token}/"
    )
    # segno encodes the URL as is: the same payload gives the same matrix.
    assert segno.make(url, error="m").designator


@pytest.mark.parametrize("who", ["anonymous", "other", "waitlisted"])
def test_ticket_of_someone_without_a_confirmed_seat_is_404(
    client, workshop, participant, other_user, who
):
    if who == "other":
        client_for(client, other_user)
    elif who == "waitlisted":
        register(workshop, other_user, state=RegistrationState.WAITLISTED)
        client_for(client, other_user)
    response = client.get(_url("ticket", workshop))
    qr = client.get(_url("ticket_qr", workshop))
    if who == "anonymous":
        assert response.status_code == 302
        assert qr.status_code == 302
    else:
        assert (response.status_code, qr.status_code) == (404, 404)


# --- Attendance CSV ---------------------------------------------------------------


def test_attendance_csv_content_and_formula_neutralisation(
    client, workshop, facilitator, participant, other_user
):
    other_user.full_name = '=HYPERLINK("http://evil.example")'
    other_user.save(update_fields=["full_name"])
    register(workshop, other_user)
    moment = timezone.make_aware(datetime.datetime(2026, 11, 30, 18, 5))
    check_in(participant, actor=facilitator, now=moment)
    client_for(client, facilitator)

    response = client.get(_url("attendance_csv", workshop))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="presences-donnees-dtpr.csv"'
    )
    text = response.content.decode("utf-8")
    assert text.splitlines() == [
        "\ufeffName;Email;Project;Seat;State;Checked in at (Paris time)",
        # Sorted by name: "=" before "L"; the formula is neutralised.
        '"\'=HYPERLINK(""http://evil.example"")";mehdi@example.org;;'
        "Resident seat;Confirmed;",
        "Léa Fontaine;lea@example.org;;Resident seat;Confirmed;2026-11-30 18:05",
    ]
    assert AuditEvent.objects.filter(verb="workshop.attendance_exported").count() == 1


def test_run_page_tells_recent_activity_in_sentences(
    client, workshop, facilitator, participant
):
    check_in(participant, actor=facilitator)
    undo_check_in(participant, actor=facilitator)
    client_for(client, facilitator)

    response = client.get(_url("run", workshop))

    html = response.content.decode()
    assert [
        (event.label, event.target_name, event.actor)
        for event in response.context["activity"]
    ] == [
        ("Check-in undone", "Léa Fontaine", facilitator),
        ("Participant checked in", "Léa Fontaine", facilitator),
    ]
    assert "workshop.checked_in" not in html
    assert "Participant checked in — Léa Fontaine" in html


RECORDED_VERBS = [
    "workshop.checked_in",
    "workshop.check_in_undone",
    "workshop.attendance_exported",
    "workshop.minutes_saved",
    "workshop.minutes_published",
    "workshop.material_added",
    "workshop.material_removed",
    "workshop.action_saved",
    "workshop.action_status_changed",
    "workshop.feedback_invited",
    "workshop.feedback_given",
    "workshop.certificates_requested",
    "workshop.certificates_generated",
    "workshop.certificates_failed",
]


def test_every_recorded_verb_has_a_sentence():
    from workshops.audit_wafter import VERB_LABELS, verb_label

    assert sorted(VERB_LABELS) == sorted(RECORDED_VERBS)
    assert verb_label("workshop.checked_in") == "Participant checked in"
    assert verb_label("workshop.something_new") == "Workshop event: something new"
