"""The organisers' pages of the deliberation: access, queries, actions, export."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from applications.enums import ApplicationState, CallPhase
from applications.jury.models import Decision
from applications.jury.selectors.ranking import progress_for_call
from applications.jury.services.scoring import record_scores
from portal.audit.models import AuditEvent
from portal.audit.sentences import EVENT_SENTENCES
from portal.outbox.models import OutgoingEmail
from tests.conftest import make_user

from .factories_deliberation import (
    assign,
    make_application,
    make_call,
    make_grid,
    make_juror,
    make_sheet,
)

S = ApplicationState


def _build(call, *, applications, jurors, prefix="AMI"):
    """``applications`` admissible applications, each scored by 3 of ``jurors``."""
    grid = make_grid(call, criteria=(("impact", 3, 5), ("privacy", 2, 5)))
    members = [make_juror(call, f"Juror {call.slug} {n}") for n in range(jurors)]
    for n in range(applications):
        application = make_application(call, reference=f"{prefix}-{n:03d}")
        for k in range(3):
            member = members[(n + k) % jurors]
            if k == 2:
                assign(member, application)  # not started
            else:
                make_sheet(member, application, grid, [(n + k) % 6, "na"])
    return members


@pytest.fixture
def call(db):
    return make_call(phase=CallPhase.DELIBERATION, slug="ami-2026")


def _url(name, call, **kwargs):
    return reverse(f"jury_bo:{name}", kwargs={"slug": call.slug, **kwargs})


@pytest.mark.parametrize("name", ["ranking", "progress", "deliberation", "audit_csv"])
def test_pages_are_for_organisers_only(call, client, settings, name):
    settings.PORTAL_REQUIRE_MFA = False
    juror = make_juror(call, "Alice Lenoir")
    outsider = make_user("someone@example.org")
    url = _url(name, call)

    assert client.get(url).status_code == 302  # to the login page
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(juror.user)
    assert client.get(url).status_code == 403


def test_actions_are_for_organisers_only(call, client, settings):
    settings.PORTAL_REQUIRE_MFA = False
    juror = make_juror(call, "Alice Lenoir")
    application = make_application(call, reference="AMI-001")
    client.force_login(juror.user)

    posts = [
        _url("remind", call, membership_id=juror.pk),
        _url("remind_all", call),
        _url("deliberation", call),
        _url("deliberation_application", call, reference=application.reference),
    ]

    assert [client.post(url, {"confirm": "on"}).status_code for url in posts] == [
        403
    ] * 4
    assert not OutgoingEmail.objects.exists()


def test_unknown_call_and_application_answer_404(call, organiser_client):
    other_call = make_call(slug="autre")
    foreign = make_application(other_call, reference="AUT-001")
    draft = make_application(call, state=S.DRAFT, reference="AMI-002")

    urls = [
        reverse("jury_bo:ranking", kwargs={"slug": "nope"}),
        _url("deliberation_application", call, reference=foreign.reference),
        _url("deliberation_application", call, reference=draft.reference),
        _url("deliberation_application", call, reference="<script>"),
        _url("remind", call, membership_id=987654),
    ]

    assert [organiser_client.get(url).status_code for url in urls[:4]] == [404] * 4
    assert organiser_client.post(urls[4]).status_code == 404


@pytest.mark.parametrize("name", ["ranking", "progress", "deliberation"])
def test_list_pages_make_constant_queries(
    call, organiser_client, django_assert_num_queries, name
):
    _build(call, applications=3, jurors=4)
    url = _url(name, call)
    organiser_client.get(url)  # warm the session and content types
    with django_assert_num_queries(QUERIES[name]):
        small = organiser_client.get(url)

    big_call = make_call(phase=CallPhase.DELIBERATION, slug="ami-big")
    _build(big_call, applications=30, jurors=9, prefix="BIG")
    with django_assert_num_queries(QUERIES[name]):
        big = organiser_client.get(_url(name, big_call))

    assert (small.status_code, big.status_code) == (200, 200)
    assert big.content.count(b"BIG-0") >= 30


# The session with its user, call, then the page's reads: applications, conflicts,
# assignments, jurors, scores (ranking); jurors, applications, assignments,
# reminders (progress); the ranking, decisions and the missing ones
# (deliberation).
QUERIES = {"ranking": 8, "progress": 7, "deliberation": 10}


def test_ranking_page_shows_the_figures_and_sortable_headers(call, organiser_client):
    grid = make_grid(call)
    first = make_application(call, reference="AMI-001", title="Bancs connectés")
    second = make_application(call, reference="AMI-002", title="Bruit")
    alice, bruno = make_juror(call, "Alice Lenoir"), make_juror(call, "Bruno Sevère")
    make_sheet(alice, first, grid, [20])  # 100
    make_sheet(bruno, first, grid, [10])  # 50
    make_sheet(alice, second, grid, [14])  # 70

    with translation.override("en"):
        url = _url("ranking", call)
    response = organiser_client.get(url + "?sort=mean")

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        'aria-sort="ascending"><a href="/en/gestion/jury/ami-2026/classement/'
        '?sort=-mean">Mean' in html
    )
    # AMI-001 (spread 50) is to discuss: its section comes first.
    discuss, others = html.split('id="others-title"')
    assert "AMI-001</th>" not in discuss  # the reference cell carries the badge
    assert 'AMI-001 <span class="badge badge-warning">to discuss</span></th>' in discuss
    assert "AMI-002" not in discuss and "AMI-002" in others
    assert '<td data-label="Mean">75.0</td>' in discuss  # mean of 100 and 50
    assert '<td data-label="Spread (max − min)">50.0</td>' in discuss
    assert '<td data-label="Mean">70.0</td>' in others
    assert '<td data-label="Sheets received / assigned">2 / 2</td>' in discuss
    assert '<td data-label="Sheets received / assigned">1 / 1</td>' in others
    assert "<li>Alice Lenoir: 2 sheets</li>" in html
    assert "<li>Bruno Sevère: 1 sheet</li>" in html
    assert '<script id="chart-jurors" type="application/json">' in html


def _in_review(call):
    call.phase = CallPhase.REVIEW
    call.save(update_fields=["phase"])


def test_remind_sends_once_a_day_and_shows_it(call, organiser_client, organiser):
    _in_review(call)
    grid = make_grid(call)
    application = make_application(call, reference="AMI-001")
    late = make_juror(call, "Alice Lenoir")
    done = make_juror(call, "Bruno Sevère")
    assign(late, application)
    make_sheet(done, application, grid, [12])
    url = _url("remind", call, membership_id=late.pk)

    organiser_client.post(url)
    response = organiser_client.post(url, follow=True)

    (email,) = OutgoingEmail.objects.all()
    assert email.to == "alice.lenoir@jury.example"
    assert email.kind == "jury_reminder"
    assert email.idempotency_key.startswith(f"jury-reminder:{late.pk}:")
    event = AuditEvent.objects.get(verb="jury.reminder_sent")
    assert (event.actor, event.after) == (
        organiser,
        {"pending": 1, "submitted": 0, "assigned": 1},
    )
    assert response.status_code == 200
    (alice, bruno) = progress_for_call(call).jurors
    assert (alice.name, alice.last_reminder) == ("Alice Lenoir", event.created_at)
    assert (bruno.name, bruno.last_reminder) == ("Bruno Sevère", None)
    assert (
        organiser_client.post(_url("remind", call, membership_id=done.pk)).status_code
        == 302
    )
    assert OutgoingEmail.objects.count() == 1


def test_remind_all_reaches_every_late_juror(call, organiser_client):
    _in_review(call)
    application = make_application(call, reference="AMI-001")
    for name in ("Alice Lenoir", "Bruno Sevère"):
        assign(make_juror(call, name), application)
    make_juror(call, "Chloé Libre")  # nothing assigned: not late

    organiser_client.post(_url("remind_all", call))
    organiser_client.post(_url("remind_all", call))

    assert sorted(OutgoingEmail.objects.values_list("to", flat=True)) == [
        "alice.lenoir@jury.example",
        "bruno.sevère@jury.example",
    ]


def test_no_reminder_outside_the_review(call, organiser_client):
    late = make_juror(call, "Alice Lenoir")
    assign(late, make_application(call, reference="AMI-001"))

    organiser_client.post(_url("remind", call, membership_id=late.pk))
    organiser_client.post(_url("remind_all", call))
    page = organiser_client.get(_url("progress", call)).content.decode()

    assert not OutgoingEmail.objects.exists()
    assert not AuditEvent.objects.filter(verb="jury.reminder_sent").exists()
    assert _url("remind", call, membership_id=late.pk) not in page


def test_decide_page_records_and_previews(call, organiser_client):
    application = make_application(call, reference="AMI-001", title="Bancs")
    url = _url("deliberation_application", call, reference="AMI-001")

    response = organiser_client.post(
        url, {"outcome": "waiting_list", "motivation": "Interne", "feedback": ""}
    )
    assert response.status_code == 200
    assert not Decision.objects.exists()

    response = organiser_client.post(
        url,
        {"outcome": "waiting_list", "motivation": "Interne", "feedback": "Merci"},
        follow=True,
    )

    decision = Decision.objects.get(application=application)
    assert (decision.outcome, decision.motivation, decision.feedback) == (
        "waiting_list",
        "Interne",
        "Merci",
    )
    html = response.content.decode()
    assert application.created_by.email in html  # the preview's recipient
    assert "Merci" in html and 'class="email-preview"' in html


def test_decide_refused_outside_deliberation(organiser_client, db):
    call = make_call(phase=CallPhase.REVIEW)
    make_application(call, reference="AMI-001")
    url = _url("deliberation_application", call, reference="AMI-001")

    organiser_client.post(
        url, {"outcome": "retained", "motivation": "", "feedback": "Bravo"}
    )

    assert not Decision.objects.exists()
    assert b'name="outcome"' not in organiser_client.get(url).content


def test_release_from_the_page(call, organiser_client):
    application = make_application(call, reference="AMI-001")
    Decision.objects.create(application=application, outcome="retained", feedback="Oui")

    without = organiser_client.post(_url("deliberation", call), {})
    assert without.status_code == 200
    call.refresh_from_db()
    assert call.phase == CallPhase.DELIBERATION

    organiser_client.post(_url("deliberation", call), {"confirm": "on"})

    call.refresh_from_db()
    application.refresh_from_db()
    assert (call.phase, application.state) == (CallPhase.RELEASED, S.RETAINED)
    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == [
        application.created_by.email
    ]


def test_audit_csv_lists_the_jury_events_in_words_spreadsheet_safe(
    call, organiser_client, organiser
):
    application = make_application(call, reference="AMI-001")
    Decision.objects.create(
        application=application, outcome="retained", feedback="=1+1"
    )
    organiser_client.post(_url("deliberation", call), {"confirm": "on"})
    AuditEvent.objects.create(verb="jury.decision_recorded", after={"x": 1})  # other

    with translation.override("en"):
        url = _url("audit_csv", call)
    response = organiser_client.get(url)

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert len(rows[0]) == 7
    assert rows[0] == [
        "Time (Paris)",
        "Actor",
        "Event",
        "Object",
        "Before",
        "After",
        "Details",
    ]
    assert [row[1:3] + row[4:] for row in rows[1:]] == [
        [
            "Claire Martin <claire@example.org>",
            "Claire Martin put the application under review by the jury.",
            "State: Admissible",
            "State: Under review",
            "",
        ],
        [
            "Claire Martin <claire@example.org>",
            "Claire Martin retained the application.",
            "State: Under review",
            "State: Retained · Feedback to the team: =1+1",
            "",
        ],
        [
            "Claire Martin <claire@example.org>",
            "Claire Martin released the decisions to the teams.",
            "Phase: Deliberation",
            "Phase: Decisions released · Retained: 1 · Not retained: 0 · "
            "Waiting list: 0",
            "Applications: AMI-001",
        ],
    ]
    assert [row[3] for row in rows[1:]] == [
        f"Application #{application.pk}",
        f"Application #{application.pk}",
        f"Call #{call.pk}",
    ]
    feedback_cells = [cell for row in rows for cell in row if "1+1" in cell]
    assert feedback_cells and all(not cell.startswith("=") for cell in feedback_cells)


def test_ranking_cells_name_their_column_for_phones(call, organiser_client):
    """On a phone the ranking's tables become lists of cards (table-list in
    portal.css): each cell carries its column's name."""
    grid = make_grid(call)
    application = make_application(call, reference="AMI-001", title="Bancs")
    alice = make_juror(call, "Alice Lenoir")
    make_sheet(alice, application, grid, [14])  # 70

    with translation.override("en"):
        url = _url("ranking", call)
    html = organiser_client.get(url).content.decode()

    assert html.count('<table class="table-fit table-list">') == 2
    assert '<table id="jurors-table" class="table-fit table-list">' in html
    row = html.split('id="others-title"')[1].split("<tbody>")[1].split("</tr>")[0]
    assert (
        row.split()
        == (
            '<tr> <th scope="row" data-label="Reference">AMI-001</th> '
            '<td data-label="Title">Bancs</td> '
            '<td data-label="Mean">70.0</td><td data-label="Median">70.0</td>'
            '<td data-label="Spread (max − min)">0.0</td>'
            '<td data-label="Standard deviation">0.0</td>'
            '<td data-label="Normalised score">—</td>'
            '<td data-label="Sheets received / assigned">1 / 1</td>'
            '<td data-label="State"><span class="badge badge-success">'
            "Admissible</span></td>"
        ).split()
    )
    assert '<th scope="row" data-label="Juror">Alice Lenoir' in html
    assert '<td data-label="In the normalised score">Not yet</td>' in html
    assert html.count("data-label=") == 9 + 8  # one application, one juror


