"""The audit page's filters (GET): what, which round, who acted, whose account, from and to a date."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext_lazy as _

from . import audit, roles
from .models import AuditEvent, Survey


def person_label(user: AbstractBaseUser | None) -> str:
    """A person as the audit page names them (administrators may see names there); "–" for nobody: the
    system, or an account that has since been erased."""
    if user is None:
        return "–"
    return user.get_full_name() or user.get_username()


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return person_label(obj)


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("What"), required=False)
    survey = forms.ModelChoiceField(
        label=_("Survey round"), queryset=Survey.objects.none(), required=False, empty_label=_("All rounds")
    )
    who = PersonChoiceField(
        label=_("Who"), queryset=get_user_model().objects.none(), required=False, empty_label=_("Everyone")
    )
    account = PersonChoiceField(
        label=_("Account"), queryset=get_user_model().objects.none(), required=False, empty_label=_("All accounts")
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data=None, *, user: AbstractBaseUser | AnonymousUser, **kwargs):
        super().__init__(data, **kwargs)
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select form-select-sm" if is_select else "form-control form-control-sm"
        self.fields["action"].choices = [("", _("Everything")), *AuditEvent.Action.choices]
        self.fields["survey"].queryset = roles.administered_surveys(user).order_by("-start_date", "name")
        # Only people who appear in the trail the user may read: no list of another municipality's people.
        visible = audit.visible_events(user)
        people = get_user_model().objects.order_by("last_name", "first_name", "username")
        self.fields["who"].queryset = people.filter(pk__in=visible.values("user"))
        self.fields["account"].queryset = people.filter(pk__in=visible.values("account"))

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            # Named by the fields' own labels ("Till", "Från"), as the form shows them.
            labels = {"to": self.fields["date_to"].label, "from": self.fields["date_from"].label}
            self.add_error("date_to", _("“%(to)s” cannot be before “%(from)s”.") % labels)
        return data

    def filters(self) -> audit.AuditFilters:
        data = self.cleaned_data
        return audit.AuditFilters(
            action=data["action"],
            survey=data["survey"],
            who=data["who"],
            account=data["account"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
