"""The paper form: a blank diary page per round, to print (A4 landscape, one page) and hand out to
managers who fill in on paper. Whoever follows the round (project group, administrators) may print it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from . import access
from .forms import FUNCTION_SCALE, VALUE_SCALE
from .models import Task


@dataclass
class PaperCategory:
    """A heading of the form and the labels of its task rows."""

    name: str
    tasks: list[tuple[str, bool]] = field(default_factory=list)  # (label, asks to specify)


def _paper_categories(tasks: list[Task], language: str | None) -> list[PaperCategory]:
    categories: dict[int, PaperCategory] = {}
    for task in tasks:
        category = categories.setdefault(task.category_id, PaperCategory(task.category.display_name(language)))
        category.tasks.append((task.display_label(language), task.asks_to_specify))
    return list(categories.values())


@login_required
@require_GET
def paper_form(request: HttpRequest, slug: str) -> HttpResponse:
    survey = access.survey_for(request, slug, administer=False)
    tasks = list(survey.tasks.select_related("category").order_by("order", "id"))
    ctx = {
        "survey": survey,
        "categories": _paper_categories(tasks, get_language()),
        "hours": [(number, survey.hour_label(number)) for number in survey.hour_numbers],  # (1, "08–09"), …
        "value_scale": VALUE_SCALE,
        "function_scale": FUNCTION_SCALE,
        "nav": "rounds",
    }
    return render(request, "surveys/paper_form.html", ctx)
