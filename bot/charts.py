"""Chart images (PNG) drawn with matplotlib's Agg backend: no display, no pyplot state.

matplotlib is imported only when the first chart is drawn, so a bot that never draws one does
not pay for it. Drawing runs in a worker thread (it is CPU work that would otherwise stall
every chat), one chart at a time because matplotlib's shared caches are not thread-safe.
"""

from __future__ import annotations

import asyncio
import io
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH_INCHES, HEIGHT_INCHES, DPI = 8.0, 4.5, 110
CATEGORY_COLOURS = {"criminaliteit": "#c0392b", "overlast": "#e67e22", "zorg": "#2e86c1"}


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[int]
    colour: str


@dataclass(frozen=True)
class BarChart:
    """Stacked bars per x label, with an optional dashed reference line."""

    title: str
    x_labels: Sequence[str]
    series: Sequence[Series]
    y_label: str = ""
    reference: float | None = None
    reference_label: str = ""


def plain(text: str) -> str:
    """Text matplotlib can draw with its bundled font: no emoji, no mathtext."""
    kept = "".join(
        char for char in text if ord(char) <= 0xFFFF and unicodedata.category(char) != "So"
    )
    return " ".join(kept.replace("$", r"\$").split())


class Charts:
    def __init__(self) -> None:
        self._lock = threading.Lock()

    async def bars(self, chart: BarChart) -> bytes:
        return await asyncio.to_thread(self.draw_bars, chart)

    def draw_bars(self, chart: BarChart) -> bytes:
        with self._lock:
            return _draw_bars(chart)


def _draw_bars(chart: BarChart) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.subplots_adjust(left=0.08, right=0.98, top=0.9, bottom=0.1)
    axes = figure.add_subplot()
    count = len(chart.x_labels)
    half = 0.375
    bottom = [0] * count
    handles: list[object] = []
    # One collection per series instead of a patch per bar: far quicker with many weeks.
    for series in chart.series:
        values = list(series.values)
        boxes = [
            [(x - half, low), (x - half, low + v), (x + half, low + v), (x + half, low)]
            for x, (low, v) in enumerate(zip(bottom, values, strict=True))
            if v
        ]
        axes.add_collection(PolyCollection(boxes, facecolors=series.colour, linewidths=0))
        handles.append(Patch(facecolor=series.colour, label=plain(series.label)))
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    if chart.reference is not None:
        handles.append(
            axes.axhline(
                chart.reference,
                color="#555555",
                linestyle="--",
                linewidth=1.2,
                label=plain(chart.reference_label),
            )
        )
    step = max(1, -(-count // 13))  # at most about 13 labels on the x axis
    axes.set_xticks(range(0, count, step))
    axes.set_xticklabels([plain(label) for label in chart.x_labels][::step], fontsize=8)
    axes.set_xlim(-0.6, count - 0.4)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(0, max([*bottom, chart.reference or 0, 1]) * 1.25)
    axes.set_ylabel(plain(chart.y_label), fontsize=9)
    axes.set_title(plain(chart.title), fontsize=11, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", alpha=0.3)
    axes.set_axisbelow(True)
    axes.legend(handles=handles, loc="upper left", fontsize=8, frameon=False, ncols=4)
    out = io.BytesIO()
    figure.savefig(out, format="png", pil_kwargs={"compress_level": 3})
    return out.getvalue()
