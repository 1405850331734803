"""The versioned grid: its page, its lock, the call form's version 1."""

import pytest
from django.urls import reverse
from django.utils import translation

from applications.jury.models import Grid
from applications.jury.services.grid import GridError, save_grid
from applications.jury.services.scoring import record_scores
from applications.models import Call
from portal.audit.models import AuditEvent
from tests.applications.factories import DatasetFactory
from tests.applications.test_backoffice import call_post_data

from .factories_scoring import (
    assign,
    declared_juror,
    deposited_application,
    review_call,
)


def grid_url(call):
    return reverse("jury_bo:grid", kwargs={"slug": call.slug})


def grid_post(rows, *, total=None):
    data = {
        "criteria-TOTAL_FORMS": str(total if total is not None else len(rows)),
        "criteria-INITIAL_FORMS": "0",
    }
    for n, row in enumerate(rows):
        for name, value in row.items():
            data[f"criteria-{n}-{name}"] = value
    return data


ROW = {
    "key": "utilite",
    "label_fr": "Utilité",
    "label_en": "Usefulness",
    "description_fr": "Pour les habitants.",
    "description_en": "",
    "weight": "60",
    "scale_max": "4",
    "levels_text": "0 | Absente | Missing\n4 | Remarquable | Outstanding",
}


@pytest.fixture
def call(db):
    return review_call(slug="ami-grille")


def test_unlocked_grid_is_edited_in_place(organiser_client, call):
    second = {**ROW, "key": "innovation", "label_fr": "Innovation", "weight": "40"}
    second["levels_text"] = ""
    response = organiser_client.post(grid_url(call), grid_post([ROW, second]))
    assert response.status_code == 302
    grid = Grid.objects.get(call=call)
    assert grid.version == 1
    assert [
        (c.key, c.label_fr, c.weight, c.scale_max, c.levels, c.description_fr)
        for c in grid.criteria.all()
    ] == [
        (
            "utilite",
            "Utilité",
            60,
            4,
            [
                {"value": 0, "label_fr": "Absente", "label_en": "Missing"},
                {"value": 4, "label_fr": "Remarquable", "label_en": "Outstanding"},
            ],
            "Pour les habitants.",
        ),
        ("innovation", "Innovation", 40, 4, [], "Pour les habitants."),
    ]
    call.refresh_from_db()
    assert call.grid == [
        {
            "key": "utilite",
            "label_fr": "Utilité",
            "label_en": "Usefulness",
            "weight": 60,
        },
        {
            "key": "innovation",
            "label_fr": "Innovation",
            "label_en": "Usefulness",
            "weight": 40,
        },
    ]
    assert AuditEvent.objects.filter(verb="jury.grid_updated").count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"weight": str(10**30)}, "weight", "less than or equal to 1000"),
        ({"weight": "-5"}, "weight", "greater than or equal to 0"),
        ({"scale_max": "0"}, "scale_max", "greater than or equal to 1"),
        ({"scale_max": "21"}, "scale_max", "less than or equal to 20"),
        ({"levels_text": "9 | Trop"}, "levels_text", "The level 9 is outside 0 to 4."),
        ({"levels_text": "x | Rien"}, "levels_text", "does not start with a score"),
        ({"key": "pas une clé !"}, "key", "letters, numbers, underscores"),
        ({"weight": "0"}, None, "The weights must add up to more than zero."),
    ],
)
def test_hostile_grid_input_gives_errors_not_500(
    organiser_client, call, changes, field, message
):
    with translation.override("en"):
        address = grid_url(call)
    response = organiser_client.post(address, grid_post([{**ROW, **changes}]))
    assert response.status_code == 400
    formset = response.context["formset"]
    if field is None:
        assert message in " ".join(formset.non_form_errors())
    else:
        assert message in " ".join(formset.forms[0].errors[field])
    assert Grid.objects.get(call=call).criteria.count() == 3


def test_five_hundred_criteria_refused(organiser_client, call):
    rows = [{**ROW, "key": f"c{n}"} for n in range(500)]
    # 4,000 fields: Django refuses the request itself (400), before the view.
    response = organiser_client.post(grid_url(call), grid_post(rows))
    assert response.status_code == 400
    assert Grid.objects.get(call=call).criteria.count() == 3


def test_more_than_thirty_criteria_refused(organiser_client, call):
    rows = [{**ROW, "key": f"c{n}"} for n in range(40)]
    with translation.override("en"):
        address = grid_url(call)
    response = organiser_client.post(address, grid_post(rows))
    assert response.status_code == 400
    assert "Please submit at most 30 forms." in " ".join(
        response.context["formset"].non_form_errors()
    )
    assert Grid.objects.get(call=call).criteria.count() == 3


def test_grid_scored_is_read_only_and_says_why(organiser_client, call):
    membership = declared_juror(call)
    assignment = assign(membership, deposited_application(call))
    record_scores(
        assignment,
        juror=membership.user,
        scores={"usefulness": {"value": 3}},
        overall_comment="",
    )
    with translation.override("en"):
        address = grid_url(call)
    response = organiser_client.get(address)
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "Jurors have already scored with this grid, so it can no longer change" in html
    )
    assert "<form" not in html.split('id="contenu"')[-1].split("</main>")[0]
    response = organiser_client.post(grid_url(call), grid_post([ROW]))
    assert response.status_code == 403
    with pytest.raises(GridError):
        save_grid(
            call, criteria=[{"key": "x", "label_fr": "X", "weight": 1}], actor=None
        )
    assert list(Grid.objects.filter(call=call).values_list("version", flat=True)) == [1]


def test_locked_grid_without_sheets_is_superseded_by_a_new_version(
    organiser_client, call
):
    from django.utils import timezone

    Grid.objects.filter(call=call).update(locked_at=timezone.now())
    response = organiser_client.post(grid_url(call), grid_post([ROW]))
    assert response.status_code == 302
    assert list(
        Grid.objects.filter(call=call)
        .order_by("version")
        .values_list("version", "locked_at")
    )[1] == (2, None)
    assert [c.key for c in Grid.objects.get(call=call, version=2).criteria.all()] == [
        "utilite"
    ]
    assert [c.key for c in Grid.objects.get(call=call, version=1).criteria.all()] == [
        "usefulness",
        "innovation",
        "data-use",
    ]


def test_juror_may_not_open_the_grid_page(client, settings, call):
    settings.PORTAL_REQUIRE_MFA = False
    membership = declared_juror(call)
    client.force_login(membership.user)
    assert client.get(grid_url(call)).status_code == 403


def test_new_call_gets_grid_version_one_and_blind_option(organiser_client):
    datasets = [DatasetFactory(slug="pedestrian-flows")]
    data = call_post_data(datasets, blind_review="on")
    response = organiser_client.post(reverse("applications_bo:call_create"), data)
    assert response.status_code == 302
    call = Call.objects.get(slug="deuxieme-vague")
    assert call.blind_review is True
    grid = Grid.objects.get(call=call)
    assert (grid.version, grid.locked_at) == (1, None)
    assert [(c.key, c.weight, c.scale_max) for c in grid.criteria.all()] == [
        ("usefulness", 60, 5),
        ("innovation", 40, 5),
    ]
    # Once the grid exists, the call form sends to the grid page.
    with translation.override("en"):
        address = reverse("applications_bo:call_edit", kwargs={"slug": call.slug})
    edit = organiser_client.get(address)
    html = edit.content.decode()
    assert 'name="grid-TOTAL_FORMS"' not in html
    assert f'href="/en/gestion/jury/{call.slug}/grille/"' in html
