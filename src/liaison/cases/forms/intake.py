"""Intake forms: the full report, the one-screen quick intake taken on a night call, the
report list's filters and the three things done with a new report (attach, open, dismiss).
Times are typed as the clock showed them at the place; the form makes them UTC."""

from __future__ import annotations

import datetime
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from liaison.core.forms import ShortModelChoiceField, time_zone_choices
from liaison.core.listing import Column, ListFilterForm
from liaison.partners.models import Country
from liaison.personnel.models import Post

from ..choices import Category, Channel, Priority, ReportStatus
from ..models import Report
from ..services import intake
from ..zones import default_zone
from .passport import PassportSearchFilter

# The categories a duty officer can toggle on the quick screen; the rest on completion.
QUICK_CATEGORIES = (
    Category.CONFINEMENT,
    Category.KIDNAPPING,
    Category.EMPLOYMENT_SCAM,
    Category.ASSAULT,
    Category.MISSING,
)


def _label(name: str):
    return Report._meta.get_field(name).verbose_name


def _required(name: str) -> dict:
    """The message for an empty required report field, the same as the service's."""
    return {"required": intake.REQUIRED_MESSAGES[name]}


def _has_hangul(text: str) -> bool:
    return any(0xAC00 <= ord(ch) < 0xAC00 + 11172 for ch in text)


class CountrySelect(forms.Select):
    """Each country carries its default time zone, so the page can show which zone the
    times are typed in as soon as the country changes."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value:
            option["attrs"]["data-zone"] = default_zone(str(value))
        return option


class PlaceTimeField(forms.DateTimeField):
    """A wall-clock time at the place, returned naive; the form makes it aware in the
    place's zone (Django would otherwise read it in the reader's own zone)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value
        try:
            parsed = parse_datetime(str(value).strip())
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


def place_wall_clock(moment: datetime.datetime | None, zone: str):
    """`moment` as the clock showed it at the place, for a form's initial value."""
    if moment is None:
        return None
    return timezone.localtime(moment, zoneinfo.ZoneInfo(zone)).replace(tzinfo=None, second=0)


class _IntakeForm(forms.Form):
    """What both intake forms share: the country (defaulting to the officer's post)."""

    country = forms.ModelChoiceField(
        label=_label("country"),
        queryset=Country.objects.all(),
        widget=CountrySelect,
        error_messages=_required("country"),
    )
    # The submissions (ids, comma-separated) that could not be processed and that this form
    # takes up again: they are marked recovered once it is saved.
    recovering = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        # The officer's own post gives the default country, zone and post.
        self.home_post = (
            Post.objects.of_officer(user).filter(is_active=True).select_related("country").first()
        )


