"""Renderers of the API besides JSON: CSV and GeoJSON."""

import io

from defusedcsv import csv
from rest_framework.renderers import BaseRenderer, JSONRenderer


class GeoJSONRenderer(JSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


class CSVRenderer(BaseRenderer):
    """Rows (a list of flat dicts, or ``{"results": [...]}``) as CSV, UTF-8."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        rows = data.get("results", data) if isinstance(data, dict) else data
        if isinstance(rows, dict):
            rows = [rows]
        buffer = io.StringIO()
        columns = list(rows[0]) if rows else []
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
        return buffer.getvalue().encode(self.charset)
