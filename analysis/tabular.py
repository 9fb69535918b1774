"""Figures as an aligned text table for the terminal (CSV and xlsx: mio.tablefiles)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 1 else f"{value:.1f}"
    return str(value)


def to_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(name) for name in header], *[[_cell(value) for value in row] for row in rows]]
    widths = [max(len(row[index]) for row in cells) for index in range(len(header))]
    out = io.StringIO()
    for number, row in enumerate(cells):
        out.write(
            "  ".join(
                cell.rjust(width) if number and _numeric(cell) else cell.ljust(width)
                for cell, width in zip(row, widths, strict=True)
            ).rstrip()
            + "\n"
        )
        if number == 0:
            out.write("  ".join("-" * width for width in widths) + "\n")
    return out.getvalue()


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return text == "–"
    return True
