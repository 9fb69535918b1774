"""The item form, the progress-update form and the plan's filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.models import Area, Department, Municipality, Survey

from .models import ActionItem
from .services import ItemInput

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ItemForm(forms.Form):
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=32767)
    title = forms.CharField(label=_("Title"), max_length=200)
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
    responsible = forms.CharField(label=_("Responsible"), max_length=200, required=False)
    coordinator = forms.CharField(label=_("Coordinator"), max_length=200, required=False)
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

    def __init__(self, *args, municipality: Municipality, task_labels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = municipality.departments.order_by("name")
        self.fields["survey"].queryset = Survey.objects.filter(municipality=municipality).order_by("start_date")
        self.fields["tasks"].choices = [(code, f"{label} ({code})") for code, label in task_labels.items()]

    def item_input(self) -> ItemInput:
        return ItemInput(**self.cleaned_data)

    @staticmethod
    def initial_from(item: ActionItem) -> dict[str, object]:
        values = vars(ItemInput.from_item(item)).copy()
        return values


class UpdateForm(forms.Form):
    text = forms.CharField(
        label=_("Progress update"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What has happened? Updates are kept as written."),
    )
    status = forms.ChoiceField(label=_("Move to status"), required=False)

    def __init__(self, *args, item: ActionItem, **kwargs):
        super().__init__(*args, **kwargs)
        keep = _("Keep the status (%(status)s)") % {"status": item.get_status_display()}
        self.fields["status"].choices = [("", keep), *[c for c in ActionItem.Status.choices if c[0] != item.status]]


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
