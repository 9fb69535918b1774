"""The rows of the day grid as HTML, built in Python once per request.

The grid is the product's heart and its heaviest page: 16 task rows × 8 hour boxes, 32 rating groups of 5
buttons and the notes. Rendered through the template engine it cost two-thirds of the page's server time
(each of ~1,000 variables resolved, localised and escaped one lookup at a time); here every piece of text
is escaped once (`escape`) and the markup is the same as the template's was. The rest of the page (headings,
messages, the totals row, the buttons) stays in `templates/surveys/_day_form.html`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape as _escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .diaryrules import NOTE_LIMIT
from .forms import FUNCTION_SCALE, VALUE_SCALE, GridCategory, GridRow


def escape(text: object) -> str:
    """`text` with &, <, >, " and ' escaped: django.utils.html.escape without its wrapper for lazy strings, which
    cost more than the escaping itself at some 400 calls a page."""
    return _escape(str(text))


@dataclass(frozen=True)
class _Words:
    """The grid's fixed words, translated and escaped once per page."""

    total: str
    total_minutes: str
    specify: str
    no_rating: str
    value_title: str
    function_title: str
    value_scale: tuple[tuple[str, str], ...]
    function_scale: tuple[tuple[str, str], ...]

    @classmethod
    def now(cls) -> _Words:
        return cls(
            total=escape(_("Total")),
            total_minutes=escape(_("Total minutes")),
            specify=escape(_("Specify…")),
            no_rating=escape(_("no rating")),
            value_title=escape(_("Value for the operation")),
            function_title=escape(_("How well it worked")),
            value_scale=tuple((str(value), escape(str(meaning))) for value, meaning in VALUE_SCALE),
            function_scale=tuple((str(value), escape(str(meaning))) for value, meaning in FUNCTION_SCALE),
        )


def _shown(value: object) -> str:
    """A box's value as the page shows it: what was typed, or the stored number; nothing for None."""
    return "" if value is None else escape(value)


def _rating(field, *, title: str, scale: Sequence[tuple[str, str]], words: _Words, row: GridRow, editable: bool) -> str:
    """One rating as a row of buttons (radios). diary.js adds the keys: 1–4 pick, "-", 0 or Backspace clear,
    arrows stop at the ends. Paper shows the chosen number, not buttons whose colour a printer may leave out."""
    value = field.value()
    current = "" if value is None else str(value)
    auto_id = field.auto_id
    name = field.html_name
    errors = row.has_errors and field.errors  # a row without errors has none in its fields
    invalid = f' aria-invalid="true" aria-describedby="{row.errors_id}"' if errors else ""
    disabled = "" if editable else " disabled"
    buttons = []
    for index, (choice, meaning) in enumerate((("", "–"), *scale)):
        checked = " checked" if current == choice else ""
        if choice == "":
            style = "secondary"
            text = f'<span aria-hidden="true">–</span><span class="visually-hidden">{words.no_rating}</span>'
        else:
            style = "primary"
            text = f'{choice}<span class="visually-hidden"> {meaning}</span>'
        buttons.append(
            f'<input type="radio" class="btn-check" name="{name}" id="{auto_id}_{index}" value="{choice}" '
            f'autocomplete="off"{checked}{invalid}{disabled}>'
            f'<label class="btn btn-outline-{style}" for="{auto_id}_{index}" title="{meaning}">{text}</label>'
        )
    return (
        f'<fieldset class="diary-rating{" has-error" if errors else ""}" id="{auto_id}" data-rating>'
        f'<legend class="caption lg-visually-hidden">{title}<span class="visually-hidden">: {escape(row.label)}</span>'
        f'</legend><div class="btn-group" role="group">{"".join(buttons)}</div>'
        f'<span class="rating-print" aria-hidden="true">{escape(current) or "–"}</span></fieldset>'
    )


