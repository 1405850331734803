"""Charts drawn server-side as SVG, for the PDF report (WeasyPrint renders
inline SVG; no script, no web font, nothing fetched).

Each chart has a ``<title>`` and ``<desc>`` for assistive technology; the
report prints the table of the same numbers beside it, as the page does.
"""

import math

from django.utils.html import escape
from django.utils.safestring import mark_safe

# The palette of static/js/charts.js, so the PDF and the page match.
PALETTE = (
    "#1d4f91",
    "#c0392b",
    "#1e7b4f",
    "#8a5a00",
    "#6b3fa0",
    "#0f6e7a",
    "#5b5b5b",
    "#a3306b",
)
WIDTH = 680
PLOT_HEIGHT = 200
LEFT = 56
RIGHT = 12
TOP = 24
FONT = 10
LEGEND_ROW = 16


def nice_ticks(highest, *, count=5):
    """Round tick values from 0 to at least ``highest`` (1, 2 or 5 x 10^n steps)."""
    if highest <= 0:
        return [0, 1]
    rough = highest / count
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    top = math.ceil(highest / step) * step
    ticks = []
    value = 0
    while value <= top + step / 1000:
        ticks.append(round(value, 6))
        value += step
    return ticks


def _number(value):
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:.1f}".replace(".", ",")


def _text(x, y, content, *, anchor="start", size=FONT, rotate=None, weight=None):
    transform = f' transform="rotate({rotate} {x:.1f} {y:.1f})"' if rotate else ""
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"'
        f'{transform}{bold} fill="#1e1e1e">{escape(content)}</text>'
    )


def _short(label, limit=28):
    label = str(label)
    return label if len(label) <= limit else label[: limit - 1] + "…"


def render_chart(figure):
    """Return the SVG markup (safe) of ``figure`` (a dashboard ``Figure``):
    stacked or grouped bars, or lines, with axes, ticks and a legend."""
    labels = [str(label) for label in figure.labels]
    series = figure.series
    count = len(labels)
    rotate = count > 6
    label_space = 90 if rotate else 28
    legend_rows = math.ceil(len(figure.columns) / 2)
    height = TOP + PLOT_HEIGHT + label_space + legend_rows * LEGEND_ROW + 8
    plot_width = WIDTH - LEFT - RIGHT
    if figure.kind == "bar" and figure.stacked:
        highest = max(
            (sum(v or 0 for v in column) for column in zip(*series, strict=True)),
            default=0,
        )
    else:
        highest = max((v or 0 for values in series for v in values), default=0)
    if figure.percent:
        highest = max(highest, 100)
    ticks = nice_ticks(highest)
    top_value = ticks[-1] or 1
    base = TOP + PLOT_HEIGHT

    def y_of(value):
        return base - PLOT_HEIGHT * (value / top_value)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" aria-labelledby="{figure.key}-svg-title">',
        f'<title id="{figure.key}-svg-title">{escape(figure.title)}</title>',
        f"<desc>{escape(figure.note)}</desc>",
    ]
    for tick in ticks:
        y = y_of(tick)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            'stroke="#d8d8d8" stroke-width="0.6"/>'
        )
        parts.append(_text(LEFT - 4, y + 3, _number(tick), anchor="end"))
    parts.append(_text(4, TOP - 12, figure.unit, size=FONT - 1))
    parts.append(
        f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" '
        'stroke="#1e1e1e" stroke-width="0.8"/>'
    )
    slot = plot_width / max(count, 1)
    if figure.kind == "bar":
        parts.extend(_bars(figure, series, slot, y_of, base))
    else:
        parts.extend(_lines(series, slot, y_of))
    for index, label in enumerate(labels):
        x = LEFT + slot * (index + 0.5)
        if rotate:
            parts.append(_text(x, base + 10, _short(label), anchor="end", rotate=-40))
        else:
            parts.append(_text(x, base + 14, _short(label, 20), anchor="middle"))
    legend_top = base + label_space
    for index, column in enumerate(figure.columns):
        row, col = divmod(index, 2)
        x = LEFT + col * (plot_width / 2)
        y = legend_top + row * LEGEND_ROW
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="10" height="10" fill="{colour}"/>'
        )
        parts.append(_text(x + 14, y + 9, _short(column.name, 48)))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above


def _bars(figure, series, slot, y_of, base):
    parts = []
    columns = len(series)
    for index in range(len(figure.labels)):
        x0 = LEFT + slot * index + slot * 0.15
        width = slot * 0.7
        stacked_top = 0
        for number, values in enumerate(series):
            value = values[index] or 0
            colour = PALETTE[number % len(PALETTE)]
            if figure.stacked:
                y_top = y_of(stacked_top + value)
                y_bottom = y_of(stacked_top)
                stacked_top += value
                x, w = x0, width
            else:
                w = width / max(columns, 1)
                x = x0 + number * w
                y_top, y_bottom = y_of(value), base
            if value:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y_top:.1f}" width="{w:.1f}" '
                    f'height="{max(y_bottom - y_top, 0.5):.1f}" fill="{colour}"/>'
                )
    return parts


def _lines(series, slot, y_of):
    parts = []
    for number, values in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        points = [
            (LEFT + slot * (index + 0.5), y_of(value))
            for index, value in enumerate(values)
            if value is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" '
                'stroke-width="1.8"/>'
            )
        for x, y in points:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>')
    return parts
