"""The overview's chart: items by support area, stacked by status, as an SVG document that the
overview's chart URL serves as an image (drawn with the analysis app's chart tools, which `effect`
passes on)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from mio import cache

# Colour-blind-safe (Okabe–Ito), in status order: proposed, planned, in progress, done, dropped.
STATUS_COLOURS = {
    "proposed": "#BBBBBB",
    "planned": "#56B4E9",
    "in_progress": "#E69F00",
    "done": "#009E73",
    "dropped": "#6B6B6B",
}


def status_by_area_svg(
    *, plan_key: str, language: str, rows: Sequence[tuple[str, Sequence[int]]], statuses: Sequence[tuple[str, str]]
) -> str:
    """Horizontal bars, one per area, stacked by status; cached until an item of the plan changes."""
    return cache.versioned(
        "actionplan:status-by-area", version=plan_key, params=language, compute=lambda: _draw(rows, statuses)
    )


def _draw(rows: Sequence[tuple[str, Sequence[int]]], statuses: Sequence[tuple[str, str]]) -> str:
    from matplotlib.figure import Figure

    from .effect import plain_text, use_svg_settings, without_inline_styles

    figure = Figure(figsize=(7.5, 0.55 * len(rows) + 1.3))
    axes = figure.add_subplot()
    labels = [label for label, _counts in rows][::-1]
    lefts = [0] * len(rows)
    for index, (status, status_label) in enumerate(statuses):
        widths = [counts[index] for _label, counts in rows][::-1]
        bars = axes.barh(labels, widths, left=lefts, color=STATUS_COLOURS.get(status, "#999999"), label=status_label)
        for bar, width in zip(bars, widths, strict=True):
            if width:
                axes.text(
                    bar.get_x() + bar.get_width() / 2,
                    bar.get_y() + bar.get_height() / 2,
                    str(width),
                    ha="center",
                    va="center",
                    fontsize=9,
                    color="black" if status in ("proposed", "planned", "in_progress") else "white",
                )
        lefts = [left + width for left, width in zip(lefts, widths, strict=True)]
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(ncols=len(statuses), loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8)
    plain_text(figure)  # area names from the data are text, never mathtext; before the layout measures them
    figure.tight_layout()
    stream = io.StringIO()
    use_svg_settings()
    figure.savefig(stream, format="svg", metadata={"Date": None, "Creator": None})
    svg = stream.getvalue()
    # Drop the XML prolog and doctype: the SVG goes inline into the page, where the
    # Content-Security-Policy refuses inline styles.
    return without_inline_styles(svg[svg.index("<svg") :])