def _row(row: GridRow, *, words: _Words, editable: bool) -> str:
    code = escape(row.task.code)
    label = escape(row.label)
    disabled = "" if editable else " disabled"
    parts = [
        f'<div class="diary-row{" has-error" if row.has_errors else ""}" id="row-{code}" data-row'
        f'{"" if row.filled else " data-empty"}><div class="diary-task">'
        f'<span class="diary-label fw-medium" id="task-{code}">{label}</span>'
        f'<button type="button" class="btn diary-expand" id="expand-{code}" data-expand aria-expanded="true" '
        f'aria-controls="fields-{code}" aria-labelledby="task-{code}" hidden>'
        f'<span class="diary-expand-icon" aria-hidden="true"></span></button>'
    ]
    if row.note is not None:
        note = row.note
        note_errors = row.has_errors and note.errors
        invalid = f' aria-invalid="true" aria-describedby="{row.errors_id}"' if note_errors else ""
        parts.append(
            f'<div class="diary-note"><label class="visually-hidden" for="{note.auto_id}">{escape(note.label)}</label>'
            f'<input type="text" class="form-control mt-1{" is-invalid" if note_errors else ""}" '
            f'name="{note.html_name}" id="{note.auto_id}" value="{_shown(note.value())}" '
            f'maxlength="{NOTE_LIMIT}" placeholder="{words.specify}"{invalid}{disabled}></div>'
        )
    parts.append(f'</div><div class="diary-fields" id="fields-{code}">')
    for cell in row.cells:
        field = cell.field
        marked = f' is-invalid" aria-invalid="true" aria-describedby="{row.errors_id}"' if cell.marked else '"'
        parts.append(
            f'<div class="diary-hour"><label for="{field.auto_id}"><span class="hour-caption" aria-hidden="true">'
            f'{cell.time}</span><span class="visually-hidden">{escape(field.label)}</span></label>'
            f'<input type="text" inputmode="numeric" pattern="[0-9]*" autocomplete="off" name="{field.html_name}" '
            f'id="{field.auto_id}" value="{_shown(field.value())}" data-hour="{cell.hour}" data-time="{cell.time}" '
            f'class="form-control text-end{marked}{disabled}></div>'
        )
    parts.append(
        f'<div class="diary-total"><span class="caption">{words.total}:</span> '
        f'<output data-row-total aria-live="off" aria-label="{words.total_minutes}: {label}">{row.total}</output> '
        f'<span class="caption">min</span></div>'
    )
    parts.append(
        _rating(row.value, title=words.value_title, scale=words.value_scale, words=words, row=row, editable=editable)
    )
    parts.append(
        _rating(
            row.function,
            title=words.function_title,
            scale=words.function_scale,
            words=words,
            row=row,
            editable=editable,
        )
    )
    if row.has_errors:
        errors = "".join(f"<div>{escape(error)}</div>" for error in row.errors)
        parts.append(f'<div class="diary-errors" id="{row.errors_id}" data-row-errors>{errors}</div>')
    parts.append("</div></div>")
    return "".join(parts)


def grid_html(grid: Sequence[GridCategory], *, editable: bool) -> SafeString:
    """Every category heading and task row of the grid, in the form's order."""
    words = _Words.now()
    parts = []
    for category in grid:
        parts.append(f'<h2 class="diary-category">{escape(category.name)}</h2>')
        parts.extend(_row(row, words=words, editable=editable) for row in category.rows)
    return mark_safe("\n".join(parts))  # noqa: S308 - every piece of text above is escaped


def head_html(hour_sums: Sequence[dict]) -> SafeString:
    """The grid's column headings (hidden from screen readers: each box has its own label)."""
    # Translated outside the f-strings, where makemessages finds them.
    question, total = escape(_("What do you do during your working day?")), escape(_("Total"))
    value, very_low, very_high = escape(_("Value")), escape(_("very low")), escape(_("very high"))
    worked, very_poorly, very_well = escape(_("Worked")), escape(_("very poorly")), escape(_("very well"))
    hours = "".join(f'<div class="text-center">{escape(column["time"])}</div>' for column in hour_sums)
    return mark_safe(  # noqa: S308 - every piece of text is escaped
        f'<div class="diary-head" aria-hidden="true">\n'
        f"  <div>{question}</div>\n"
        f"  {hours}\n"
        f'  <div class="text-end">{total}</div>\n'
        f'  <div class="text-center">{value}<br><small>1 {very_low} – 4 {very_high}</small></div>\n'
        f'  <div class="text-center">{worked}<br><small>1 {very_poorly} – 4 {very_well}</small></div>\n'
        f"</div>"
    )


def sums_html(hour_sums: Sequence[dict], *, day_total: int) -> SafeString:
    """The row of totals under the grid: per hour (over 60 marked) and of the day; diary.js keeps them live.

    Every total is an `<output>`, which is a polite live region unless told otherwise: one digit typed changed
    four of them, each read out. They are read on demand; the one live region is the sticky bar's warning."""
    total_of = _("Total of %(time)s")
    per_hour, day, day_minutes = escape(_("Total per hour")), escape(_("Day")), escape(_("Total minutes of the day"))
    columns = "".join(
        f'<div class="diary-sum{" over" if column["total"] > 60 else ""}"><span class="hour-caption">'
        f"{escape(column['time'])}</span>\n"
        f'  <output data-hour-total="{column["hour"]}" aria-live="off" '
        f'aria-label="{escape(total_of % {"time": column["time"]})}">{column["total"]}</output></div>\n'
        for column in hour_sums
    )
    return mark_safe(  # noqa: S308 - every piece of text is escaped
        f'<div class="diary-row diary-sums">\n'
        f'  <div class="diary-task fw-semibold">{per_hour}</div>\n'
        f"  {columns}"
        f'  <div class="diary-total fw-semibold"><span class="caption">{day}:</span> <output data-day-sum '
        f'aria-live="off" aria-label="{day_minutes}">{day_total}</output> <span class="caption">min</span></div>\n'
        f"</div>"
    )
