"""Charts drawn on the server as SVG geometry (no script, no CDN): the template only places rectangles."""
from __future__ import annotations

from dataclasses import dataclass

# Okabe–Ito colours: told apart with common colour-vision deficiencies, and in grey on paper.
CHANNEL_COLOURS = {"web": "#0072B2", "phone": "#E69F00", "ivr": "#009E73", "staff": "#CC79A7"}


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    channel: str
    count: int


@dataclass(frozen=True)
class HourColumn:
    label: str
    x: float
    width: float
    label_x: float
    capacity_y: float
    capacity_height: float
    bars: list
    booked: int
    capacity: int
    text_y: float


@dataclass(frozen=True)
class HourChart:
    width: int
    height: int
    baseline: float
    columns: list
    scale_max: int


def hour_chart(hours, channels, *, width: int = 640, height: int = 200) -> HourChart:
    """Per hour a grey frame as tall as the seats and the bookings stacked inside it by channel."""
    top, bottom, left = 18, 24, 8
    baseline = height - bottom
    scale_max = max([h.capacity for h in hours] + [h.booked for h in hours] + [1])
    unit = (baseline - top) / scale_max
    step = (width - 2 * left) / max(len(hours), 1)
    bar_width = step * 0.7
    columns = []
    for index, hour in enumerate(hours):
        x = left + index * step + (step - bar_width) / 2
        y = baseline
        bars = []
        for channel in channels:
            count = hour.by_channel.get(channel, 0)
            if not count:
                continue
            bar_height = count * unit
            y -= bar_height
            bars.append(Bar(round(x, 1), round(y, 1), round(bar_width, 1), round(bar_height, 1),
                            CHANNEL_COLOURS.get(channel, "#666"), channel, count))
        capacity_height = hour.capacity * unit
        columns.append(HourColumn(
            label=f"{hour.hour:02d}", x=round(x, 1), width=round(bar_width, 1), label_x=round(x + bar_width / 2, 1),
            capacity_y=round(baseline - capacity_height, 1), capacity_height=round(capacity_height, 1),
            bars=bars, booked=hour.booked, capacity=hour.capacity,
            text_y=round(min(baseline - capacity_height, y) - 4, 1),
        ))
    return HourChart(width=width, height=height, baseline=baseline, columns=columns, scale_max=scale_max)
