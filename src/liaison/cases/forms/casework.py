"""Forms of the case list and the case page. They parse and check input; the rules are in
the services, whose refusals are put back on these forms' fields."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.agreements.choices import IN_FORCE_STATUSES
from liaison.agreements.models import Agreement
from liaison.core.choices import Role
from liaison.core.forms import ShortModelChoiceField
from liaison.core.listing import ListFilterForm
from liaison.core.models import User
from liaison.partners.forms import CountryField
from liaison.partners.models import Contact, PartnerBody
from liaison.personnel.models import Post

from ..choices import (
    WRITTEN_ENTRY_KINDS,
    CaseStatus,
    Category,
    EntryKind,
    Exploitation,
    IdentifierKind,
    MeansOfControl,
    NoticeColour,
    NoticeStatus,
    Outcome,
    Platform,
    Priority,
    RecruitmentMethod,
    RequestKind,
    SuspectRole,
    VictimStatus,
)
from ..models import Case, Suspect, Victim
from ..services.casework import CASE_FIELDS
from ..services.people import SUSPECT_FIELDS, VICTIM_FIELDS
from ..workflow import LIVING_STATUSES, VICTIMS
from .passport import PassportSearch, PassportSearchFilter

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
VERSION = {"widget": forms.HiddenInput, "required": False}


def _checkboxes(label, choices) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


def _not_in_future(value):
    if value and value > timezone.now() + datetime.timedelta(minutes=5):
        raise forms.ValidationError(_("The time cannot be in the future."))
    return value


# The list ---------------------------------------------------------------------------------


class CaseFilterForm(PassportSearchFilter, ListFilterForm):
    """The working list's filters. A passport or ID number never travels in the list's
    address: it is searched by POST (PassportSearchForm), which leaves a token here,
    `passport_search`, naming the search kept in the session as the number's keyed hashes.
    Only those who may search by passport are given that field, and only those who see
    personal data may search by name, phone or identifier (`q`): an analyst works with
    facts and figures."""

    place = forms.CharField(label=_("Province / city"), required=False, max_length=100)
    country = CountryField(label=_("Country"), required=False, empty_label=_("All"))
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All")), *Category.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open cases")), ("all", _("All, closed too")), *CaseStatus.choices],
    )
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=[("", _("All")), *Priority.choices]
    )
    post = ShortModelChoiceField(
        label=_("Post"), required=False, queryset=Post.objects.named(), empty_label=_("All")
    )
    reported_from = forms.DateField(label=_("Reported from"), required=False, widget=DATE)
    reported_to = forms.DateField(label=_("Reported until"), required=False, widget=DATE)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(
        self,
        *args,
        may_search_passports: bool = False,
        may_search_people: bool = True,
        passport_searches: Mapping[str, PassportSearch] | None = None,
        **kwargs,
    ):
        super().__init__(
            *args,
            may_search_passports=may_search_passports,
            passport_searches=passport_searches,
            **kwargs,
        )
        self.fields["q"].label = _("Name, phone or reference")
        self.may_search_people = may_search_people
        if not may_search_people:
            self.fields["q"].widget = forms.HiddenInput()

    def clean_q(self) -> str:
        text = self.cleaned_data.get("q") or ""
        if text.strip() and not self.may_search_people:
            raise ValidationError(NO_SEARCH_BY_PERSON)
        return text

    def clean(self):
        data = super().clean()
        start, end = data.get("reported_from"), data.get("reported_to")
        if start and end and end < start:
            self.add_error("reported_to", _("The end date comes before the start date."))
        return data


# Told to a role that sees no personal data (an analyst) asking to search by a person.
NO_SEARCH_BY_PERSON = _(
    "Your role works with facts and figures only: cases are not searched by name, phone, "
    "passport or other identifier. Filter by place, country, category, status or date."
)


class SavedFilterForm(forms.Form):
    name = forms.CharField(label=_("Name of the filter"), max_length=100)
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


# The case ---------------------------------------------------------------------------------


class CaseForm(forms.ModelForm):
    """The case's details; `version` is what the editor read, so a stale save is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Case
        fields = [*CASE_FIELDS, "counterparts"]
        widgets = {
            "happened_at": DATETIME,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "counterparts": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, case: Case, user, **kwargs):
        kwargs.setdefault("initial", {})["version"] = case.version
        super().__init__(*args, instance=case, **kwargs)
        self.fields["agreement"].queryset = Agreement.objects.filter(
            status__in=IN_FORCE_STATUSES
        ).select_related("counterpart")
        self.fields["partner_body"].queryset = PartnerBody.objects.filter(is_active=True)
        self.fields["counterparts"].queryset = Contact.objects.visible_to(user).filter(
            partner_body_id=case.partner_body_id
        )
        self.fields["counterparts"].help_text = _("Officers of the partner agency on the case.")
        self.fields["happened_at"].help_text = _("In your time zone.")

    def _post_clean(self):
        # The service validates the case under its lock; the page's case stays as stored.
        pass


class TriageForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(**VERSION)


class MoveForm(forms.Form):
    to_status = forms.ChoiceField(choices=CaseStatus.choices, widget=forms.HiddenInput)
    reason = forms.CharField(required=False, max_length=4000)
    outcome = forms.ChoiceField(required=False, choices=[("", "—"), *Outcome.choices])
    version = forms.IntegerField(**VERSION)