def _audit_rows(client, call, language):
    with translation.override(language):
        url = _url("audit_csv", call)
    text = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_audit_csv_writes_scores_by_criterion_label_in_both_languages(
    organiser_client,
):
    review = make_call(phase=CallPhase.REVIEW, slug="ami-review")
    grid = make_grid(review, criteria=(("impact", 3, 5), ("privacy", 2, 5)))
    grid.criteria.filter(key="impact").update(label_en="Impact on residents")
    juror = make_juror(review, "Alice Lenoir")
    assignment = assign(juror, make_application(review, reference="AMI-001"))
    record_scores(
        assignment,
        juror=juror.user,
        scores={
            "impact": {"value": 4, "not_applicable": False, "comment": ""},
            "privacy": {"value": None, "not_applicable": True, "comment": ""},
        },
        overall_comment="",
        submit=True,
    )

    english = _audit_rows(organiser_client, review, "en")
    french = _audit_rows(organiser_client, review, "fr")

    assert [row[2] + " | " + " | ".join(row[4:]) for row in english[1:]] == [
        "The evaluation grid is locked: jurors have started scoring. |  |  | ",
        "Alice Lenoir saved scores. | Scores: — | "
        "Scores: Impact on residents: 4, Privacy: not applicable · Version: 1 | ",
        "Alice Lenoir submitted a score sheet. |  | Weighted score (0-100): 80.00 | ",
    ]
    assert [row[2] + " | " + " | ".join(row[4:]) for row in french[1:]] == [
        "La grille d\u2019évaluation est verrouillée\u00a0: les membres du jury "
        "ont commencé à noter. |  |  | ",
        "Alice Lenoir a enregistré des notes. | Notes\u00a0: — | "
        "Notes\u00a0: Impact\u00a0: 4, Privacy\u00a0: sans objet · Version\u00a0: 1 | ",
        "Alice Lenoir a remis une fiche de notation. |  | "
        "Note pondérée (0-100)\u00a0: 80,00 | ",
    ]


