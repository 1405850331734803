"""DemoDay pages: every page and action for each role, and their content."""

import pytest
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from applications.jury.models import JuryMembership
from tests.applications.factories import UserFactory
from tests.conftest import make_user
from tests.workshops.demoday_factories import check_in, make_demoday, paris
from workshops.enums import WorkshopState
from workshops.models import DemoDay, DemoDayResult, PitchScore, Slot, Vote, Workshop
from workshops.services.demoday import draw_running_order, publish_running_order
from workshops.services.demoday_results import add_juror, publish_results, save_results

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _french():
    """URLs reversed in French whatever an earlier English request left active."""
    with translation.override("fr"):
        yield


SEED = "batignolles-2026"
DURING = "2027-02-04 15:00:00+01:00"


@pytest.fixture
def demoday(organiser):
    demoday, _sessions, _projects = make_demoday(
        organiser,
        voting_opens_at=paris(2027, 2, 4, 14),
        voting_closes_at=paris(2027, 2, 4, 17),
    )
    return demoday


@pytest.fixture
def published(demoday, organiser):
    draw_running_order(demoday, seed=SEED, actor=organiser)
    publish_running_order(demoday, actor=organiser)
    demoday.refresh_from_db()
    return demoday


@pytest.fixture
def juror(published, organiser):
    person = make_user("jules@example.org", full_name="Jules Petit")
    add_juror(published, user=person, actor=organiser)
    return person


@pytest.fixture
def app_juror(db, settings):
    """A member of an applications' jury: a back-office role, not an organiser."""
    settings.PORTAL_REQUIRE_MFA = False
    person = make_user("alix@example.org", full_name="Alix Roy")
    from tests.applications.factories import CallFactory

    JuryMembership.objects.create(call=CallFactory(), user=person)
    return person


# --- The back office: organisers only -------------------------------------------

BO_GET = [
    ("workshops_bo:demoday_list", False),
    ("workshops_bo:demoday_create", False),
    ("workshops_bo:demoday", True),
    ("workshops_bo:demoday_edit", True),
    ("workshops_bo:demoday_session_create", True),
    ("workshops_bo:demoday_order", True),
    ("workshops_bo:demoday_jury", True),
    ("workshops_bo:demoday_grid", True),
    ("workshops_bo:demoday_results", True),
]
BO_POST = [
    "workshops_bo:demoday_draw",
    "workshops_bo:demoday_order_publish",
    "workshops_bo:demoday_results_publish",
]


def bo_url(name, with_slug, demoday):
    return reverse(name, kwargs={"slug": demoday.slug}) if with_slug else reverse(name)


@pytest.mark.parametrize(("name", "with_slug"), BO_GET)
def test_backoffice_pages_per_role(
    client, demoday, organiser_client, user, app_juror, name, with_slug
):
    url = bo_url(name, with_slug, demoday)
    assert organiser_client.get(url).status_code == 200
    organiser_client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(user)
    assert client.get(url).status_code == 404
    client.force_login(app_juror)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("name", BO_POST)
def test_backoffice_actions_refused_to_non_organisers(
    client, demoday, user, app_juror, name
):
    url = reverse(name, kwargs={"slug": demoday.slug})
    client.force_login(user)
    assert client.post(url).status_code == 404
    client.force_login(app_juror)
    assert client.post(url).status_code == 403
    demoday.refresh_from_db()
    assert (
        demoday.draw_seed,
        demoday.order_published_at,
        demoday.results_published_at,
    ) == ("", None, None)


def test_backoffice_unknown_demoday_404(organiser_client):
    assert (
        organiser_client.get(
            reverse("workshops_bo:demoday", kwargs={"slug": "nope"})
        ).status_code
        == 404
    )


def test_create_demoday_page(organiser_client, organiser):
    from tests.applications.factories import CallFactory

    call = CallFactory()
    response = organiser_client.post(
        reverse("workshops_bo:demoday_create"),
        {
            "call": call.pk,
            "slug": "demoday-2028",
            "title": "DemoDay 2028",
            "title_en": "DemoDay 2028",
            "description": "",
            "description_en": "",
            "voting_opens_at": "2028-02-04T14:00",
            "voting_closes_at": "2028-02-04T17:00",
        },
    )
    assert response.status_code == 302
    created = DemoDay.objects.get(slug="demoday-2028")
    assert (created.call, created.voting_opens_at) == (call, paris(2028, 2, 4, 14))


