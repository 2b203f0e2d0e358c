"""The one server-rendered SVG bar chart (the booth console's analytics, the organiser's
dashboard): geometry computed here, drawn by the template with SVG attributes only (no inline
style, no script), so it works under a strict CSP and without JS; each template also offers the
numbers as a table for screen readers."""

import math

WIDTH = 720
HEIGHT = 240
PAD_LEFT = 40
PAD_RIGHT = 10
PAD_TOP = 12
PAD_BOTTOM = 28


def nice_ceiling(value):
    if value <= 5:
        return 5
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return int(10 * magnitude)


def labelled(points):
    """(label, value) pairs as the rows bar_chart takes: {"label": ..., "value": ...}."""
    return [{"label": str(label), "value": value} for label, value in points]


def bar_chart(rows, bar_key="value", line_key=None, width=WIDTH, height=HEIGHT):
    """Bars for rows[i][bar_key] and, with a line_key, dots joined by a line for
    rows[i][line_key]. Each bar keeps its row (bar.row) for labels and titles."""
    rows = list(rows)
    plot_w = width - PAD_LEFT - PAD_RIGHT
    plot_h = height - PAD_TOP - PAD_BOTTOM
    values = [r[bar_key] for r in rows] + [r[line_key] for r in rows if line_key] + [1]
    top = nice_ceiling(max(values))
    slot = plot_w / max(len(rows), 1)
    bar_w = max(slot * 0.6, 2)
    bars, points = [], []
    for i, row in enumerate(rows):
        x = PAD_LEFT + i * slot
        h = plot_h * row[bar_key] / top
        bars.append(
            {
                "x": round(x + (slot - bar_w) / 2, 1),
                "y": round(PAD_TOP + plot_h - h, 1),
                "width": round(bar_w, 1),
                "height": round(h, 1),
                "label_x": round(x + slot / 2, 1),
                "row": row,
                "show_label": len(rows) <= 16 or i % math.ceil(len(rows) / 14) == 0,
            }
        )
        if line_key:
            cy = PAD_TOP + plot_h - plot_h * row[line_key] / top
            points.append({"x": round(x + slot / 2, 1), "y": round(cy, 1)})
    grid = [
        {"y": round(PAD_TOP + plot_h - plot_h * f, 1), "value": round(top * f)}
        for f in (0, 0.25, 0.5, 0.75, 1)
    ]
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "grid": grid,
        "left": PAD_LEFT,
        "right": width - PAD_RIGHT,
        "baseline": PAD_TOP + plot_h,
        "label_y": height - 8,
    }
