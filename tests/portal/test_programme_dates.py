"""The home page and the agenda take every date and figure from the data."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation
from freezegun import freeze_time

from applications.enums import ApplicationState
from applications.selectors import call_milestones
from datasets.enums import SensorStatus
from tests.applications.factories import ApplicationFactory, CallFactory
from tests.datasets.factories import DatasetFactory, SensorFactory, StreetFactory

PARIS = ZoneInfo("Europe/Paris")
NOW = "2026-11-30 10:00:00"


@pytest.fixture(autouse=True)
def _default_language():
    translation.activate("fr")
    yield
    translation.activate("fr")


@pytest.fixture
def waves(db, settings):
    """The first wave (results out, DemoDay past) and the open second wave."""
    settings.PORTAL_DEMODAYS = {"ami-1": "2026-02"}
    first = CallFactory(
        slug="ami-1",
        title_fr="Premier appel",
        title_en="First call",
        opens_at=datetime.datetime(2025, 7, 21, 10, tzinfo=PARIS),
        closes_at=datetime.datetime(2025, 9, 30, 23, 59, tzinfo=PARIS),
        review_starts_on=datetime.date(2025, 10, 1),
        review_ends_on=datetime.date(2025, 10, 20),
        results_on=datetime.date(2025, 10, 24),
    )
    second = CallFactory(
        slug="ami-2",
        title_fr="Deuxième vague",
        title_en="Second wave",
        opens_at=datetime.datetime(2026, 11, 10, 10, tzinfo=PARIS),
        closes_at=datetime.datetime(2026, 12, 25, 23, 59, tzinfo=PARIS),
        review_starts_on=datetime.date(2026, 12, 28),
        review_ends_on=datetime.date(2027, 1, 18),
        results_on=datetime.date(2027, 1, 24),
    )
    for state in [ApplicationState.RETAINED] * 2 + [ApplicationState.NOT_RETAINED]:
        ApplicationFactory(call=first, state=state)
    # Decided early in the second wave: not public before its results day.
    ApplicationFactory(call=second, state=ApplicationState.RETAINED)
    return first, second


@pytest.fixture
def catalogue(db):
    rue_nollet, rue_legendre, rue_davy = (
        StreetFactory(slug=slug, name=name)
        for slug, name in [
            ("rue-nollet", "Rue Nollet"),
            ("rue-legendre", "Rue Legendre"),
            ("rue-davy", "Rue Davy"),
        ]
    )
    SensorFactory(code="PED-001", street=rue_nollet)
    SensorFactory(code="PED-002", street=rue_nollet)
    SensorFactory(code="SND-001", street=rue_legendre, status=SensorStatus.MAINTENANCE)
    SensorFactory(code="SND-002", street=rue_davy, status=SensorStatus.INACTIVE)
    # With the two datasets every CallFactory offers: three published.
    DatasetFactory(slug="pedestrian-flows")
    DatasetFactory(slug="parking-occupancy")
    DatasetFactory(slug="sound-levels")
    DatasetFactory(slug="light-dimming", is_published=False)


def items(html, list_id=None):
    """The text of each ``<li>`` of the ``<ol class="timeline">`` lists."""
    lists = re.findall(r'<ol class="timeline"[^>]*>(.*?)</ol>', html, re.S)
    return [
        [
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip()
            for item in re.findall(r"<li[^>]*>(.*?)</li>", block, re.S)
        ]
        for block in lists
    ]


@freeze_time(NOW)
def test_milestones_of_the_calls_in_date_order(waves):
    first, second = waves

    milestones = call_milestones(now=timezone.now())

    assert [
        (m.call.slug, m.kind, m.on, m.is_past, m.retained_count) for m in milestones
    ] == [
        ("ami-1", "opens", datetime.date(2025, 7, 21), True, None),
        ("ami-1", "closes", datetime.date(2025, 9, 30), True, None),
        ("ami-1", "review", datetime.date(2025, 10, 1), True, None),
        ("ami-1", "results", datetime.date(2025, 10, 24), True, 2),
        ("ami-1", "demoday", datetime.date(2026, 2, 1), True, None),
        ("ami-2", "opens", datetime.date(2026, 11, 10), True, None),
        ("ami-2", "closes", datetime.date(2026, 12, 25), False, None),
        ("ami-2", "review", datetime.date(2026, 12, 28), False, None),
        ("ami-2", "results", datetime.date(2027, 1, 24), False, None),
    ]


@freeze_time(NOW)
def test_milestones_leave_out_unpublished_calls(waves):
    CallFactory(slug="ami-3", is_published=False)

    slugs = {m.call.slug for m in call_milestones(now=timezone.now())}

    assert slugs == {"ami-1", "ami-2"}


@freeze_time(NOW)
def test_milestones_query_once_whatever_the_number_of_calls(
    waves, django_assert_num_queries
):
    CallFactory.create_batch(3)

    with django_assert_num_queries(1):
        call_milestones(now=timezone.now())


@freeze_time("2027-01-24 09:00:00")
def test_results_count_the_retained_projects_from_the_results_day(waves):
    results = [
        m.retained_count
        for m in call_milestones(now=timezone.now())
        if m.kind == "results"
    ]

    assert results == [2, 1]


@freeze_time("2026-02-28 22:30:00")
def test_demoday_known_to_the_month_is_to_come_until_the_month_ends_in_paris(waves):
    demoday = next(
        m for m in call_milestones(now=timezone.now()) if m.kind == "demoday"
    )

    # 28 February 23:30 in Paris: still February.
    assert (demoday.month_only, demoday.is_past) == (True, False)


@freeze_time(NOW)
def test_demoday_known_to_the_day(waves, settings):
    settings.PORTAL_DEMODAYS = {"ami-2": "2027-02-11"}

    demodays = [
        (m.call.slug, m.on, m.month_only, m.is_past)
        for m in call_milestones(now=timezone.now())
        if m.kind == "demoday"
    ]

    assert demodays == [("ami-2", datetime.date(2027, 2, 11), False, False)]


@freeze_time(NOW)
def test_agenda_lists_coming_and_past_milestones_in_french(client, waves):
    response = client.get("/agenda/")

    html = response.content.decode()
    assert response.status_code == 200
    assert items(html) == [
        [
            "25 décembre 2026 23:59 Date limite Deuxième vague",
            "28 décembre 2026 – 18 janvier 2027 Évaluation par le jury Deuxième vague",
            "24 janvier 2027 Résultats Deuxième vague",
        ],
        [
            "21 juillet 2025 10:00 Ouverture des candidatures Premier appel",
            "30 septembre 2025 23:59 Date limite Premier appel",
            "1 octobre 2025 – 20 octobre 2025 Évaluation par le jury Premier appel",
            "24 octobre 2025 Résultats · 2 projets retenus Premier appel",
            "février 2026 DemoDay : les projets présentent leurs résultats "
            "Premier appel",
            "10 novembre 2026 10:00 Ouverture des candidatures Deuxième vague",
        ],
    ]
    assert '<time datetime="2026-12-25T23:59:00+01:00">' in html
    assert '<time datetime="2026-02">février 2026</time>' in html
    assert '<a href="/appels/ami-1/">Premier appel</a>' in html
    assert html.count("<h1") == 1
    assert "Autumn 2025" not in html and "Automne 2025" not in html


@freeze_time(NOW)
def test_agenda_in_english(client, waves):
    html = client.get("/en/agenda/").content.decode()

    assert items(html)[0] == [
        "25 December 2026, 23:59 Deadline Second wave",
        "28 December 2026 – 18 January 2027 Review by the jury Second wave",
        "24 January 2027 Results Second wave",
    ]
    assert "24 October 2025 Results · 2 projects retained First call" in items(html)[1]
    assert (
        "February 2026 DemoDay: the projects present their results First call"
        in (items(html)[1])
    )


@pytest.mark.django_db
def test_agenda_without_a_call_says_so(client):
    html = client.get("/agenda/").content.decode()

    assert items(html) == []
    assert (
        "Aucune étape n’est encore annoncée. La prochaine vague de l’appel sera "
        "publiée ici."
    ) in html


@freeze_time(NOW)
def test_home_page_figures_come_from_the_catalogue_and_the_calls(
    client, waves, catalogue
):
    html = client.get("/").content.decode()

    programme = re.search(
        r'<section class="card" aria-labelledby="programme-title">.*?</section>',
        html,
        re.S,
    ).group(0)
    assert "<li><strong>3</strong> capteurs, <strong>2</strong> rues</li>" in programme
    assert "<li><strong>3</strong> jeux de données ouverts</li>" in programme
    assert (
        '<li><a href="/projets/"><strong>2</strong> projets retenus par le jury'
        "</a></li>"
    ) in programme
    assert items(programme) == [
        [
            "25 décembre 2026 23:59 Date limite Deuxième vague",
            "28 décembre 2026 – 18 janvier 2027 Évaluation par le jury Deuxième vague",
            "24 janvier 2027 Résultats Deuxième vague",
        ]
    ]
    assert "Prochaines étapes" in programme
    assert "160" not in html and "26</strong>" not in html
    assert "21 juillet 2025" not in html


@freeze_time(NOW)
def test_home_page_in_english_counts_in_english(client, waves, catalogue):
    html = client.get("/en/").content.decode()

    assert "<li><strong>3</strong> sensors, <strong>2</strong> streets</li>" in html
    assert "<li><strong>3</strong> open datasets</li>" in html
    assert (
        '<li><a href="/en/projets/"><strong>2</strong> projects retained by the jury'
        "</a></li>"
    ) in html


@freeze_time("2027-06-01 10:00:00")
def test_home_page_shows_the_latest_milestones_once_all_are_past(client, waves):
    html = client.get("/").content.decode()

    assert "Dernières étapes" in html
    assert items(html) == [
        [
            "10 novembre 2026 10:00 Ouverture des candidatures Deuxième vague",
            "25 décembre 2026 23:59 Date limite Deuxième vague",
            "28 décembre 2026 – 18 janvier 2027 Évaluation par le jury Deuxième vague",
            "24 janvier 2027 Résultats · 1 projet retenu Deuxième vague",
        ]
    ]


@pytest.mark.django_db
def test_home_page_of_an_empty_portal_shows_no_invented_figure(client):
    html = client.get("/").content.decode()

    assert items(html) == []
    for invented in ["160", "26", "2025", "2026", "2030"]:
        assert invented not in html
    assert "Aucun appel n’est publié pour le moment." in html


@freeze_time(NOW)
@pytest.mark.parametrize("extra_calls", [0, 3])
def test_agenda_query_count_is_constant(
    client, waves, django_assert_num_queries, extra_calls
):
    CallFactory.create_batch(extra_calls)

    # The milestones, then the upcoming workshops with their seat counts.
    with django_assert_num_queries(2):
        client.get("/agenda/")


@freeze_time(NOW)
@pytest.mark.parametrize("extra_calls", [0, 3])
def test_home_page_query_count_is_constant(
    client, waves, catalogue, django_assert_num_queries, extra_calls
):
    CallFactory.create_batch(extra_calls)

    # The home call, the milestones, then sensors, streets and datasets counted.
    with django_assert_num_queries(5):
        client.get("/")