def test_create_demoday_hostile_dates_refused_clearly(organiser_client):
    from tests.applications.factories import CallFactory

    response = organiser_client.post(
        reverse("workshops_bo:demoday_create"),
        {
            "call": CallFactory().pk,
            "slug": "demoday-x",
            "title": "X",
            "voting_opens_at": "0001-01-01T00:00",
            "voting_closes_at": "99999-01-01T00:00",
        },
    )
    assert response.status_code == 400
    assert "Indiquez une date entre 2020 et 2099." in response.content.decode()
    assert not DemoDay.objects.filter(slug="demoday-x").exists()


def test_session_create_page_room_double_booked_says_so(organiser_client, demoday):
    taken = demoday.sessions.get()
    response = organiser_client.post(
        reverse("workshops_bo:demoday_session_create", kwargs={"slug": demoday.slug}),
        {
            "slug": "session-bis",
            "title": "Session bis",
            "room": taken.room.pk,
            "starts_at": "2027-02-04T15:00",
            "ends_at": "2027-02-04T16:00",
            "capacity": "30",
            "registration_opens_at": "2027-01-04T09:00",
            "registration_closes_at": "2027-02-04T15:00",
            "published": "on",
        },
    )
    assert response.status_code == 400
    assert (
        "Cette salle est déjà réservée pour un autre atelier à ce moment-là."
        in response.content.decode()
    )
    response = organiser_client.post(
        reverse("workshops_bo:demoday_session_create", kwargs={"slug": demoday.slug}),
        {
            "slug": "session-bis",
            "title": "Session bis",
            "room": taken.room.pk,
            "starts_at": "2027-02-04T17:00",
            "ends_at": "2027-02-04T19:00",
            "capacity": "30",
            "registration_opens_at": "2027-01-04T09:00",
            "registration_closes_at": "2027-02-04T17:00",
            "published": "on",
        },
    )
    assert response.status_code == 302
    session = Workshop.objects.get(slug="session-bis")
    assert (session.kind, session.demoday, session.state) == (
        "demoday_session",
        demoday,
        WorkshopState.PUBLISHED,
    )


def test_draw_and_publish_from_the_back_office(organiser_client, demoday):
    url = reverse("workshops_bo:demoday_draw", kwargs={"slug": demoday.slug})
    assert organiser_client.post(url, {"seed": SEED}).status_code == 302
    assert list(
        Slot.objects.order_by("position").values_list("project__slug", flat=True)
    ) == ["livraisons", "commerces", "eclairage", "pmr", "bruit-nocturne"]
    organiser_client.post(
        reverse("workshops_bo:demoday_order_publish", kwargs={"slug": demoday.slug})
    )
    demoday.refresh_from_db()
    assert demoday.order_published_at is not None
    page = organiser_client.get(
        reverse("workshops_bo:demoday_order", kwargs={"slug": demoday.slug})
    )
    assert "Il ne change plus." in page.content.decode()


def test_demoday_list_queries_do_not_grow(
    organiser_client, organiser, django_assert_num_queries
):
    make_demoday(organiser, slug="dd-a")
    url = reverse("workshops_bo:demoday_list")
    organiser_client.get(url)
    with django_assert_num_queries(3) as small:
        organiser_client.get(url)
    make_demoday(organiser, slug="dd-b")
    make_demoday(organiser, slug="dd-c")
    with django_assert_num_queries(len(small.captured_queries)):
        response = organiser_client.get(url)
    assert response.content.decode().count("/gestion/ateliers/demodays/dd-") == 3


# --- The public programme -------------------------------------------------------


