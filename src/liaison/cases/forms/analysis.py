"""Forms of the analysis pages: the dashboard's filter and the response-time targets."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.partners.models import Country

from ..choices import Milestone, Priority

MAX_TARGET_HOURS = 24 * 60  # as services.targets.targets_update accepts


class DashboardFilterForm(forms.Form):
    year = forms.TypedChoiceField(
        label=gettext_lazy("Year"), required=False, coerce=int, empty_value=None
    )
    country = forms.ModelChoiceField(
        label=gettext_lazy("Country"),
        required=False,
        queryset=Country.objects.all(),
        empty_label=gettext_lazy("All countries"),
    )

    def __init__(self, *args, first_year: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        years = range(this_year, min(first_year or this_year, this_year) - 1, -1)
        self.fields["year"].choices = [("", _("Last 24 months"))] + [(y, y) for y in years]


def target_field_name(priority: str, milestone: str) -> str:
    """The field of one cell; the same key targets_update names in its errors."""
    return f"{milestone}_{priority}"


class TargetsForm(forms.Form):
    """One whole number of hours per priority and step, each error naming its cell."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for milestone, step in Milestone.choices:
            for priority, level in Priority.choices:
                cell = f"{step} — {level}"
                wrong = _("%(cell)s: give a whole number of hours from 1 to %(max)s.") % {
                    "cell": cell,
                    "max": MAX_TARGET_HOURS,
                }
                self.fields[target_field_name(priority, milestone)] = forms.IntegerField(
                    label=cell,
                    min_value=1,
                    max_value=MAX_TARGET_HOURS,
                    error_messages={
                        "required": _("%(cell)s: give the hours.") % {"cell": cell},
                        "invalid": wrong,
                        "min_value": wrong,
                        "max_value": wrong,
                    },
                    widget=forms.NumberInput(attrs={"class": "form-control", "step": 1}),
                )

    def hours(self) -> dict[tuple[str, str], int]:
        return {
            (priority, milestone): self.cleaned_data[target_field_name(priority, milestone)]
            for milestone in Milestone.values
            for priority in Priority.values
        }
