"""Small server-rendered SVG charts for the admin: no chart library, no inline style, readable
by screen readers (a <title> per bar and a text table beside every chart)."""

from dataclasses import dataclass


@dataclass
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


def bar_chart(points, width=560, height=160, gap=4):
    """Lay out (label, value) points as vertical bars in a width x height box."""
    points = list(points)
    if not points:
        return {"bars": [], "width": width, "height": height, "max": 0}
    top = max(value for _, value in points) or 1
    slot = width / len(points)
    bars = []
    for index, (label, value) in enumerate(points):
        bar_height = round((height - 16) * value / top, 1)
        bars.append(
            Bar(
                label=str(label),
                value=value,
                x=round(index * slot + gap / 2, 1),
                y=round(height - bar_height, 1),
                width=round(slot - gap, 1),
                height=bar_height,
            )
        )
    return {"bars": bars, "width": width, "height": height, "max": top}
