"""The dashboard's figures: exact values from a programme built with the
apps' factories, and a number of queries that does not grow with the data."""

import pytest
from django.utils import translation

from portal.dashboard.selectors import programme_figures, scope_for

from .factories import NOW, grow, make_programme

MONTHS_2025 = [
    "January 2025",
    "February 2025",
    "March 2025",
    "April 2025",
    "May 2025",
    "June 2025",
    "July 2025",
    "August 2025",
    "September 2025",
    "October 2025",
    "November 2025",
    "December 2025",
]


def _zeros_but(**values):
    """Twelve monthly values of 2025, zero but the months named (oct=150)."""
    names = "jan feb mar apr may jun jul aug sep oct nov dec".split()
    return [values.get(name, 0) for name in names]


def _figures(**scope):
    with translation.override("en"):
        figures = programme_figures(scope_for(today=NOW.date(), **scope), now=NOW)
        return {
            figure.key: {
                "labels": [str(label) for label in figure.labels],
                "columns": [str(column.name) for column in figure.columns],
                "series": figure.series,
            }
            for figure in figures
        }


@pytest.fixture
def programme(organiser):
    return make_programme(organiser)


def test_figures_of_the_2025_year_cover_its_wave(programme):
    figures = _figures(year=2025)

    assert list(figures) == [
        "applications-by-wave",
        "applications-by-theme",
        "admissibility-and-decisions",
        "jury-progress",
        "workshop-participation",
        "demoday",
        "api-usage-by-project",
        "api-usage-by-dataset",
        "data-quality",
    ]
    assert figures["applications-by-wave"] == {
        "labels": ["Call 2025"],
        "columns": ["Start-up", "Association", "Research lab"],
        "series": [[3], [2], [1]],
    }
    assert figures["applications-by-theme"] == {
        "labels": [
            "Mobility",
            "Public tranquillity (noise)",
            "Energy management",
            "Parking occupancy",
        ],
        "columns": ["Applications"],
        "series": [[4, 2, 1, 3]],
    }
    assert figures["admissibility-and-decisions"] == {
        "labels": ["Call 2025"],
        "columns": [
            "Awaiting the admissibility check",
            "Inadmissible",
            "Admissible, decision pending",
            "Retained",
            "Waiting list",
            "Not retained",
            "Withdrawn",
        ],
        "series": [[1], [1], [1], [1], [1], [1], [0]],
    }
    assert figures["jury-progress"] == {
        "labels": ["Call 2025"],
        "columns": ["Submitted", "To do"],
        "series": [[3], [2]],
    }
    assert figures["workshop-participation"] == {
        "labels": ["15/10/2025 · Workshop dtpr", "20/11/2025 · Workshop pitch"],
        "columns": [
            "Checked in",
            "No-shows",
            "Confirmed, not yet held",
            "Waiting list",
        ],
        "series": [[2, 1], [1, 1], [0, 0], [1, 0]],
    }
    assert figures["demoday"] == {
        "labels": ["DemoDay 2026"],
        "columns": ["Registered", "Checked in", "Audience votes"],
        "series": [[4], [3], [2]],
    }
    assert figures["api-usage-by-project"] == {
        "labels": MONTHS_2025,
        "columns": ["Livraisons", "Bruit nocturne"],
        "series": [_zeros_but(oct=150, nov=37), _zeros_but(nov=20)],
    }
    assert figures["api-usage-by-dataset"] == {
        "labels": MONTHS_2025,
        "columns": ["Pedestrian flows", "Keys opening several datasets"],
        "series": [_zeros_but(oct=150, nov=50), _zeros_but(nov=7)],
    }
    none = [None] * 12
    assert figures["data-quality"] == {
        "labels": MONTHS_2025,
        "columns": ["Parking occupancy", "Pedestrian flows"],
        "series": [
            none[:9] + [100.0] + none[10:],
            none[:9] + [75.0, 62.5] + none[11:],
        ],
    }


def test_figures_without_filter_cover_every_wave(programme):
    figures = _figures()

    assert figures["applications-by-wave"] == {
        "labels": ["Call 2025", "Call 2026"],
        "columns": ["Start-up", "Association", "School", "Research lab"],
        "series": [[3, 0], [2, 0], [0, 1], [1, 0]],
    }
    assert figures["workshop-participation"]["labels"] == [
        "15/10/2025 · Workshop dtpr",
        "20/11/2025 · Workshop pitch",
        "10/04/2026 · Workshop residents",
    ]
    # The 2026 workshop is still to come on 15 January 2026.
    assert figures["workshop-participation"]["series"] == [
        [2, 1, 0],
        [1, 1, 0],
        [0, 0, 4],
        [1, 0, 0],
    ]
    # The last twelve months: February 2025 to January 2026.
    assert figures["api-usage-by-project"]["labels"][0] == "February 2025"
    assert figures["api-usage-by-project"]["labels"][-1] == "January 2026"


def test_figures_of_a_wave_count_its_projects_only(programme):
    figures = _figures(call=programme["wave_2026"])

    assert figures["applications-by-wave"] == {
        "labels": ["Call 2026"],
        "columns": ["School"],
        "series": [[1]],
    }
    assert figures["jury-progress"]["series"] == [[0], [0]]
    assert figures["demoday"] == {
        "labels": [],
        "columns": ["Registered", "Checked in", "Audience votes"],
        "series": [[], [], []],
    }
    usage = figures["api-usage-by-project"]
    assert usage["columns"] == ["Bruit nocturne"]
    assert sum(usage["series"][0]) == 20


def test_figures_on_an_empty_programme_are_empty(db):
    figures = _figures(year=2025)

    assert figures["applications-by-wave"] == {
        "labels": [],
        "columns": [],
        "series": [],
    }
    assert figures["api-usage-by-project"]["columns"] == []
    assert figures["data-quality"]["columns"] == []


@pytest.mark.parametrize("size", [1, 8])
def test_figures_take_ten_queries_whatever_the_data(
    programme, organiser, size, django_assert_num_queries
):
    grow(programme, organiser, size)
    scope = scope_for(year=2025, today=NOW.date())

    with django_assert_num_queries(10):
        figures = programme_figures(scope, now=NOW)

    by_key = {figure.key: figure for figure in figures}
    assert by_key["applications-by-wave"].series[1] == [size]  # the companies
    assert len(by_key["workshop-participation"].labels) == 2 + size
    assert len(by_key["demoday"].labels) == 1 + size
