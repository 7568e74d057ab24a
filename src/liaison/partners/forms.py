"""Forms of the partner directory: list filters, edit forms, and the import's row and file."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.core.listing import ListFilterForm

from .choices import PartnerKind
from .models import Contact, Country, PartnerBody
from .selectors import country_by_code, country_names

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _CountryNames(forms.models.ModelChoiceIterator):
    """The choices as codes and names, kept between requests (selectors.country_names)
    rather than read and built into 249 Country objects on every page that offers them."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from country_names()


class CountryField(forms.ModelChoiceField):
    """A choice of any country, named in the reader's language."""

    iterator = _CountryNames

    def __init__(self, **kwargs):
        super().__init__(queryset=Country.objects.all(), **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        country = country_by_code(str(value))
        if country is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return country


def _countries_of(bodies):
    return Country.objects.filter(partner_bodies__in=bodies).distinct()


class PartnerBodyFilterForm(ListFilterForm):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *PartnerKind.choices]
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        required=False,
        to_field_name="code",
        queryset=Country.objects.none(),
        empty_label=_("All countries"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Active")), ("inactive", _("Inactive")), ("all", _("All"))],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only countries where the user can see a partner: a liaison learns no more.
        self.fields["country"].queryset = _countries_of(PartnerBody.objects.visible_to(user))


class ContactFilterForm(ListFilterForm):
    partner_body = forms.ModelChoiceField(
        label=_("Partner body"),
        required=False,
        queryset=PartnerBody.objects.none(),
        empty_label=_("All"),
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        required=False,
        to_field_name="code",
        queryset=Country.objects.none(),
        empty_label=_("All countries"),
    )
    status = forms.ChoiceField(
        label=_("In post"),
        required=False,
        choices=[("", _("Current")), ("former", _("Former")), ("all", _("All"))],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = PartnerBody.objects.visible_to(user)
        self.fields["partner_body"].queryset = bodies.filter(contacts__isnull=False).distinct()
        self.fields["country"].queryset = _countries_of(bodies)


class CountryFilterForm(ListFilterForm):
    partners = forms.ChoiceField(
        label=_("Partners"),
        required=False,
        choices=[("", _("All countries")), ("yes", _("With partner bodies"))],
    )


class PartnerBodyForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = PartnerBody
        fields = [
            "kind",
            "name_en",
            "name_ko",
            "name_local",
            "abbreviation",
            "country",
            "parent",
            "website",
            "email",
            "phone",
            "address",
            "notes",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"phone": _("With the country code, e.g. +855 23 123 456.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = PartnerBody.objects.select_related("country").filter(is_active=True)
        if self.instance.pk:
            parents = parents.exclude(pk__in=_self_and_units(self.instance))
        self.fields["parent"].queryset = parents


def _self_and_units(body: PartnerBody) -> set[int]:
    """A body and every unit below it: none of them can be its parent."""
    ids, frontier = {body.pk}, [body.pk]
    while frontier:
        frontier = list(
            PartnerBody.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        ids.update(frontier)
    return ids


class PartnerBodyDeactivateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. merged into …")}),
    )


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = [
            "partner_body",
            "full_name",
            "full_name_local",
            "rank",
            "post",
            "unit",
            "email",
            "phone",
            "languages",
            "in_post_since",
            "left_post_on",
            "notes",
        ]
        widgets = {
            "in_post_since": _DATE,
            "left_post_on": _DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"phone": _("With the country code, or as dialled in the body's country.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_body"].queryset = PartnerBody.objects.visible_to(user).select_related(
            "country"
        )


class PartnerBodyImportRowForm(forms.Form):
    """One row of the partner-body import; the field names are the file's column names."""

    kind = forms.CharField(max_length=40)
    name_en = forms.CharField(max_length=200)
    name_ko = forms.CharField(max_length=200, required=False)
    name_local = forms.CharField(max_length=200, required=False)
    abbreviation = forms.CharField(max_length=30, required=False)
    country = forms.CharField(max_length=10, required=False)
    website = forms.URLField(required=False, assume_scheme="https")

    def __init__(self, *args, countries: dict[str, Country], **kwargs):
        super().__init__(*args, **kwargs)
        self.countries = countries  # by code, read once for the whole file

    def clean_kind(self) -> str:
        value = self.cleaned_data["kind"].strip().lower()
        if value not in PartnerKind.values:
            raise forms.ValidationError(
                _("Unknown kind “%(value)s”; use one of: %(kinds)s.")
                % {"value": value, "kinds": ", ".join(PartnerKind.values)}
            )
        return value

    def clean_country(self) -> Country | None:
        code = self.cleaned_data["country"].strip().upper()
        if not code:
            return None
        country = self.countries.get(code)
        if country is None:
            raise forms.ValidationError(
                _("No country has the ISO code “%(code)s”; use two letters such as KH.")
                % {"code": code}
            )
        return country