class ReportForm(_IntakeForm):
    """The full report, as received. Also completes a quick intake (`report` given)."""

    channel = forms.ChoiceField(
        label=_label("channel"),
        choices=[("", "—"), *Channel.choices],
        error_messages=_required("channel"),
    )
    place_time_zone = forms.ChoiceField(
        label=_("Local time zone of the place"),
        choices=lambda: [("", _("The country's own zone")), *time_zone_choices()],
        required=False,
        help_text=_("The times are typed as the clock showed them there."),
    )
    # Empty means now: the intake service stamps the time it is saved.
    received_at = PlaceTimeField(
        label=_("Time received (local time at the place)"),
        required=False,
        help_text=_("Empty: now."),
    )
    happened_at = PlaceTimeField(
        label=_("When it happened (local time at the place)"), required=False
    )
    reporter_name = forms.CharField(label=_label("reporter_name"), max_length=200, required=False)
    reporter_relation = forms.CharField(
        label=_label("reporter_relation"), max_length=100, required=False
    )
    reporter_contact = forms.CharField(
        label=_label("reporter_contact"), max_length=200, required=False
    )
    province = forms.CharField(label=_label("province"), max_length=100, required=False)
    city = forms.CharField(label=_label("city"), max_length=100, required=False)
    place = forms.CharField(
        label=_label("place"),
        max_length=300,
        required=False,
        help_text=Report._meta.get_field("place").help_text,
    )
    latitude = forms.DecimalField(
        label=_label("latitude"), max_digits=8, decimal_places=5, required=False
    )
    longitude = forms.DecimalField(
        label=_label("longitude"), max_digits=8, decimal_places=5, required=False
    )
    categories = forms.MultipleChoiceField(
        label=_label("categories"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages=_required("categories"),
    )
    narrative = forms.CharField(
        label=_label("narrative"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=_required("narrative"),
    )
    life_at_risk = forms.BooleanField(label=_label("life_at_risk"), required=False)
    person_name = forms.CharField(label=_label("person_name"), max_length=100, required=False)
    person_name_latin = forms.CharField(
        label=_label("person_name_latin"), max_length=100, required=False
    )
    person_phone = forms.CharField(label=_label("person_phone"), max_length=60, required=False)
    passport_number = forms.CharField(
        label=_("Person's passport number"), max_length=30, required=False
    )
    person_date_of_birth = forms.DateField(
        label=_label("person_date_of_birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    others_involved = forms.CharField(
        label=_label("others_involved"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    post = ShortModelChoiceField(label=_label("post"), queryset=Post.objects.none(), required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    # The fields the live duplicate check sends (data-dup marks them for htmx).
    DUPLICATE_FIELDS = (
        "country",
        "province",
        "city",
        "person_name",
        "person_name_latin",
        "person_phone",
        "passport_number",
    )

    def __init__(self, *args, report: Report | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.fields["post"].queryset = intake.posts_to_file_under(self.user)
        for name in self.DUPLICATE_FIELDS:
            self.fields[name].widget.attrs["data-dup"] = "1"
        if report is not None:
            self.fields["passport_number"].help_text = (
                gettext("Leave empty to keep the number on file (%(masked)s).")
                % {"masked": report.passport_masked}
                if report.passport_ciphertext
                else ""
            )
        else:
            del self.fields["version"]

    def initial_for_new(self) -> dict:
        post = self.home_post
        zone = post.time_zone if post else ""
        country = post.country if post else None
        zone = zone or (default_zone(country.code) if country else "")
        initial = {"country": country, "post": post, "channel": ""}
        if zone:
            now = place_wall_clock(timezone.now(), zone)
            initial |= {"place_time_zone": zone, "received_at": now}
        return initial

    @staticmethod
    def initial_for(report: Report) -> dict:
        zone = report.place_time_zone
        fields = [
            name
            for name in ReportForm.base_fields
            if name not in ("passport_number", "recovering", "received_at", "happened_at")
        ]
        initial = {name: getattr(report, name) for name in fields if hasattr(report, name)}
        return initial | {
            "received_at": place_wall_clock(report.received_at, zone),
            "happened_at": place_wall_clock(report.happened_at, zone),
            "version": report.version,
            "channel": report.channel,
        }

    def clean(self):
        data = super().clean()
        country = data.get("country")
        zone_name = data.get("place_time_zone") or (default_zone(country.code) if country else "")
        if zone_name:
            zone = zoneinfo.ZoneInfo(zone_name)
            for name in ("received_at", "happened_at"):
                moment = data.get(name)
                if moment is not None and timezone.is_naive(moment):
                    data[name] = timezone.make_aware(moment, zone)
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        return data

    def report_data(self) -> dict:
        """What the intake service takes. A passport left empty while completing a report
        keeps the number on file (it is never shown in clear here)."""
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in ("recovering", "version", "passport_number")
        }
        if self.report is None or self.cleaned_data.get("passport_number"):
            data["passport_number"] = self.cleaned_data.get("passport_number") or ""
        return data


class QuickIntakeForm(_IntakeForm):
    """One screen for a night call: where, what, who, the caller's number."""

    narrative = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "autofocus": True,
                "placeholder": _("My son is confined in a compound in Sihanoukville…"),
            }
        ),
        error_messages=_required("narrative"),
    )
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    place = forms.CharField(
        label=_("Place"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("compound, hotel, road…")}),
    )
    person = forms.CharField(
        label=_("Person's name"),
        max_length=100,
        required=False,
        help_text=_("In Hangul or Latin letters."),
    )
    reporter_contact = forms.CharField(
        label=_("Caller's phone"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    categories = forms.MultipleChoiceField(
        label=_("What kind"),
        choices=[(c.value, c.label) for c in QUICK_CATEGORIES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    life_at_risk = forms.BooleanField(label=_label("life_at_risk"), required=False, initial=True)

    field_order = [
        "narrative",
        "country",
        "city",
        "place",
        "person",
        "reporter_contact",
        "categories",
        "life_at_risk",
    ]

    def initial_for_new(self) -> dict:
        post = self.home_post
        return {"country": post.country if post else None, "life_at_risk": True}

    def report_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("recovering", None)
        person = data.pop("person", "").strip()
        data["person_name" if _has_hangul(person) else "person_name_latin"] = person
        post = self.home_post
        if post is not None:
            data["post"] = post
            if post.country_id == data["country"].pk:
                data["place_time_zone"] = post.time_zone
        return data


class ReportFilterForm(PassportSearchFilter, ListFilterForm):
    """The report list's filters; a passport is searched by POST (forms.passport)."""

    q = forms.CharField(label=_("Reference, name or phone"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ReportStatus.choices]
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All")), *Channel.choices]
    )
    country = forms.ModelChoiceField(
        label=_("Country"), required=False, queryset=Country.objects.all(), empty_label=_("All")
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All")), *Category.choices]
    )
    flag = forms.ChoiceField(
        label=_("Flag"),
        required=False,
        choices=[
            ("", _("All")),
            ("to_complete", _("Quick intake to complete")),
            ("urgent", _("Life at risk")),
        ],
    )
    date_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Received to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, personal: bool, passports: bool, **kwargs):
        super().__init__(*args, may_search_passports=passports, **kwargs)
        if not personal:
            self.fields["q"].label = _("Reference")

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end date comes before the start date."))
        return data


def _flags(report: Report) -> str:
    flags = []
    if report.life_at_risk and report.status == ReportStatus.NEW:
        flags.append(gettext("life at risk"))
    if report.is_quick_intake:
        flags.append(gettext("to complete"))
    return ", ".join(flags)


def _person(report: Report) -> str:
    return " / ".join(n for n in (report.person_name, report.person_name_latin) if n)


def _categories(report: Report) -> str:
    return ", ".join(str(Category(code).label) for code in report.categories)


def report_columns(*, personal: bool, export: bool = False) -> list[Column]:
    """The report list (compact, to fit a tablet) and its export (every fact as received);
    who the people are, and what was said, only for those who may see it."""
    C = Column
    columns = [
        C("reference", _("Reference"), sort="pk"),
        C("received_at", _("Received"), sort="received_at"),
        C("flags", _("Flags"), value=_flags),
        C("country", _("Country"), sort="country__name_en"),
        C("where", _("Place"), value=lambda r: r.where) if export else None,
        C("city", _("City"), sort="city") if not export else None,
        C("categories", _("Categories"), value=_categories),
        C("channel", _("Channel"), value=lambda r: r.get_channel_display(), sort="channel"),
        C("happened_at", _("Happened")) if export else None,
        C("life_at_risk", _("Life or liberty at risk")) if export else None,
        C("person", _("Person"), value=_person) if personal else None,
    ]
    if personal and export:
        columns += [
            C("person_phone", _("Person's phone")),
            C("person_date_of_birth", _("Date of birth")),
            C("reporter_name", _("Reporter")),
            C("reporter_relation", _("Relation")),
            C("reporter_contact", _("Reporter's contact")),
            C("narrative", _("What happened")),
        ]
    columns += [
        C("status", _("Status"), value=lambda r: r.get_status_display(), sort="status"),
        C("case", _("Case"), value=lambda r: r.case.reference if r.case_id else ""),
    ]
    if export:
        columns += [C("post", _("Post"), value=lambda r: r.post or "")]
    return [column for column in columns if column is not None]


class AttachForm(forms.Form):
    case = forms.TypedChoiceField(
        label=_("Possible duplicate"),
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
        choices=[],
    )
    case_reference = forms.CharField(
        label=_("or case reference"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "C-…"}),
    )

    def __init__(self, *args, cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [(c.pk, f"{c.reference} · {c.title}") for c in cases]
        if not cases:
            del self.fields["case"]
            self.fields["case_reference"].label = _("Case reference")

    def clean(self):
        data = super().clean()
        if not data.get("case") and not (data.get("case_reference") or "").strip():
            raise ValidationError(_("Choose a case or give its reference."))
        return data


class OpenCaseForm(forms.Form):
    title = forms.CharField(
        label=_("Case title"),
        max_length=200,
        error_messages={"required": _("Give the case a title.")},
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        required=False,
        choices=[("", _("From the reports (urgent when a life is at risk)")), *Priority.choices],
    )
    also = forms.TypedMultipleChoiceField(
        label=_("Also open it from these reports"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[],
    )

    def __init__(self, *args, reports=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["also"].choices = [(r.pk, r.reference) for r in reports]
        if not reports:
            del self.fields["also"]


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the report is dismissed.")},
    )
