"""Charts as inline SVG strings, drawn with a matplotlib `Figure` (never pyplot's global state).

Every function takes a DataFrame and already translated text, and returns the markup of one `<svg>`
with `role="img"` and a `<title>`: the page puts a table with the same numbers beside it.
matplotlib is imported inside the functions: importing it costs a second, and only a page whose
chart is not cached yet should pay that.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
SERIES_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
MARKERS = ["o", "s", "D", "^", "v", "P", "X", "*"]
BAR_COLOUR = "#1d4f6e"  # the brand blue of the navigation bar
FRICTION_COLOUR = "#b8431f"
TEXT_COLOUR = "#212529"
GRID_COLOUR = "#dee2e6"
LABEL_WIDTH = 34
# A forest plot's labels are whole item titles ("21. Förtydliga information om rekrytering av vikarier i
# förskolan"), not task names: wider, and up to three lines, so that a title is read, not guessed.
FOREST_LABEL_WIDTH = 42
FOREST_LABEL_LINES = 3
WIDTH = 7.5  # inches; the page lets a chart shrink to its column, never grow past this


def wrap(label: str, width: int = LABEL_WIDTH, lines: int = 2) -> str:
    """A task label in at most `lines` lines, shortened with an ellipsis when longer."""
    parts = textwrap.wrap(label, width) or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1][: width - 1].rstrip() + "…"
    return "\n".join(parts)


def number(value: float, decimals: int, decimal: str) -> str:
    """A number as the page writes it: the locale's decimal mark, a real minus sign (−), and halves
    rounded up as the tables' `floatformat` rounds them. Python's own formatting rounds halves to even
    (1.25 to "1.2"), so a chart would say 1,2 where its table says 1,3."""
    if not math.isfinite(value):
        return "–"
    rounded = _rounded(value, decimals)
    text = f"{rounded:.{decimals}f}".replace("-", "−")
    return text.replace(".", decimal) if decimal != "." else text


def signed(value: float, decimals: int, decimal: str) -> str:
    """A change as the tables write it: "+1,5", "−2,0", and no sign when it rounds to zero."""
    text = number(value, decimals, decimal)
    return f"+{text}" if _rounded(value, decimals) > 0 else text


def _rounded(value: float, decimals: int) -> Decimal:
    """Halves away from zero, from the shortest text of the float (what `floatformat` reads); a value
    that rounds to zero loses its sign, as in the tables ("0,0", never "−0,0")."""
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded


def _formatter(decimals: int, decimal: str) -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _position: number(value, decimals, decimal))


def _figure(height: float, width: float = WIDTH) -> Any:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height))
    figure.set_layout_engine("constrained", h_pad=0.06, w_pad=0.06)
    return figure


def _style(axes: Any, *, grid_axis: str = "x") -> None:
    axes.spines[["top", "right"]].set_visible(False)
    axes.spines[["left", "bottom"]].set_color("#6c757d")
    axes.tick_params(colors=TEXT_COLOUR, labelsize=8.5)
    axes.grid(axis=grid_axis, color=GRID_COLOUR, linewidth=0.8)
    axes.set_axisbelow(True)


def plain_text(figure: Any) -> None:
    """Every text of the figure drawn as it is written, never as mathtext.

    Task labels, round names and managers' names come from data, and matplotlib reads a text with two
    `$` as a formula: "$x^2$" would come out as a superscript, and "$5 \\frac" stops the drawing with
    an error. Called before anything measures text (drawing, a layout): the tick labels are made
    first, so that they are among the texts switched off; tick labels drawn from data never grow in
    number while drawing (fixed or categorical ticks), and numbers from a formatter hold no `$`.
    """
    from matplotlib.text import Text

    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            axis.get_ticklabels(which="both")
    for text in figure.findobj(Text):
        text.set_parse_math(False)


# Text as <text>, not glyph outlines: a third of the size, quicker, and selectable and searchable.
SVG_SETTINGS = {"svg.fonttype": "none", "svg.hashsalt": "mio"}


def use_svg_settings() -> None:
    """Set SVG_SETTINGS for the whole process. Not in an rc_context: that changes the global settings
    for its duration, so a chart drawn meanwhile in another thread (a threaded server, the test
    server of the browser tests) would come out with whichever settings happened to be current."""
    import matplotlib

    matplotlib.rcParams.update(SVG_SETTINGS)


def to_svg(figure: Any, *, title: str) -> str:
    """The figure as inline SVG: no XML prolog, ids unique on the page, and an accessible name."""
    plain_text(figure)
    stream = io.StringIO()
    use_svg_settings()
    figure.savefig(stream, format="svg", metadata={"Date": None, "Creator": None})
    svg = stream.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.DOTALL)
    # matplotlib numbers its ids from 1 in every figure; several charts share one page.
    prefix = "c" + hashlib.sha1(svg.encode()).hexdigest()[:8]
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = svg.replace('href="#', f'href="#{prefix}-').replace("url(#", f"url(#{prefix}-")
    svg = without_inline_styles(svg)
    label = escape(title, quote=True)
    svg = svg.replace(
        "<svg ", f'<svg id="{prefix}" role="img" aria-label="{label}" focusable="false" class="chart-svg" ', 1
    )
    opening_end = svg.index(">") + 1
    return f"{svg[:opening_end]}\n <title>{escape(title)}</title>{svg[opening_end:]}"


_STYLE_ELEMENT = re.compile(r"\s*<style[^>]*>.*?</style>", flags=re.DOTALL)
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_DECLARATION_END = re.compile(r";\s*(?=[a-z-]+\s*:)")


def without_inline_styles(svg: str) -> str:
    """matplotlib's `style` attributes and `<style>` element as SVG presentation attributes.

    The Content-Security-Policy (no 'unsafe-inline') refuses inline styles in a page, and the
    charts go inline; every property matplotlib writes (fill, stroke…, font-…, text-anchor,
    opacity, stop-color) is also a presentation attribute, which the policy leaves alone.
    matplotlib's stylesheet, `*{stroke-linejoin: round; stroke-linecap: butt}`, becomes the same
    two attributes on the root: both properties are inherited.
    """

    def attributes(match: re.Match) -> str:
        declarations = (part.partition(":") for part in _DECLARATION_END.split(match.group(1).strip().rstrip(";")))
        return "".join(f' {name.strip()}="{value.strip()}"' for name, _colon, value in declarations if value.strip())

    svg = _STYLE_ELEMENT.sub("", svg)
    svg = re.sub(r"\s*<defs>\s*</defs>", "", svg)
    svg = svg.replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1)
    return _STYLE_ATTRIBUTE.sub(attributes, svg)


def bars(
    frame: pd.DataFrame,
    *,
    value: str,
    label: str = "label",
    title: str,
    xlabel: str,
    decimal: str = ".",
    decimals: int = 1,
    colour: str = BAR_COLOUR,
    width: float = WIDTH,
) -> str:
    """Horizontal bars, first row on top, each with its value at the end (the ranking, the categories)."""
    rows = len(frame)
    figure = _figure(0.34 * max(rows, 2) + 0.8, width)
    axes = figure.add_subplot()
    values = frame[value].fillna(0).astype("float64").to_numpy()
    positions = list(range(rows))[::-1]
    axes.barh(positions, values, color=colour, height=0.66)
    axes.set_yticks(positions, [wrap(text) for text in frame[label]], fontsize=8.5)
    top = float(values.max()) if rows else 0.0
    axes.set_xlim(0, top * 1.14 if top > 0 else 1)
    for position, amount in zip(positions, values, strict=True):
        axes.text(
            amount + (top or 1) * 0.01,
            position,
            number(amount, decimals, decimal),
            va="center",
            fontsize=8,
            color=TEXT_COLOUR,
        )
    axes.xaxis.set_major_formatter(_formatter(0, decimal))
    axes.set_xlabel(xlabel, fontsize=9, color=TEXT_COLOUR)
    axes.set_ylim(-0.6, rows - 0.4)
    _style(axes)
    return to_svg(figure, title=title)


# The bubble map's axes in figure fractions, fixed so that labels can be placed before drawing.
MAP_SIZE = (7.5, 5.6)
MAP_AXES = (0.1, 0.13, 0.63, 0.83)
MAP_LIMITS = ((0.9, 4.1), (0.8, 4.2))
LABEL_FONT = 7.0


def _place_labels(points: list[tuple[float, float, float, str]], *, bounds: tuple[float, float, float, float]):
    """Where each bubble's label goes, in points from its centre: beside it if there is room, else
    above, below or shifted, avoiding labels already placed and the other bubbles. `points` are
    (x, y, radius, text) in points, biggest bubble first; returns (dx, dy, ha, va, shifted)."""
    char, line = LABEL_FONT * 0.58, LABEL_FONT * 1.25
    bubbles = [(x - r * 0.7, y - r * 0.7, x + r * 0.7, y + r * 0.7) for x, y, r, _text in points]
    taken: list[tuple[float, float, float, float]] = []
    placements = []
    left, bottom, right, top = bounds

    def overlap(box, own) -> float:
        """How much of other labels and bubbles the box covers; outside the chart counts as a lot."""
        x0, y0, x1, y1 = box
        if x0 < left or x1 > right or y0 < bottom or y1 > top:
            return float("inf")
        others = taken + [bubble for index, bubble in enumerate(bubbles) if index != own]
        return sum(
            max(0.0, min(x1, b2) - max(x0, a2)) * max(0.0, min(y1, d2) - max(y0, c2)) for a2, c2, b2, d2 in others
        )

    for own, (x, y, r, text) in enumerate(points):
        lines = text.split("\n")
        w, h = max(len(part) for part in lines) * char, len(lines) * line
        gap = r + 2
        candidates = [(gap, 0.0, "left"), (-gap, 0.0, "right")]
        candidates += [(0.0, gap + h / 2, "center"), (0.0, -gap - h / 2, "center")]
        for step in range(1, 7):
            for sign in (1, -1):
                shift = sign * step * h * 0.7
                candidates += [
                    (gap, shift, "left"),
                    (-gap, shift, "right"),
                    (0.0, sign * (gap + h / 2) + shift, "center"),
                ]
        best = None
        for dx, dy, ha in candidates:
            x0 = x + dx if ha == "left" else x + dx - w if ha == "right" else x - w / 2
            box = (x0, y + dy - h / 2, x0 + w, y + dy + h / 2)
            cost = overlap(box, own)
            if best is None or cost < best[0]:
                best = (cost, dx, dy, ha, box)
            if cost == 0:
                break
        _cost, dx, dy, ha, box = best
        taken.append(box)
        placements.append((dx, dy, ha, "center", abs(dy) > h))
    return placements


def bubble_map(
    frame: pd.DataFrame,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    size_label: str,
    quadrants: Mapping[str, str],
    label: str = "label",
    decimal: str = ".",
) -> str:
    """Each task a bubble at (function_mean, value_mean) with its area by minutes; lines at 2.5.

    `quadrants` names the corners: keys `low_function_high_value`, `low_function_low_value`,
    `high_function_high_value`, `high_function_low_value`. The low-function half is shaded: a big
    bubble there is much time on work that does not work well.
    """
    from matplotlib.figure import Figure

    figure = Figure(figsize=MAP_SIZE)
    axes = figure.add_axes(MAP_AXES)
    (x_low, x_high), (y_low, y_high) = MAP_LIMITS
    rated = frame.dropna(subset=["function_mean", "value_mean"])
    rated = rated[rated["minutes"] > 0]
    axes.axvspan(x_low, 2.5, color="#f8d7da", alpha=0.55, zorder=0, linewidth=0)
    axes.axvline(2.5, color="#6c757d", linewidth=0.9, linestyle="--")
    axes.axhline(2.5, color="#6c757d", linewidth=0.9, linestyle="--")
    corners = {
        "low_function_high_value": (0.95, 4.15, "left", "top"),
        "low_function_low_value": (0.95, 0.85, "left", "bottom"),
        "high_function_high_value": (4.05, 4.15, "right", "top"),
        "high_function_low_value": (4.05, 0.85, "right", "bottom"),
    }
    for key, (x, y, ha, va) in corners.items():
        if key in quadrants:
            axes.text(x, y, quadrants[key], ha=ha, va=va, fontsize=8, color="#495057", style="italic")
    if len(rated):
        rated = rated.assign(_minutes=rated["minutes"].astype("float64")).sort_values("_minutes", ascending=False)
        sizes = 1400 * rated["_minutes"].to_numpy() / rated["_minutes"].max()
        axes.scatter(
            rated["function_mean"],
            rated["value_mean"],
            s=sizes,
            color=FRICTION_COLOUR,
            alpha=0.55,
            edgecolors="white",
            linewidths=0.8,
            zorder=3,
        )
        # Positions in points, from the fixed axes: no draw is needed to know where a bubble is.
        width_pt, height_pt = MAP_SIZE[0] * 72, MAP_SIZE[1] * 72
        left, bottom, width, height = MAP_AXES

        def to_points(x: float, y: float) -> tuple[float, float]:
            return (
                (left + (x - x_low) / (x_high - x_low) * width) * width_pt,
                (bottom + (y - y_low) / (y_high - y_low) * height) * height_pt,
            )

        texts = [wrap(text, 24) for text in rated[label]]
        points = [
            (*to_points(x, y), (size / 3.1416) ** 0.5, text)
            for x, y, size, text in zip(rated["function_mean"], rated["value_mean"], sizes, texts, strict=True)
        ]
        bounds = (left * width_pt, bottom * height_pt, width_pt - 4, (bottom + height) * height_pt)
        for (x, y, _r, text), (dx, dy, ha, va, shifted) in zip(
            points, _place_labels(points, bounds=bounds), strict=True
        ):
            axes.annotate(
                text,
                (x, y),
                xycoords="figure points",
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=LABEL_FONT,
                color=TEXT_COLOUR,
                zorder=4,
                annotation_clip=False,
                arrowprops={"arrowstyle": "-", "color": "#adb5bd", "linewidth": 0.6} if shifted else None,
            )
        axes.text(1.0, -0.1, size_label, ha="right", transform=axes.transAxes, fontsize=7.5, color="#495057")
    axes.set_xlim(x_low, x_high)
    axes.set_ylim(y_low, y_high)
    axes.set_xticks([1, 1.5, 2, 2.5, 3, 3.5, 4])
    axes.set_yticks([1, 1.5, 2, 2.5, 3, 3.5, 4])
    axes.xaxis.set_major_formatter(_formatter(1, decimal))
    axes.yaxis.set_major_formatter(_formatter(1, decimal))
    axes.set_xlabel(xlabel, fontsize=9, color=TEXT_COLOUR)
    axes.set_ylabel(ylabel, fontsize=9, color=TEXT_COLOUR)
    _style(axes, grid_axis="both")
    return to_svg(figure, title=title)


def heatmap(
    frame: pd.DataFrame,
    *,
    title: str,
    xlabel: str,
    colour_label: str,
    decimal: str = ".",
    cmap: str = "Blues",
    annotate: bool | None = None,
) -> str:
    """Rows (the index, already labelled) × columns, coloured by value; numbers in the cells when few."""
    rows, columns = frame.shape
    annotate = rows * columns <= 260 if annotate is None else annotate
    figure = _figure(0.36 * max(rows, 3) + 1.3)
    axes = figure.add_subplot()
    values = frame.fillna(0).astype("float64").to_numpy()
    # imshow goes into the SVG as one small bitmap: 300 managers would be thousands of paths otherwise.
    image = axes.imshow(values, aspect="auto", cmap=cmap, interpolation="nearest", vmin=0)
    axes.set_yticks(range(rows), [wrap(str(text), 32) for text in frame.index], fontsize=7.5)
    step = max(1, -(-columns // 30))
    ticks = list(range(0, columns, step))
    axes.set_xticks(ticks, [str(frame.columns[index]) for index in ticks], fontsize=8)
    axes.tick_params(axis="x", labelrotation=0 if columns <= 30 else 90)
    axes.set_xlabel(xlabel, fontsize=9, color=TEXT_COLOUR)
    axes.tick_params(length=0, colors=TEXT_COLOUR)
    for side in axes.spines.values():
        side.set_visible(False)
    top = float(values.max()) if values.size else 0.0
    if annotate and top > 0:
        for row in range(rows):
            for column in range(columns):
                amount = values[row, column]
                if amount:
                    axes.text(
                        column,
                        row,
                        number(amount, 0 if amount >= 10 else 1, decimal),
                        ha="center",
                        va="center",
                        fontsize=6.5,
                        color="white" if amount > top * 0.55 else TEXT_COLOUR,
                    )
    bar = figure.colorbar(image, ax=axes, shrink=0.8, pad=0.01)
    bar.set_label(colour_label, fontsize=8, color=TEXT_COLOUR)
    bar.ax.tick_params(labelsize=7.5, colors=TEXT_COLOUR)
    bar.ax.yaxis.set_major_formatter(_formatter(0, decimal))
    bar.outline.set_visible(False)
    return to_svg(figure, title=title)


def grouped_bars(
    frame: pd.DataFrame,
    *,
    title: str,
    xlabel: str,
    decimal: str = ".",
    decimals: int = 1,
    colours: Sequence[str] = SERIES_COLOURS,
) -> str:
    """Horizontal bars per row (the index, labelled), one bar per column (a series) on one scale.

    Managers, or a round and its follow-up, side by side: the same axis for all keeps them comparable.
    """
    rows, series = frame.shape
    figure = _figure(0.17 * max(rows, 2) * max(series, 2) + 0.3 * rows + 1.0)
    axes = figure.add_subplot()
    values = frame.fillna(0).astype("float64").to_numpy()
    height = 0.8 / max(series, 1)
    top = float(values.max()) if values.size else 0.0
    for index, name in enumerate(frame.columns):
        # Drawn bottom-up: the first series is the upper bar of each group, as in the legend.
        positions = [rows - 1 - row + 0.4 - height * (index + 0.5) for row in range(rows)]
        axes.barh(positions, values[:, index], height=height * 0.92, color=colours[index % len(colours)], label=name)
        if rows * series <= 60:
            for position, amount in zip(positions, values[:, index], strict=True):
                axes.text(
                    amount + (top or 1) * 0.01,
                    position,
                    number(amount, decimals, decimal),
                    va="center",
                    fontsize=6.5,
                    color=TEXT_COLOUR,
                )
    axes.set_yticks(range(rows)[::-1], [wrap(str(text)) for text in frame.index], fontsize=8.5)
    axes.set_xlim(0, top * 1.15 if top > 0 else 1)
    axes.set_ylim(-0.6, rows - 0.4)
    axes.xaxis.set_major_formatter(_formatter(0, decimal))
    axes.set_xlabel(xlabel, fontsize=9, color=TEXT_COLOUR)
    axes.legend(
        loc="lower left", bbox_to_anchor=(0, 1.0), ncols=min(series, 4), frameon=False, fontsize=8.5, borderaxespad=0.2
    )
    _style(axes)
    return to_svg(figure, title=title)


def dots(
    frame: pd.DataFrame,
    *,
    title: str,
    xlabel: str,
    decimal: str = ".",
    limits: tuple[float, float] = (1, 4),
    colours: Sequence[str] = SERIES_COLOURS,
) -> str:
    """One marker per series on each row, on a fixed scale (the 1–4 ratings); missing values are left out."""
    rows, series = frame.shape
    figure = _figure(0.3 * max(rows, 2) + 1.1)
    axes = figure.add_subplot()
    for index, name in enumerate(frame.columns):
        column = frame[name].astype("float64")
        present = column.notna().to_numpy()
        positions = [rows - 1 - row + (index - (series - 1) / 2) * 0.12 for row in range(rows)]
        axes.scatter(
            column.to_numpy()[present],
            [position for position, keep in zip(positions, present, strict=True) if keep],
            s=32,
            marker=MARKERS[index % len(MARKERS)],
            color=colours[index % len(colours)],
            label=name,
            zorder=3,
        )
    axes.set_yticks(range(rows)[::-1], [wrap(str(text)) for text in frame.index], fontsize=8.5)
    axes.set_xlim(limits[0] - 0.15, limits[1] + 0.15)
    axes.set_ylim(-0.6, rows - 0.4)
    axes.set_xticks([limits[0] + step * 0.5 for step in range(int((limits[1] - limits[0]) * 2) + 1)])
    axes.xaxis.set_major_formatter(_formatter(1, decimal))
    axes.set_xlabel(xlabel, fontsize=9, color=TEXT_COLOUR)
    axes.legend(
        loc="lower left", bbox_to_anchor=(0, 1.0), ncols=min(series, 4), frameon=False, fontsize=8.5, borderaxespad=0.2
    )
    _style(axes, grid_axis="both")
    return to_svg(figure, title=title)


# Forest plot colours by verdict: less friction green, more red, unclear grey (Okabe–Ito).
VERDICT_COLOURS = {"less": "#009E73", "more": "#D55E00", "unclear": "#6c757d"}


def forest(
    rows: Sequence[Mapping[str, Any]],
    *,
    title: str,
    xlabel: str,
    zero_label: str,
    decimal: str = ".",
    interval: str = "%(low)s to %(high)s",
    emphasise_last: bool = False,
) -> str:
    """A forest plot: each row a point (its `change`) with its interval (`ci_low`–`ci_high`), first
    row on top, coloured by `verdict`, a line at zero; `emphasise_last` draws the last row (a total)
    as a diamond below a rule. Beside each row its figures, the interval written as `interval` says
    (the tables' words: a dash between two negative numbers reads as a minus)."""
    count = len(rows)
    labels = [wrap(str(row["label"]), FOREST_LABEL_WIDTH, FOREST_LABEL_LINES) for row in rows]
    most_lines = max([label.count("\n") + 1 for label in labels] or [1])
    figure = _figure((0.38 if most_lines < 3 else 0.5) * max(count, 2) + 1.0)
    axes = figure.add_subplot()
    positions = list(range(count))[::-1]
    lows = [float(row["ci_low"]) for row in rows]
    highs = [float(row["ci_high"]) for row in rows]
    # The figures in a column right of the plot, as a forest plot's table would have them.
    beside = axes.get_yaxis_transform()  # x in axes fractions, y in rows
    for position, row, low, high in zip(positions, rows, lows, highs, strict=True):
        colour = VERDICT_COLOURS.get(row["verdict"], TEXT_COLOUR)
        total = emphasise_last and position == 0
        axes.hlines(position, low, high, color=colour, linewidth=2.4 if total else 1.8)
        marker = {"marker": "D", "markersize": 8} if total else {"marker": "o", "markersize": 6.5}
        axes.plot([float(row["change"])], [position], color=colour, **marker)
        axes.text(
            1.02,
            position,
            f"{signed(float(row['change']), 1, decimal)}  "
            f"({interval % {'low': signed(low, 1, decimal), 'high': signed(high, 1, decimal)}})",
            transform=beside,
            fontsize=7.5,
            color=TEXT_COLOUR,
            va="center",
            fontweight="bold" if total else "normal",
        )
    if emphasise_last and count > 1:
        axes.axhline(0.5, color=GRID_COLOUR, linewidth=1)
    axes.axvline(0, color=TEXT_COLOUR, linewidth=1, linestyle="--")
    span = max([abs(value) for value in lows + highs] or [1.0]) or 1.0  # all zero: still a scale
    axes.set_xlim(-span * 1.15, span * 1.15)
    axes.annotate(
        zero_label, xy=(0, count - 0.4), xytext=(3, 0), textcoords="offset points", fontsize=7.5, color=TEXT_COLOUR
    )
    axes.set_yticks(positions, labels, fontsize=8.5)
    axes.set_ylim(-0.6, count - 0.1)
    axes.xaxis.set_major_formatter(_formatter(0, decimal))
    axes.set_xlabel(xlabel, fontsize=9, color=TEXT_COLOUR)
    _style(axes)
    return to_svg(figure, title=title)
