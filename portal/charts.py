"""Chart.js configurations, built in one place for every app.

Pages pass the configuration to ``static/js/charts.js`` with ``json_script``
(no inline script) and always show a table with the same numbers beside it.
"""


def dataset(label, data, *, color=None, span_gaps=None):
    """One series of a chart: its label (a person reads it) and its values."""
    series = {"label": str(label), "data": list(data)}
    if color:
        series["backgroundColor"] = color
    if span_gaps is not None:
        series["spanGaps"] = span_gaps
    return series


def chart(
    kind,
    labels,
    datasets,
    *,
    title=None,
    unit=None,
    stacked=False,
    begin_at_zero=True,
    logarithmic=False,
    integers=False,
    legend=True,
):
    """Return the Chart.js configuration of a ``kind`` ("bar", "line") chart
    of ``datasets`` (built with ``dataset``) over the x ``labels``."""
    y = {}
    if stacked:
        y["stacked"] = True
    if logarithmic:
        y["type"] = "logarithmic"
    else:
        y["beginAtZero"] = begin_at_zero
    if unit:
        y["title"] = {"display": True, "text": str(unit)}
    if integers:
        y["ticks"] = {"precision": 0}
    scales = {"y": y}
    if stacked:
        scales["x"] = {"stacked": True}
    plugins = {
        "legend": {"display": True, "position": "bottom"}
        if legend
        else {"display": False}
    }
    if title:
        plugins["title"] = {"display": True, "text": str(title)}
    return {
        "type": kind,
        "data": {"labels": [str(label) for label in labels], "datasets": datasets},
        "options": {"responsive": True, "plugins": plugins, "scales": scales},
    }
