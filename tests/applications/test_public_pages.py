import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from tests.applications.factories import CallFactory


def test_call_list_shows_published_calls_with_their_status(client, db):
    now = timezone.now()
    CallFactory(title_fr="Vague ouverte")
    CallFactory(
        title_fr="Vague close",
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now - datetime.timedelta(days=30),
    )
    CallFactory(
        title_fr="Vague à venir",
        opens_at=now + datetime.timedelta(days=5),
        closes_at=now + datetime.timedelta(days=35),
    )
    CallFactory(title_fr="Brouillon", is_published=False)

    response = client.get(reverse("applications:call_list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Vague ouverte" in html and "Vague close" in html
    assert "Vague à venir" in html
    assert "Brouillon" not in html
    assert html.count("badge-success") == 1
    assert html.count("badge-muted") == 1
    assert html.count("badge-warning") == 1


def test_call_list_query_count_is_constant(client, db, django_assert_num_queries):
    CallFactory()
    with django_assert_num_queries(1):
        client.get(reverse("applications:call_list"))
    CallFactory.create_batch(5)
    with django_assert_num_queries(1):
        client.get(reverse("applications:call_list"))


@freeze_time("2026-03-02 10:00:00")
def test_call_page_shows_context_timeline_charter_and_countdown(client, db):
    call = CallFactory(
        opens_at=datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC),
        closes_at=datetime.datetime(2026, 3, 5, 14, 30, tzinfo=datetime.UTC),
        text_fr="## Contexte\n\nDes **données** ouvertes.<script>alert(1)</script>",
        text_en="",
    )

    response = client.get(f"/en/appels/{call.slug}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>données</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "Closes in 3 days 4 hours" in html
    assert f"/en/appels/{call.slug}/candidater/" in html
    assert "No re-identification." in html
    assert '<a href="/en/donnees/pedestrian-flows/">Pedestrian flows</a>' in html
    assert "Parking occupancy" in html
    assert "Who may apply?" in html
    assert "Deadline" in html and "Results" in html
    assert 'src="/static/js/countdown.js"' in html
    assert "<script>" not in html.replace("<script src", "")


def test_call_page_in_english_uses_the_english_text(client, db):
    call = CallFactory()
    response = client.get(f"/en/appels/{call.slug}/")
    html = response.content.decode()
    assert "The Mairie du 17e opens its <strong>data</strong>" in html
    assert "Closes in" in html


def test_call_page_of_a_closed_call_has_no_apply_button(client, db):
    now = timezone.now()
    call = CallFactory(
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now - datetime.timedelta(days=30),
    )
    response = client.get(f"/en/appels/{call.slug}/")
    html = response.content.decode()
    assert "/candidater/" not in html
    assert "This call closed on" in html


def test_call_page_unpublished_is_404(client, db):
    call = CallFactory(is_published=False)
    response = client.get(reverse("applications:call_detail", args=[call.slug]))
    assert response.status_code == 404


def test_call_page_unpublished_is_previewed_by_organisers(organiser_client, db):
    call = CallFactory(is_published=False, title_en="Draft wave")
    response = organiser_client.get(f"/en/appels/{call.slug}/")
    assert response.status_code == 200
    assert "Draft wave" in response.content.decode()


def test_render_markdown_fits_the_section_headings():
    from applications.views.common import render_markdown

    html = render_markdown(
        "# Charte des données\n\n## Principes\n\nPas de réidentification.",
        top_level=3,
        drop_leading_heading=True,
    )

    assert html == "<h3>Principes</h3>\n<p>Pas de réidentification.</p>"


@pytest.mark.django_db
def test_call_page_has_one_h1_and_no_repeated_section_title(client):
    CallFactory(
        slug="ami-titres",
        text_fr="## Contexte\n\nLa Mairie ouvre ses données.\n\n# Enjeux\n\nTexte.",
    )

    html = client.get("/appels/ami-titres/").content.decode()

    assert html.count("<h1") == 1
    assert "<h2>Contexte</h2>" not in html
    assert "<h3>Enjeux</h3>" in html
