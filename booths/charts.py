"""A server-rendered SVG bar chart: geometry computed here, drawn by the template with SVG
attributes only (no inline style, no script), so it works under a strict CSP and without JS."""

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


def bar_chart(rows, bar_key="visits", line_key="visitors"):
    """Bars for rows[i][bar_key], dots joined by a line for rows[i][line_key]."""
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    top = nice_ceiling(max([r[bar_key] for r in rows] + [r[line_key] for r in rows] + [1]))
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
        cy = PAD_TOP + plot_h - plot_h * row[line_key] / top
        points.append({"x": round(x + slot / 2, 1), "y": round(cy, 1)})
    grid = [
        {"y": round(PAD_TOP + plot_h - plot_h * f, 1), "value": round(top * f)}
        for f in (0, 0.25, 0.5, 0.75, 1)
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "bars": bars,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "grid": grid,
        "left": PAD_LEFT,
        "right": WIDTH - PAD_RIGHT,
        "baseline": PAD_TOP + plot_h,
        "label_y": HEIGHT - 8,
    }