def test_programme_before_publication_has_no_order(client, demoday):
    response = client.get(reverse("workshops:demoday", kwargs={"slug": demoday.slug}))
    assert response.status_code == 200
    body = response.content.decode()
    assert "L’ordre de passage n’est pas encore publié" in body
    assert "Livraisons" not in body
    assert (
        client.get(
            reverse("workshops:demoday_pdf", kwargs={"slug": demoday.slug})
        ).status_code
        == 404
    )


def test_programme_hidden_while_no_session_is_published(client, demoday):
    demoday.sessions.update(state=WorkshopState.DRAFT)
    assert (
        client.get(
            reverse("workshops:demoday", kwargs={"slug": demoday.slug})
        ).status_code
        == 404
    )


def test_programme_published_shows_timetable_seed_and_snippet(client, published):
    response = client.get(reverse("workshops:demoday", kwargs={"slug": published.slug}))
    body = response.content.decode()
    assert response.status_code == 200
    assert "14:00–14:08" in body
    assert (
        body.index("Livraisons")
        < body.index("Commerces")
        < body.index("Bruit nocturne")
    )
    snippet = response.context["snippet"]
    assert snippet == (
        "import random\n\n"
        "seed = 'batignolles-2026'\n"
        "projects = sorted(['bruit-nocturne', 'commerces', 'eclairage', "
        "'livraisons', 'pmr'])\n"
        "random.Random(seed).shuffle(projects)\n"
        "print(projects)"
    )
    namespace = {}
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(snippet, namespace)  # noqa: S102 - the published snippet re-runs the draw
    assert (
        out.getvalue().strip()
        == "['livraisons', 'commerces', 'eclairage', 'pmr', 'bruit-nocturne']"
    )


def test_programme_in_english(client, published):
    response = client.get(
        "/en" + reverse("workshops:demoday", kwargs={"slug": published.slug})
    )
    assert response.status_code == 200
    assert "How the order was drawn" in response.content.decode()


