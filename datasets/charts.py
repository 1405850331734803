"""Chart.js configurations and the data tables beside them.

Charts are drawn by static/js/charts.js from ``json_script`` data; every
chart comes with a table holding the same numbers. The configuration itself
is built by ``portal.charts``.
"""

from portal.charts import chart, dataset


def _rounded(value):
    return None if value is None else round(value, 1)


def charted_metrics(metrics):
    """The metrics drawn together: those sharing the first metric's unit."""
    if not metrics:
        return []
    unit = metrics[0].unit
    return [metric for metric in metrics if metric.unit == unit]


def series_chart(metrics, keys, labels, values, *, title):
    """A Chart.js config: one series per metric over ``keys`` (x labels ``labels``).

    Bars for metrics that add up (sum), lines otherwise.
    """
    drawn = charted_metrics(metrics)
    kind = "bar" if drawn and drawn[0].default_aggregation == "sum" else "line"
    unit = drawn[0].unit_display if drawn else ""
    return chart(
        kind,
        labels,
        [
            dataset(
                f"{metric.name} ({metric.unit_display})",
                [_rounded(values[metric.id].get(key)) for key in keys],
                span_gaps=False,
            )
            for metric in drawn
        ],
        title=title,
        unit=unit,
        begin_at_zero=unit != "dB(A)",
    )


def table_rows(metrics, keys, labels, values):
    """Rows ``(label, [value or None per metric])`` for the data table."""
    return [
        (label, [_rounded(values[metric.id].get(key)) for metric in metrics])
        for key, label in zip(keys, labels, strict=True)
    ]
