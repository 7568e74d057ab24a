"""Forms of the agreement pages. They parse and check input; the rules themselves are in
the services, whose refusals are put back on these forms' fields."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.core.listing import ListFilterForm
from liaison.core.models import Institution
from liaison.partners.models import Country, PartnerBody

from .choices import (
    ActivityKind,
    AgreementStatus,
    AgreementType,
    DocumentKind,
    Rating,
    RenewalTerms,
    ReviewRecommendation,
    ScopeArea,
    TerminationDecision,
)
from .models import Agreement, Occasion
from .models.agreement import CRITERIA

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgreementFilterForm(ListFilterForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *AgreementStatus.choices]
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        required=False,
        queryset=Country.objects.none(),
        empty_label=_("All"),
    )
    counterpart = forms.ModelChoiceField(
        label=_("Counterpart"),
        required=False,
        queryset=PartnerBody.objects.none(),
        empty_label=_("All"),
    )
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        required=False,
        queryset=Institution.objects.none(),
        empty_label=_("All"),
    )
    scope_area = forms.ChoiceField(
        label=_("Scope area"), required=False, choices=[("", _("All")), *ScopeArea.choices]
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what the agreements the user may see name: a partner liaison's lists offer
        # their own agency and country, and nothing of the others'.
        visible = Agreement.objects.visible_to(user)
        fields = self.fields
        fields["country"].queryset = Country.objects.filter(agreements__in=visible).distinct()
        fields["counterpart"].queryset = PartnerBody.objects.filter(
            agreements__in=visible
        ).distinct()
        fields["institution"].queryset = Institution.objects.filter(
            agreements__in=visible
        ).distinct()


class ApplicationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    agreement_type = forms.ChoiceField(label=_("Agreement type"), choices=AgreementType.choices)
    counterpart = forms.ModelChoiceField(
        label=_("Counterpart"),
        queryset=PartnerBody.objects.filter(is_active=True).select_related("country"),
        help_text=_("The foreign police body or international organisation."),
    )
    institution = forms.ModelChoiceField(
        label=_("Requesting institution"), queryset=Institution.objects.filter(is_active=True)
    )
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 4}))
    scope_areas = forms.MultipleChoiceField(
        label=_("Scope areas"), choices=ScopeArea.choices, widget=forms.CheckboxSelectMultiple
    )
    planned_signing_on = forms.DateField(
        label=_("Planned signing date"),
        widget=DATE,
        help_text=_("Apply at least two calendar months before this date."),
    )
    occasion = forms.ModelChoiceField(
        label=_("Occasion"), queryset=Occasion.objects.all(), required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    exception_reason = forms.CharField(
        label=_("Exception to the two-month rule (reason)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only the International Cooperation Office grants exceptions."),
    )

    def __init__(self, *args, user, institutions=None, allow_exception=False, **kwargs):
        super().__init__(*args, **kwargs)
        if institutions is not None:
            self.fields["institution"].queryset = institutions
        if not allow_exception:
            del self.fields["exception_reason"]


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (DocumentKind.DRAFT, DocumentKind.DRAFT.label),
            (DocumentKind.OTHER, DocumentKind.OTHER.label),
        ],
    )
    file = forms.FileField(label=_("File (PDF, DOCX or ODT)"))
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)


class ReasonForm(forms.Form):
    to_status = forms.ChoiceField(choices=AgreementStatus.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExceptionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the exception"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in CRITERIA:
            self.fields[key] = forms.ChoiceField(label=label, choices=[("", "—"), *Rating.choices])
            self.fields[f"{key}_comment"] = forms.CharField(
                label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 1})
            )
        self.fields["recommendation"] = forms.ChoiceField(
            label=_("Recommendation"), choices=ReviewRecommendation.choices
        )
        self.fields["summary"] = forms.CharField(
            label=_("Comments to the institution"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        )


class FinalTextForm(forms.Form):
    document = forms.ModelChoiceField(label=_("Agreed version"), queryset=None)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = agreement.documents.filter(kind=DocumentKind.DRAFT)


class DecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve for signing")), ("reject", _("Reject"))],
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=200)
    signatory_home = forms.CharField(label=_("Signatory (our side)"), max_length=200)
    signatory_home_title = forms.CharField(
        label=_("Signatory's position (our side)"), max_length=200, required=False
    )
    signatory_partner = forms.CharField(label=_("Signatory (partner side)"), max_length=200)
    signatory_partner_title = forms.CharField(
        label=_("Signatory's position (partner side)"), max_length=200, required=False
    )
    signed_copy = forms.FileField(label=_("Signed copy (PDF, DOCX or ODT)"))
    expires_on = forms.DateField(label=_("Expires on"), widget=DATE, required=False)
    renewal = forms.ChoiceField(label=_("Renewal"), choices=RenewalTerms.choices)


class ResultReportForm(forms.Form):
    summary = forms.CharField(
        label=_("Result of the signing"), widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(label=_("Attachment (optional)"), required=False)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    occurred_on = forms.DateField(label=_("Date"), widget=DATE)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}))
    count = forms.IntegerField(label=_("Count"), min_value=1, max_value=100000, initial=1)


class AnnualReportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    exchange_status = forms.CharField(
        label=_("Exchange status"), widget=forms.Textarea(attrs={"rows": 3})
    )
    achievements = forms.CharField(
        label=_("Cooperation achievements"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1


class TerminationRecommendForm(forms.Form):
    recommendation = forms.CharField(
        label=_("Why terminate"), widget=forms.Textarea(attrs={"rows": 2})
    )


class TerminationDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=TerminationDecision.choices)
    justification = forms.CharField(
        label=_("Justification"), widget=forms.Textarea(attrs={"rows": 2})
    )


class NotificationReadForm(forms.Form):
    reminder = forms.IntegerField(required=False, min_value=1)