def test_programme_pdf(client, published):
    response = client.get(
        reverse("workshops:demoday_pdf", kwargs={"slug": published.slug})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


# --- The vote -------------------------------------------------------------------


def vote_url(demoday):
    return reverse("workshops:demoday_vote", kwargs={"slug": demoday.slug})


def test_vote_page_anonymous_redirected_to_login(client, published):
    response = client.get(vote_url(published))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@freeze_time(DURING)
def test_vote_page_checked_in_attendee_votes_once(client, published, user):
    check_in(published.sessions.get(), user)
    client.force_login(user)
    pmr = published.plan.projects.get(slug="pmr")
    response = client.post(vote_url(published), {"project": pmr.pk})
    assert response.status_code == 302
    response = client.post(vote_url(published), {"project": pmr.pk})
    assert response.status_code == 400
    assert list(Vote.objects.values_list("voter", "project")) == [(user.pk, pmr.pk)]


@freeze_time(DURING)
def test_vote_page_second_vote_says_it_is_refused(client, published, user):
    """A second tab's vote: the page says why nothing changed, not only that
    the first vote is recorded."""
    check_in(published.sessions.get(), user)
    client.force_login(user)
    projects = published.plan.projects
    client.post(vote_url(published), {"project": projects.get(slug="pmr").pk})

    response = client.post(
        vote_url(published), {"project": projects.get(slug="livraisons").pk}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert (
        '<div class="alert alert-error" role="alert"><ul class="errorlist '
        'nonfield"><li>Vous avez déjà voté.</li></ul></div>'
    ) in page
    assert list(Vote.objects.values_list("project__name", flat=True)) == ["PMR"]


@freeze_time(DURING)
def test_vote_page_not_checked_in_refused(client, published, user):
    client.force_login(user)
    page = client.get(vote_url(published))
    assert (
        "Seules les personnes enregistrées à l’entrée du DemoDay peuvent voter."
        in page.content.decode()
    )
    pmr = published.plan.projects.get(slug="pmr")
    response = client.post(vote_url(published), {"project": pmr.pk})
    assert response.status_code == 400
    assert Vote.objects.count() == 0


@freeze_time(DURING)
def test_vote_page_hostile_input_refused_clearly(client, published, user):
    check_in(published.sessions.get(), user)
    client.force_login(user)
    for value in ("999999999999999999999", "abc", ""):
        assert client.post(vote_url(published), {"project": value}).status_code == 400
    assert Vote.objects.count() == 0


@freeze_time("2027-02-04 18:00:00+01:00")
def test_vote_page_after_the_window_refused(client, published, user):
    check_in(published.sessions.get(), user)
    client.force_login(user)
    pmr = published.plan.projects.get(slug="pmr")
    assert client.post(vote_url(published), {"project": pmr.pk}).status_code == 400
    assert Vote.objects.count() == 0


# --- Results --------------------------------------------------------------------


def test_results_hidden_until_published(client, published, organiser, user):
    pmr = published.plan.projects.get(slug="pmr")
    voter = UserFactory()
    check_in(published.sessions.get(), voter)
    Vote.objects.create(demoday=published, voter=voter, project=pmr)
    save_results(
        published,
        rows={
            pmr: {
                "prize": "Prix du public",
                "prize_en": "Audience prize",
                "rank": 1,
                "continues": True,
            }
        },
        actor=organiser,
    )
    url = reverse("workshops:demoday_results", kwargs={"slug": published.slug})
    body = client.get(url).content.decode()
    assert "Les résultats ne sont pas encore publiés." in body
    assert "Prix du public" not in body and "PMR" not in body
    publish_results(published, actor=organiser, now=paris(2027, 2, 4, 18))
    body = client.get(url).content.decode()
    assert "Prix du public" in body
    assert "Projets qui poursuivent l’expérimentation" in body
    english = client.get("/en" + url).content.decode()
    assert "Audience prize" in english


def test_backoffice_results_live_count_and_save(organiser_client, published):
    pmr = published.plan.projects.get(slug="pmr")
    voter = UserFactory()
    check_in(published.sessions.get(), voter)
    Vote.objects.create(demoday=published, voter=voter, project=pmr)
    url = reverse("workshops_bo:demoday_results", kwargs={"slug": published.slug})
    page = organiser_client.get(url)
    assert "1 vote du public pour l’instant." in page.content.decode()
    data = {
        f"p{pmr.pk}-prize": "Prix du jury",
        f"p{pmr.pk}-rank": "1",
        f"p{pmr.pk}-continues": "on",
    }
    assert organiser_client.post(url, data).status_code == 302
    result = DemoDayResult.objects.get(project=pmr)
    assert (result.prize, result.rank, result.continues, result.audience_votes) == (
        "Prix du jury",
        1,
        True,
        1,
    )
    data[f"p{pmr.pk}-rank"] = "99999999999999999"
    assert organiser_client.post(url, data).status_code == 400


# --- The DemoDay jury -----------------------------------------------------------


def jury_urls(demoday):
    return [
        reverse("workshops:demoday_jury", kwargs={"slug": demoday.slug}),
        reverse(
            "workshops:demoday_jury_score",
            kwargs={"slug": demoday.slug, "project_slug": "pmr"},
        ),
    ]


def test_jury_pages_per_role(client, published, juror, user, organiser):
    for url in jury_urls(published):
        client.logout()
        assert client.get(url).status_code == 302  # anonymous: log in
        client.force_login(user)
        assert client.get(url).status_code == 404
        client.force_login(organiser)  # an organiser who is not a juror
        assert client.get(url).status_code == 404
        client.force_login(juror)
        assert client.get(url).status_code == 200


def test_jury_scoring_page_records_scores(client, published, juror):
    client.force_login(juror)
    results, usefulness, responsibility, pitch = published.criteria.all()
    url = jury_urls(published)[1]
    response = client.post(
        url,
        {
            f"c{results.pk}": "5",
            f"c{usefulness.pk}": "4",
            f"c{responsibility.pk}": "na",
            f"c{pitch.pk}": "",
        },
    )
    assert response.status_code == 302
    assert sorted(
        PitchScore.objects.values_list("criterion__key", "value", "not_applicable")
    ) == [
        ("responsibility", None, True),
        ("results", 5, False),
        ("usefulness", 4, False),
    ]
    assert client.post(url, {f"c{results.pk}": "9"}).status_code == 400


def test_jury_scoring_closed_after_results(client, published, juror, organiser):
    pmr = published.plan.projects.get(slug="pmr")
    save_results(published, rows={pmr: {"rank": 1}}, actor=organiser)
    publish_results(published, actor=organiser, now=paris(2027, 2, 4, 18))
    client.force_login(juror)
    assert client.get(jury_urls(published)[1]).status_code == 404
    assert (
        "la notation est close" in client.get(jury_urls(published)[0]).content.decode()
    )


def test_jury_project_not_pitching_404(client, published, juror):
    client.force_login(juror)
    url = reverse(
        "workshops:demoday_jury_score",
        kwargs={"slug": published.slug, "project_slug": "arrete"},
    )
    assert client.get(url).status_code == 404


def run_snippet(snippet):
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(snippet, {})  # noqa: S102 - the published snippet re-runs the draw
    return out.getvalue().strip()


def test_plan_form_grouped_by_theme_and_published_snippet(organiser_client, demoday):
    order_url = reverse("workshops_bo:demoday_order", kwargs={"slug": demoday.slug})
    projects = list(demoday.plan.projects.order_by("slug"))
    response = organiser_client.post(
        order_url,
        {
            "projects": [p.pk for p in projects],
            "pitch_minutes": "6",
            "questions_minutes": "4",
            "break_every": "2",
            "break_minutes": "15",
            "group_by_theme": "on",
        },
    )
    assert response.status_code == 302
    organiser_client.post(
        reverse("workshops_bo:demoday_draw", kwargs={"slug": demoday.slug}),
        {"seed": SEED},
    )
    organiser_client.post(
        reverse("workshops_bo:demoday_order_publish", kwargs={"slug": demoday.slug})
    )
    rows = list(
        Slot.objects.order_by("position").values_list(
            "position", "kind", "project__slug", "starts_at"
        )
    )
    assert rows == [
        (1, "pitch", "bruit-nocturne", paris(2027, 2, 4, 14, 0)),
        (2, "pitch", "eclairage", paris(2027, 2, 4, 14, 10)),
        (3, "break", None, paris(2027, 2, 4, 14, 20)),
        (4, "pitch", "commerces", paris(2027, 2, 4, 14, 35)),
        (5, "pitch", "livraisons", paris(2027, 2, 4, 14, 45)),
        (6, "break", None, paris(2027, 2, 4, 14, 55)),
        (7, "pitch", "pmr", paris(2027, 2, 4, 15, 10)),
    ]
    page = organiser_client.get(
        reverse("workshops:demoday", kwargs={"slug": demoday.slug})
    )
    assert run_snippet(page.context["snippet"]) == (
        "['bruit-nocturne', 'eclairage', 'commerces', 'livraisons', 'pmr']"
    )


def test_plan_form_hostile_numbers_refused(organiser_client, demoday):
    order_url = reverse("workshops_bo:demoday_order", kwargs={"slug": demoday.slug})
    response = organiser_client.post(
        order_url,
        {
            "pitch_minutes": "99999999999999999999",
            "questions_minutes": "-3",
            "break_every": "abc",
            "break_minutes": "1e9",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {
        "pitch_minutes",
        "questions_minutes",
        "break_every",
        "break_minutes",
    }


def test_changing_the_plan_forgets_the_draw(organiser_client, demoday, organiser):
    draw_running_order(demoday, seed=SEED, actor=organiser)
    organiser_client.post(
        reverse("workshops_bo:demoday_order", kwargs={"slug": demoday.slug}),
        {
            "projects": [demoday.plan.projects.get(slug="pmr").pk],
            "pitch_minutes": "5",
            "questions_minutes": "3",
            "break_every": "0",
            "break_minutes": "10",
        },
    )
    demoday.refresh_from_db()
    assert (demoday.draw_seed, Slot.objects.count()) == ("", 0)


def test_session_cannot_move_once_the_order_is_published(organiser_client, published):
    session = published.sessions.get()
    url = reverse(
        "workshops_bo:demoday_session_edit",
        kwargs={"slug": published.slug, "session_slug": session.slug},
    )
    response = organiser_client.post(
        url,
        {
            "slug": session.slug,
            "title": session.title,
            "room": session.room.pk,
            "starts_at": "2027-02-04T15:00",
            "ends_at": "2027-02-04T17:00",
            "capacity": "30",
            "registration_opens_at": "2027-01-04T09:00",
            "registration_closes_at": "2027-02-04T15:00",
            "published": "on",
        },
    )
    assert response.status_code == 400
    session.refresh_from_db()
    assert session.starts_at == paris(2027, 2, 4, 14)


def test_programme_queries_do_not_grow(client, organiser, django_assert_num_queries):
    small_dd, _s, _p = make_demoday(organiser, slug="dd-small")
    draw_running_order(small_dd, seed=SEED, actor=organiser)
    publish_running_order(small_dd, actor=organiser)
    big_dd, _s, _p = make_demoday(organiser, slug="dd-big", sessions=3)
    from tests.datasets.conftest import make_project

    for index in range(6):
        extra = make_project(UserFactory(), f"Extra {index}", call=big_dd.call)
        big_dd.plan.projects.add(extra)
    draw_running_order(big_dd, seed=SEED, actor=organiser)
    publish_running_order(big_dd, actor=organiser)
    url = reverse("workshops:demoday", kwargs={"slug": "dd-small"})
    with django_assert_num_queries(6) as small:
        client.get(url)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(reverse("workshops:demoday", kwargs={"slug": "dd-big"}))
    assert response.content.decode().count("–") >= 11 + 3


def test_publishing_renders_the_pdf_in_the_worker(
    client, demoday, organiser, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from workshops.services.demoday_pdf import _cache_key

    draw_running_order(demoday, seed=SEED, actor=organiser)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        publish_running_order(demoday, actor=organiser)
    assert len(callbacks) == 1
    demoday.refresh_from_db()
    cached = cache.get(_cache_key(demoday, "fr"))
    assert cached.startswith(b"%PDF")
    assert cache.get(_cache_key(demoday, "en")).startswith(b"%PDF")
    response = client.get(
        reverse("workshops:demoday_pdf", kwargs={"slug": demoday.slug})
    )
    assert response.content == cached


def test_backoffice_detail_history_in_sentences(organiser_client, published):
    page = organiser_client.get(
        "/en" + reverse("workshops_bo:demoday", kwargs={"slug": published.slug})
    )
    history = [sentence for _event, sentence in page.context["history"]]
    assert history == [
        "Running order published",
        "Running order drawn",
        "DemoDay created",
    ]
    assert "demoday.order_drawn" not in page.content.decode()


def grid_post(rows):
    data = {
        "criteria-TOTAL_FORMS": str(len(rows)),
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for index, (key, label, weight) in enumerate(rows):
        data[f"criteria-{index}-key"] = key
        data[f"criteria-{index}-label_fr"] = label
        data[f"criteria-{index}-weight"] = weight
    return data


def test_grid_edit_then_locked_once_scored(organiser_client, published, juror):
    url = reverse("workshops_bo:demoday_grid", kwargs={"slug": published.slug})
    response = organiser_client.post(
        url, grid_post([("impact", "Impact", "60"), ("clarte", "Clarté", "40")])
    )
    assert response.status_code == 302
    assert list(published.criteria.values_list("key", "weight", "scale_max")) == [
        ("impact", 60, 5),
        ("clarte", 40, 5),
    ]
    hostile = organiser_client.post(url, grid_post([("x", "X", "99999999999999")]))
    assert hostile.status_code == 400
    assert published.criteria.count() == 2
    pmr = published.plan.projects.get(slug="pmr")
    from workshops.services.demoday_results import record_pitch_scores

    record_pitch_scores(
        published, pmr, juror=juror, scores={published.criteria.first().pk: 4}
    )
    organiser_client.post(url, grid_post([("autre", "Autre", "10")]))
    assert list(published.criteria.values_list("key", flat=True)) == [
        "impact",
        "clarte",
    ]