def working_officers():
    return User.objects.filter(
        is_active=True, role__in=(Role.OVERSEAS_OFFICER, Role.ICO_OFFICER)
    ).order_by("full_name", "username")


class AssignForm(forms.Form):
    post = ShortModelChoiceField(
        label=_("Post"), queryset=Post.objects.named().filter(is_active=True), required=False
    )
    officers = forms.ModelMultipleChoiceField(
        label=_("Officers"),
        queryset=working_officers(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(**VERSION)


class _PersonForm(forms.ModelForm):
    """What a victim and a suspect form share: the passport, written but never shown."""

    passport_number = forms.CharField(
        label=_("Passport number"),
        required=False,
        max_length=30,
        help_text=_("Leave empty to keep the recorded number."),
    )
    version = forms.IntegerField(**VERSION)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)

    def _post_clean(self):
        pass  # the service checks the person as a whole

    def person_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("version",)}
        if not data.get("passport_number"):
            data.pop("passport_number", None)
        return data


class VictimForm(_PersonForm):
    status = forms.ChoiceField(
        label=_("Status"), choices=VictimStatus.choices, initial=VictimStatus.MISSING
    )
    recruitment_methods = _checkboxes(_("How recruited"), RecruitmentMethod.choices)
    recruitment_platforms = _checkboxes(_("Recruitment platforms"), Platform.choices)
    means_of_control = _checkboxes(_("Means of control"), MeansOfControl.choices)
    exploitation_types = _checkboxes(_("Type of exploitation"), Exploitation.choices)

    class Meta:
        model = Victim
        fields = list(VICTIM_FIELDS)
        widgets = {
            "date_of_birth": DATE,
            "died_on": DATE,
            "autopsy_on": DATE,
            "remains_repatriated_on": DATE,
            "recruitment_details": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["status"]  # changed with a note, through the status form


class VictimStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=VictimStatus.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=4000)
    at = forms.DateTimeField(
        label=_("Since"),
        required=False,
        widget=DATETIME,
        help_text=_("Empty for now."),
        validators=[_not_in_future],
    )
    version = forms.IntegerField(**VERSION)

    def __init__(self, *args, victim: Victim, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the moves the victim's table allows from where the victim is now.
        allowed = {target for target, _rule in VICTIMS.moves_from(victim)}
        self.fields["status"].choices = [c for c in VictimStatus.choices if c[0] in allowed]


class DeathCorrectionForm(forms.Form):
    """A death recorded by mistake, undone (services.people.victim_correct_death)."""

    status = forms.ChoiceField(
        label=_("Status in fact"),
        choices=[c for c in VictimStatus.choices if c[0] in LIVING_STATUSES],
    )
    # Checked by the service, whose refusal says what the reason is for.
    reason = forms.CharField(
        label=_("Why the death was recorded by mistake"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(**VERSION)


class SuspectForm(_PersonForm):
    roles = _checkboxes(_("Role"), SuspectRole.choices)

    class Meta:
        model = Suspect
        fields = list(SUSPECT_FIELDS)
        widgets = {
            "date_of_birth": DATE,
            "arrested_on": DATE,
            "return_requested_on": DATE,
            "surrendered_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }


class IdentifierForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=IdentifierKind.choices)
    value = forms.CharField(label=_("Value"), max_length=200)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class NoticeForm(forms.Form):
    person = forms.ChoiceField(label=_("For"))
    colour = forms.ChoiceField(label=_("Notice"), choices=NoticeColour.choices)
    status = forms.ChoiceField(label=_("Status"), choices=NoticeStatus.choices)
    requested_on = forms.DateField(label=_("Requested on"), widget=DATE)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DATE)
    reference = forms.CharField(label=_("INTERPOL reference"), required=False, max_length=60)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(f"suspect:{s.pk}", s.display_name) for s in case.suspects.all()]
        choices += [(f"victim:{v.pk}", v.display_name) for v in case.victims.all()]
        self.fields["person"].choices = choices
        self.case = case

    def clean_person(self):
        kind, _sep, pk = self.cleaned_data["person"].partition(":")
        related = self.case.suspects if kind == "suspect" else self.case.victims
        return {kind: related.get(pk=int(pk))}


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k, EntryKind(k).label) for k in WRITTEN_ENTRY_KINDS],
    )
    body = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    counterpart = forms.CharField(label=_("With"), required=False, max_length=200)
    at = forms.DateTimeField(
        label=_("When"), required=False, widget=DATETIME, help_text=_("Empty for now.")
    )
    file = forms.FileField(label=_("File"), required=False)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_at = forms.DateTimeField(label=_("Due"), widget=DATETIME)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        # Those who can work the case: the office, the case's officers and its post's.
        may_work = Q(role__in=(Role.ICO_OFFICER, Role.ADMINISTRATOR)) | Q(assigned_cases=case)
        if case.post_id:
            may_work |= Q(pk__in=case.post.current_officers().values("pk"))
        self.fields["owner"].queryset = (
            User.objects.filter(may_work, is_active=True).distinct().order_by("username")
        )


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Request"), choices=RequestKind.choices)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    partner_body = forms.ModelChoiceField(
        label=_("To"),
        queryset=PartnerBody.objects.filter(is_active=True),
        required=False,
        help_text=_("Empty for the case's partner agency."),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 2}))
    answered_at = forms.DateTimeField(
        label=_("Answered"), required=False, widget=DATETIME, validators=[_not_in_future]
    )


class EmptyForm(forms.Form):
    """For actions that need nothing but the button (complete a task)."""
