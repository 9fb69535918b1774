"""What a model field can hold, read from the field itself, to check a value before the database sees it.

Imports and forms check every length, range and character limit themselves, so that a bad value is
a message naming the row, the column or the field and what is allowed, never a database error. The
limits come from the model (`max_length`, the integer type, its validators), not from copies of them.
The integer ranges are the column types' own (a PositiveSmallIntegerField holds 0 to 32767), the same
on every database, also on SQLite, which would store a larger number that PostgreSQL refuses.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

NUL = "\x00"


def max_length(model: type[models.Model], name: str) -> int | None:
    """The most characters the field holds (None: no limit, a TextField)."""
    return model._meta.get_field(name).max_length


def integer_range(model: type[models.Model], name: str) -> tuple[int, int]:
    """The smallest and largest whole number the field holds: its column type's range, narrowed by its
    own validators."""
    field = model._meta.get_field(name)
    low, high = BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()]
    for validator in field.validators:
        if isinstance(validator, MinValueValidator):
            low = max(low, validator.limit_value)
        elif isinstance(validator, MaxValueValidator):
            high = min(high, validator.limit_value)
    return low, high


def text_problem(value: str, *, limit: int | None) -> str | None:
    """Why `value` cannot be stored as text of at most `limit` characters, or None.

    PostgreSQL refuses a NUL character in any text, whatever its length."""
    if NUL in value:
        return _("contains a NUL character (\\0), which text cannot hold; remove it")
    if limit is not None and len(value) > limit:
        return _("is %(length)d characters long; at most %(limit)d are allowed") % {
            "length": len(value),
            "limit": limit,
        }
    return None


def field_text_problem(value: str, *, model: type[models.Model], name: str) -> str | None:
    """`text_problem` for the field `name` of `model`."""
    return text_problem(value, limit=max_length(model, name))


# ASCII digits only: int() would also take "1_000" and digits of other scripts ("١٢"), and Django's
# IntegerField passes its input to int().
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


class WholeNumberField(forms.IntegerField):
    """A form's whole number, written in decimal digits; bounds default to the model field's range."""

    default_error_messages = {"invalid": gettext_lazy("Enter a whole number in digits, e.g. 12.")}

    def __init__(self, *, model: type[models.Model] | None = None, name: str = "", **kwargs):
        if model is not None:
            low, high = integer_range(model, name)
            kwargs["min_value"] = max(low, kwargs.get("min_value", low))
            kwargs["max_value"] = min(high, kwargs.get("max_value", high))
        super().__init__(**kwargs)

    def to_python(self, value) -> int | None:
        text = str(value).strip() if value is not None else ""
        if text in self.empty_values:
            return None
        if not WHOLE_NUMBER.fullmatch(text) or len(text) > 30:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)
