"""Figures as rows of plain Python values, the form every page caches, renders and downloads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from .reports import _number

# A task's description as the pages carry it beside its figures.
TASK_META = ["task", "label", "label_en", "category", "category_en", "area", "order"]


def records(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    """Rows as dicts of plain Python values (NaN → None), ready for templates, JSON and the cache."""
    text = frame[list(columns)].select_dtypes(exclude="number").columns
    return [
        {name: (value if name in text else _number(value)) for name, value in zip(columns, row, strict=True)}
        for row in frame[list(columns)].itertuples(index=False, name=None)
    ]