def test_organiser_on_the_jury_never_sees_a_conflicted_application(
    call, organiser_client, organiser
):
    from applications.jury.enums import ConflictSource, ConflictStatus
    from applications.jury.models import Conflict, JuryMembership

    make_application(call, reference="AMI-001", title="Bancs connectés")
    conflicted = make_application(call, reference="AMI-002", title="Parking malin")
    seat = JuryMembership.objects.create(call=call, user=organiser)
    Conflict.objects.create(
        membership=seat,
        application=conflicted,
        source=ConflictSource.SAME_ORGANISATION,
        status=ConflictStatus.PENDING,
    )
    decide = _url("deliberation_application", call, reference="AMI-002")

    ranking = organiser_client.get(_url("ranking", call)).content.decode()
    board = organiser_client.get(_url("deliberation", call)).content.decode()
    post = organiser_client.post(
        decide, {"outcome": "retained", "motivation": "", "feedback": "Oui"}
    )

    assert "AMI-001" in ranking and "AMI-001" in board
    assert "AMI-002" not in ranking and "Parking malin" not in ranking
    assert "Parking malin" not in board
    assert organiser_client.get(decide).status_code == 404
    assert post.status_code == 404
    assert not Decision.objects.exists()


# Every verb the jury's services and the review steps record on a call's jury,
# written out from the ``record_event`` calls.
RECORDED_VERBS = [
    "jury.juror_invited",
    "jury.invitation_accepted",
    "jury.invitation_withdrawn",
    "jury.juror_removed",
    "jury.interests_declared",
    "jury.conflicts_detected",
    "jury.conflict_confirmed",
    "jury.conflict_dismissed",
    "jury.assignment_started",
    "jury.assignment_run",
    "jury.assignment_added",
    "jury.assignment_removed",
    "jury.grid_created",
    "jury.grid_updated",
    "jury.grid_versioned",
    "jury.grid_locked",
    "jury.scores_recorded",
    "jury.sheet_submitted",
    "jury.phase_moved",
    "jury.reminder_sent",
    "jury.decision_recorded",
    "jury.decisions_released",
    "jury.dossier_requested",
    "jury.dossier_built",
    "jury.dossier_failed",
    "jury.dossier_downloaded",
    "application.admissible",
    "application.under_review",
    "application.retained",
    "application.waiting_list",
    "application.not_retained",
]


@pytest.mark.parametrize("verb", RECORDED_VERBS)
def test_every_recorded_event_reads_as_its_own_sentence_in_the_export(verb):
    assert verb in EVENT_SENTENCES
