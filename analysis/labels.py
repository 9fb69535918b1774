"""What the analysis pages call things: pseudonyms and task labels in the reader's language."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from surveys.models import Area

# Task names live with the tasks, so that the action plan names them as these pages do.
from surveys.tasknames import category_name as category_name
from surveys.tasknames import task_labels as task_labels


def pseudonym(number: int) -> str:
    """ "Chef nr 7": the only name a manager has on an analysis page (the msgid of Participant.pseudonym)."""
    return _("Manager no. %(number)s") % {"number": number}


def signed_number(value: float, decimals: int) -> str:
    """A change with its sign, grouped by thousands, in the reader's number format: "+1,5", "−2,0" (a
    real minus). Halves are rounded up, as the templates' floatformat does; a change that rounds to
    zero has no sign."""
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = formats.number_format(abs(rounded), decimals, force_grouping=True)
    if rounded == 0:
        return text
    return f"+{text}" if rounded > 0 else f"\u2212{text}"


def area_label(area: str) -> str:
    try:
        return str(Area(area).label)
    except ValueError:
        return area
