"""What a task is called on screen, in the reader's language: one name per task, told apart by its
category where several tasks share a label ("Annat (specificera)"). The analysis pages and the
action plan both name tasks with it, so that a task reads the same on the dashboard and in the plan."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any


def category_name(row: Mapping[str, Any], language: str) -> str:
    return row["category_en"] if language == "en" and row.get("category_en") else row["category"]


def task_labels(tasks: Iterable[Mapping[str, Any]], language: str) -> dict[str, str]:
    """Task code → its label in `language`; a label used by several tasks ("Annat (specificera)")
    gets the start of its category, so that rows of a chart or table can be told apart.

    Each task is a mapping with `task` (the code), `label`, `label_en`, `category` and `category_en`."""
    tasks = list(tasks)
    chosen = {
        task["task"]: task["label_en"] if language == "en" and task.get("label_en") else task["label"] for task in tasks
    }
    repeated = {label for label, count in Counter(chosen.values()).items() if count > 1}
    for task in tasks:
        if chosen[task["task"]] in repeated:
            words = category_name(task, language).split()
            chosen[task["task"]] = f"{chosen[task['task']]}, {' '.join(words[:2]).lower()}"
    return chosen


def diary_labels(tasks: Iterable[Any], language: str | None) -> dict[str, str]:
    """`task_labels` for `Task` objects: how the diary names its rows in labels, messages and lists, so that the
    three "Annat (specificera)" rows read "Annat (specificera), direkt arbete" and so on, as in the analysis.
    A task's category is read only when its label is shared."""
    tasks = list(tasks)
    shared = Counter(task.display_label(language) for task in tasks)
    rows = []
    for task in tasks:
        row = {"task": task.code, "label": task.label, "label_en": task.label_en, "category": "", "category_en": ""}
        if shared[task.display_label(language)] > 1:
            row.update(category=task.category.name, category_en=task.category.name_en)
        rows.append(row)
    return task_labels(rows, language or "")
