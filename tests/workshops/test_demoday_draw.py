"""The DemoDay's seeded draw and timetable, pure (no database)."""

import datetime
import random

import pytest

from workshops.draw import TimetableOverflow, draw_order, plan_timetable

SLUGS = ["bruit-nocturne", "livraisons", "pmr", "eclairage", "commerces"]
THEMES = {
    "bruit-nocturne": "tranquillity",
    "livraisons": "parking",
    "pmr": "parking",
    "eclairage": "energy",
    "commerces": "pedestrian_flows",
}
UTC = datetime.UTC


def at(hour, minute=0):
    return datetime.datetime(2027, 2, 4, hour, minute, tzinfo=UTC)


def test_draw_order_same_seed_same_order_written_out():
    assert draw_order(SLUGS, "batignolles-2026") == [
        "livraisons",
        "commerces",
        "eclairage",
        "pmr",
        "bruit-nocturne",
    ]
    # The input order does not matter: the slugs are sorted first.
    assert draw_order(list(reversed(SLUGS)), "batignolles-2026") == draw_order(
        SLUGS, "batignolles-2026"
    )


def test_draw_order_other_seed_other_order():
    assert draw_order(SLUGS, "autre") == [
        "livraisons",
        "bruit-nocturne",
        "commerces",
        "pmr",
        "eclairage",
    ]


def test_draw_order_is_the_published_algorithm():
    projects = sorted(SLUGS)
    random.Random("batignolles-2026").shuffle(projects)
    assert draw_order(SLUGS, "batignolles-2026") == projects


def test_draw_order_grouped_by_theme_keeps_the_drawn_order_inside_a_theme():
    assert draw_order(SLUGS, "batignolles-2026", themes=THEMES) == [
        "bruit-nocturne",  # tranquillity
        "eclairage",  # energy
        "commerces",  # pedestrian flows
        "livraisons",  # parking, drawn before pmr
        "pmr",
    ]


def test_draw_order_projects_without_theme_come_last():
    themes = {**THEMES, "bruit-nocturne": ""}
    assert draw_order(SLUGS, "batignolles-2026", themes=themes)[-1] == "bruit-nocturne"


def test_plan_timetable_pitches_questions_and_breaks():
    slots = plan_timetable(
        ["a", "b", "c", "d", "e"],
        [("s1", at(13), at(15))],
        pitch_minutes=5,
        questions_minutes=3,
        break_every=2,
        break_minutes=10,
    )
    assert [(s.kind, s.slug, s.position, s.starts_at, s.ends_at) for s in slots] == [
        ("pitch", "a", 1, at(13, 0), at(13, 8)),
        ("pitch", "b", 2, at(13, 8), at(13, 16)),
        ("break", "", 3, at(13, 16), at(13, 26)),
        ("pitch", "c", 4, at(13, 26), at(13, 34)),
        ("pitch", "d", 5, at(13, 34), at(13, 42)),
        ("break", "", 6, at(13, 42), at(13, 52)),
        ("pitch", "e", 7, at(13, 52), at(14, 0)),
    ]


def test_plan_timetable_shares_the_pitches_between_sessions():
    slots = plan_timetable(
        ["a", "b", "c", "d", "e"],
        [("s1", at(13), at(15)), ("s2", at(16), at(18))],
        pitch_minutes=10,
        questions_minutes=5,
    )
    assert [(s.session, s.slug, s.starts_at) for s in slots] == [
        ("s1", "a", at(13, 0)),
        ("s1", "b", at(13, 15)),
        ("s1", "c", at(13, 30)),
        ("s2", "d", at(16, 0)),
        ("s2", "e", at(16, 15)),
    ]


def test_plan_timetable_no_break_after_the_last_pitch():
    slots = plan_timetable(
        ["a", "b"],
        [("s1", at(13), at(15))],
        pitch_minutes=5,
        questions_minutes=0,
        break_every=2,
        break_minutes=10,
    )
    assert [s.kind for s in slots] == ["pitch", "pitch"]


def test_plan_timetable_overflow_refused():
    with pytest.raises(TimetableOverflow) as caught:
        plan_timetable(
            ["a", "b", "c"],
            [("s1", at(13), at(13, 20))],
            pitch_minutes=5,
            questions_minutes=3,
        )
    assert caught.value.session == "s1"
    assert caught.value.ends_at == at(13, 24)
