from decimal import Decimal
from types import SimpleNamespace

import pytest

from datasets import reference
from datasets.plan import build_plan


def _street(pk, slug, coordinates, kind="LineString"):
    return SimpleNamespace(
        pk=pk,
        slug=slug,
        name=slug.title(),
        geometry={"type": kind, "coordinates": coordinates},
    )


def test_plan_projects_north_up_and_keeps_proportions(db):
    # A 0.01° square of longitude at 48.885°N is cos(48.885°) ≈ 0.658 as wide
    # as it is tall: the plan keeps that ratio.
    street = _street(1, "diagonal", [[2.31, 48.88], [2.32, 48.89]])
    sensor = SimpleNamespace(
        code="PED-001",
        kind="pedestrian_counter",
        street_id=1,
        longitude=Decimal("2.310000"),
        latitude=Decimal("48.890000"),
    )
    plan = build_plan([street], [sensor], width=1000, margin=0)
    assert plan.width == 1000
    assert plan.height == pytest.approx(1000 / 0.6580, abs=2)
    start, end = plan.streets[0].path.split(" L")
    assert end == "1000 0"  # north-east corner
    assert start.startswith("M0 ")
    assert float(start.split()[1]) == pytest.approx(plan.height, abs=1)
    dot = plan.sensors[0]
    assert (dot.x, dot.y) == (0.0, 0.0)  # north-west corner
    assert dot.url == "/donnees/capteurs/PED-001/"
    assert plan.streets[0].sensors == [dot]
    assert plan.legend[0]["kind"] == "pedestrian_counter"


def test_plan_multilinestring_gives_one_path_part_per_line(db):
    street = _street(
        1,
        "split",
        [[[2.31, 48.88], [2.32, 48.88]], [[2.31, 48.89], [2.32, 48.89]]],
        kind="MultiLineString",
    )
    plan = build_plan([street], [])
    assert plan.streets[0].path.count("M") == 2


def test_plan_of_the_reference_streets_has_26_paths_inside_the_box(db):
    streets = [
        _street(n, row["slug"], row["geometry"]["coordinates"])
        for n, row in enumerate(reference.street_rows())
    ]
    plan = build_plan(streets, [])
    assert len(plan.streets) == 26
    numbers = [
        float(part)
        for street in plan.streets
        for part in street.path.replace("M", " ").replace("L", " ").split()
    ]
    assert min(numbers) >= 0
    assert max(numbers) <= max(plan.width, plan.height)


def test_plan_without_geometry_is_empty(db):
    plan = build_plan([], [])
    assert plan.streets == [] and plan.sensors == []
