import csv
import io

from django.http import StreamingHttpResponse

from datasets.api.views import stream_csv

URL = "/api/v1/readings/export.csv"


def test_export_streams_csv_of_the_range(client, october_day):
    response = client.get(
        URL,
        {
            "dataset": "pedestrian-flows",
            "metric": "pedestrians_in",
            "by": "sensor",
            "start": "2025-10-07",
            "end": "2025-10-08",
        },
    )
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="openbatignolles-pedestrian-flows-hour-20251007-'
        '20251008.csv"'
    )
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 3 * 24
    # Sensor by sensor, each in time order.
    assert [row["sensor"] for row in rows[:24]] == ["PED-001"] * 24
    assert rows[0]["period_start"] == "2025-10-07T00:00:00+02:00"
    assert rows[23]["period_start"] == "2025-10-07T23:00:00+02:00"
    assert rows[24]["sensor"] == "PED-002"
    assert rows[24]["value"] == "8"
    assert rows[0]["unit"] == "persons"


def test_export_has_no_range_limit(client, october_day):
    response = client.get(
        URL,
        {
            "dataset": "pedestrian-flows",
            "metric": "pedestrians_in",
            "interval": "day",
            "agg": "sum",
            "start": "2000-01-01",
            "end": "2030-01-01",
        },
    )
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[1].split(",")[:2] == [
        "2025-10-07T00:00:00+02:00",
        "2025-10-08T00:00:00+02:00",
    ]
    assert lines[1].split(",")[-2:] == ["576", "288"]


def test_export_fine_data_needs_a_key(client, world):
    response = client.get(URL, {"interval": "15min"})
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"][0]["parameter"] == "interval"


def test_export_fine_data_for_organiser(organiser_client, october_day):
    response = organiser_client.get(
        URL,
        {
            "sensor": "PED-003",
            "metric": "pedestrians_out",
            "interval": "15min",
            "start": "2025-10-07",
            "end": "2025-10-08",
        },
    )
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 1 + 96
    assert lines[1].endswith(",PED-003,rue-des-dames,2,1")


def test_export_rejects_cursor(client, world):
    response = client.get(URL, {"cursor": "abc"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "cursor"


def test_stream_csv_yields_bounded_chunks():
    rows = (
        {
            "period_start": f"t{n}",
            "period_end": "e",
            "dataset": "d",
            "metric": "m",
            "unit": "u",
            "sensor": None,
            "street": None,
            "value": 1.5,
            "count": 4,
        }
        for n in range(2500)
    )
    chunks = list(stream_csv(rows, lines_per_chunk=1000))
    assert [chunk.count("\n") for chunk in chunks] == [1, 1000, 1000, 500]
    assert chunks[1].splitlines()[0] == "t0,e,d,m,u,,,1.5,4"
