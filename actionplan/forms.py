"""The item form, the progress-update form and the plan's filters."""

from __future__ import annotations

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from mio.fieldlimits import WholeNumberField, max_length
from surveys.models import Area, Department, Municipality, Survey

from .models import ActionItem
from .services import ItemInput

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VersionField(forms.CharField):
    """The version of the item a page was built from, hidden; a save from an older page is refused.

    A page that sends none (or nonsense) is taken to have seen no version at all, so a change it would make is
    refused with what differs, never stored over a newer item unseen."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> int:
        try:
            return max(int(value), 0)
        except (TypeError, ValueError):
            return 0


def _with_version(form: forms.Form, version: int) -> None:
    """After a refused save the page carries the stored version: saving again overwrites it deliberately."""
    form.data = form.data.copy()
    form.data["version"] = str(version)


class ItemForm(forms.Form):
    number = WholeNumberField(label=_("Number"), model=ActionItem, name="number", min_value=1)
    title = forms.CharField(label=_("Title"), max_length=max_length(ActionItem, "title"))
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    owner_level = forms.ChoiceField(label=_("Owner level"), choices=ActionItem.OwnerLevel.choices)
    department = forms.ModelChoiceField(
        label=_("Owning department"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("Only for departmental items."),
    )
    area = forms.ChoiceField(label=_("Support area"), choices=Area.choices)
    kind = forms.ChoiceField(label=_("Kind of measure"), choices=ActionItem.Kind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=ActionItem.Status.choices)
    priority = forms.TypedChoiceField(label=_("Priority"), choices=ActionItem.Priority.choices, coerce=int)
    responsible = forms.CharField(
        label=_("Responsible"), max_length=max_length(ActionItem, "responsible"), required=False
    )
    coordinator = forms.CharField(
        label=_("Coordinator"), max_length=max_length(ActionItem, "coordinator"), required=False
    )
    start_date = forms.DateField(label=_("Start"), required=False, widget=DATE_WIDGET)
    due_date = forms.DateField(label=_("Due"), required=False, widget=DATE_WIDGET)
    done_on = forms.DateField(
        label=_("Done on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Only for a done item; empty means the day it is saved as done."),
    )
    tasks = forms.MultipleChoiceField(
        label=_("Tasks addressed"), required=False, widget=forms.CheckboxSelectMultiple, choices=[]
    )
    survey = forms.ModelChoiceField(
        label=_("Survey round that found it"), queryset=Survey.objects.none(), required=False
    )
    version = VersionField()  # only read when editing an item

    def __init__(self, *args, municipality: Municipality, task_labels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.task_labels = task_labels
        self.fields["department"].queryset = municipality.departments.order_by("name")
        self.fields["survey"].queryset = Survey.objects.filter(municipality=municipality).order_by("start_date")
        self.fields["tasks"].choices = [(code, f"{label} ({code})") for code, label in task_labels.items()]

    def item_input(self) -> ItemInput:
        values = {name: value for name, value in self.cleaned_data.items() if name != "version"}
        return ItemInput(**values)

    @staticmethod
    def initial_from(item: ActionItem) -> dict[str, object]:
        values = vars(ItemInput.from_item(item)).copy()
        values["version"] = item.version
        return values

    def show_version(self, version: int) -> None:
        _with_version(self, version)

    def display(self, name: str, value: object) -> str:
        """A field's value (as stored: tasks as space-separated codes) the way the form and item page name it."""
        if value in (None, "", []):
            return "–"
        if name == "tasks":
            return ", ".join(self.task_labels.get(code, code) for code in str(value).split())
        field = ActionItem._meta.get_field(name)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if hasattr(value, "isoformat"):
            return date_format(value, "j F Y")
        return str(value)


class UpdateForm(forms.Form):
    text = forms.CharField(
        label=_("Progress update"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What has happened? Updates are kept as written."),
    )
    status = forms.ChoiceField(label=_("Move to status"), required=False)
    version = VersionField()

    def __init__(self, *args, item: ActionItem, **kwargs):
        kwargs.setdefault("initial", {"version": item.version})
        super().__init__(*args, **kwargs)
        keep = _("Keep the status (%(status)s)") % {"status": item.get_status_display()}
        self.fields["status"].choices = [("", keep), *[c for c in ActionItem.Status.choices if c[0] != item.status]]

    def show_version(self, version: int) -> None:
        _with_version(self, version)


class FilterForm(forms.Form):
    owner_level = forms.ChoiceField(
        label=_("Owner level"), required=False, choices=[("", _("All")), *ActionItem.OwnerLevel.choices]
    )
    department = forms.ModelChoiceField(
        label=_("Department"), required=False, queryset=Department.objects.none(), empty_label=_("All")
    )
    area = forms.ChoiceField(label=_("Support area"), required=False, choices=[("", _("All")), *Area.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *ActionItem.Status.choices])
    task = forms.ChoiceField(label=_("Task"), required=False, choices=[])
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, *args, municipality: Municipality, task_labels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = municipality.departments.order_by("name")
        self.fields["task"].choices = [("", _("All")), *task_labels.items()]
