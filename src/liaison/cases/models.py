"""Crimes against nationals abroad: the reports as received, the cases opened from them,
the people in them (victims, suspects), and everything done on a case."""

from __future__ import annotations

import uuid
import zoneinfo
from pathlib import PurePosixPath
from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from liaison.core.models import IllustrativeMixin, TimestampedModel
from liaison.core.sql import Literal

from . import permissions, protect
from .choices import (
    DOCUMENT_KINDS,
    PRIORITY_RANK,
    ArrestStatus,
    CaseStatus,
    Channel,
    EntryKind,
    IdentifierKind,
    Milestone,
    NoticeColour,
    NoticeStatus,
    Outcome,
    Priority,
    ProcedureStatus,
    ReportStatus,
    RequestKind,
    ReturnStatus,
    Sex,
    VictimStatus,
)
from .fields import CategoriesField


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("Unknown time zone: %(tz)s.") % {"tz": value}) from None


def place_words(place: str, city: str, province: str) -> str:
    """Where something happened, narrowest first: "Golden Fortune compound, Sihanoukville"."""
    return ", ".join(p for p in (place, city, province) if p)


def person_name(name_ko: str, name_latin: str) -> str:
    """A victim's or suspect's name in both scripts: "김민준 (KIM Minjun)"."""
    if name_ko and name_latin:
        return f"{name_ko} ({name_latin})"
    return name_ko or name_latin or str(_("(name unknown)"))


class Place(models.Model):
    """Where something happened, with the place's own time zone (times are stored in UTC and
    shown in the reader's zone; the place's zone says what the clock said there)."""

    country = models.ForeignKey(
        "partners.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    province = models.CharField(_("province / state"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    place = models.CharField(
        _("place"),
        max_length=300,
        blank=True,
        help_text=_("Free text: a compound, a hotel, a road, a landmark."),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    place_time_zone = models.CharField(
        _("local time zone"), max_length=60, validators=[validate_time_zone]
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            raise ValidationError({"latitude": _("Latitude is between -90 and 90.")})
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            raise ValidationError({"longitude": _("Longitude is between -180 and 180.")})

    @property
    def where(self) -> str:
        return place_words(self.place, self.city, self.province)


class PassportMixin(models.Model):
    """A passport number kept encrypted, with its keyed hash for exact search."""

    passport_ciphertext = models.TextField(_("passport number (encrypted)"), blank=True)
    passport_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    passport_last2 = models.CharField(max_length=2, blank=True, editable=False)

    class Meta:
        abstract = True

    def set_passport(self, number: str) -> None:
        number = protect.normalise_document_number(number)
        self.passport_ciphertext = protect.encrypt(number)
        self.passport_hash = protect.blind_index(number)
        self.passport_last2 = number[-2:]

    def passport_number(self) -> str:
        """The number in clear. Call only for someone allowed to see it, and audit it."""
        return protect.decrypt(self.passport_ciphertext)

    @property
    def passport_masked(self) -> str:
        return ("••••••" + self.passport_last2) if self.passport_ciphertext else ""


class Report(IllustrativeMixin, Place, PassportMixin, TimestampedModel):
    """A signal as it was received: a call from a family, a message from the embassy, a
    notice from the partner police. Kept as received; a case is opened from one or more."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("received"), db_index=True)
    happened_at = models.DateTimeField(_("happened"), null=True, blank=True)
    reporter_name = models.CharField(_("reporter"), max_length=200, blank=True)
    reporter_relation = models.CharField(
        _("reporter's relation to the person"), max_length=100, blank=True
    )
    reporter_contact = models.CharField(_("reporter's contact"), max_length=200, blank=True)
    categories = CategoriesField(_("categories"), default=list, blank=True)
    narrative = models.TextField(_("what happened"))
    life_at_risk = models.BooleanField(_("life or liberty at risk"), default=False)
    # The person the report is about, as the reporter gave it (duplicate detection).
    person_name = models.CharField(_("person's name (Hangul)"), max_length=100, blank=True)
    person_name_latin = models.CharField(_("person's name (Latin)"), max_length=100, blank=True)
    person_phone = models.CharField(_("person's phone"), max_length=60, blank=True)
    person_phone_key = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    person_date_of_birth = models.DateField(_("person's date of birth"), null=True, blank=True)
    person_name_keys = models.CharField(max_length=400, blank=True, editable=False)
    others_involved = models.TextField(_("others involved"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.NEW
    )
    case = models.ForeignKey(
        "Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    dismissed_reason = models.TextField(_("reason for dismissal"), blank=True)
    is_quick_intake = models.BooleanField(_("quick intake, to be completed"), default=False)
    post = models.ForeignKey(
        "personnel.Post",
        verbose_name=_("post"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [models.Index(fields=["status", "-received_at"], name="report_status_received")]

    def __str__(self) -> str:
        return self.reference


class IntakeSubmission(models.Model):
    """Every intake form as it was sent, written before it is processed and in its own
    transaction, so that nothing typed is lost when processing fails. A submission with no
    report is one the system could not process; the intake page offers it back."""

    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    payload = models.JSONField()
    report = models.OneToOneField(
        Report, null=True, blank=True, on_delete=models.PROTECT, related_name="submission"
    )
    failure = models.TextField(blank=True)
    # Refused as sent (a missing field, no right to it): the sender was told why at once.
    refused_at = models.DateTimeField(null=True, blank=True)
    recovered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"intake {self.pk} by {self.submitted_by_id} at {self.submitted_at:%Y-%m-%d %H:%M}"


# A case not yet closed, written as the condition of the open-worklist partial indexes,
# literally (core.sql.Literal): SQLite then answers from the index alone. "status IN (every
# other status)" would not use the index at all.
OPEN_CASES = ~Q(status=Literal(CaseStatus.CLOSED))


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> Self:
        return permissions.case_scope(self, user)

    def open(self) -> CaseQuerySet:
        return self.filter(OPEN_CASES)


# What the dashboard reads of the cases reported in a period: months, categories, the map.
REPORTED_FIGURES = ["first_reported_at", "country", "categories", "status", "latitude", "longitude"]


class Case(IllustrativeMixin, Place, TimestampedModel):
    """A crime against nationals abroad, worked from the first report to the outcome."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    categories = CategoriesField(_("categories"), default=list)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    # Urgent first: the working list sorts on this, through an index, at any size.
    priority_rank = models.GeneratedField(
        expression=models.Case(
            *[models.When(priority=p, then=models.Value(r)) for p, r in PRIORITY_RANK.items()],
            default=models.Value(9),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    status = models.CharField(
        _("status"), max_length=30, choices=CaseStatus.choices, default=CaseStatus.RECEIVED
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome details"), blank=True)
    happened_at = models.DateTimeField(_("happened"), null=True, blank=True)
    first_reported_at = models.DateTimeField(_("first reported"), db_index=True)
    post = models.ForeignKey(
        "personnel.Post",
        verbose_name=_("post"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officers"),
        blank=True,
        related_name="assigned_cases",
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        verbose_name=_("legal basis (agreement)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        help_text=_("The agreement under which the partner police cooperate on this case."),
    )
    partner_body = models.ForeignKey(
        "partners.PartnerBody",
        verbose_name=_("partner agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    counterparts = models.ManyToManyField(
        "partners.Contact",
        verbose_name=_("counterpart officers"),
        blank=True,
        related_name="cases",
    )
    # When each step was first reached, for response-time targets and measurement.
    triaged_at = models.DateTimeField(_("triaged"), null=True, blank=True)
    rescue_requested_at = models.DateTimeField(_("rescue requested"), null=True, blank=True)
    rescued_at = models.DateTimeField(_("rescued"), null=True, blank=True)
    investigation_at = models.DateTimeField(_("investigation opened"), null=True, blank=True)
    suspects_identified_at = models.DateTimeField(_("suspects identified"), null=True, blank=True)
    arrested_at = models.DateTimeField(_("first arrest"), null=True, blank=True)
    extradition_requested_at = models.DateTimeField(
        _("extradition requested"), null=True, blank=True
    )
    surrendered_at = models.DateTimeField(_("surrendered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Response-time targets, computed when the priority is set (see services.targets).
    acknowledge_due_at = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    rescue_request_due_at = models.DateTimeField(_("rescue request by"), null=True, blank=True)
    # Names, identifiers and places of everyone in the case, folded for search.
    search_keys = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)

    objects = CaseQuerySet.as_manager()
    # Not stored: the victims that an export prefetches (cases.selectors.export_queryset).
    victim_list: list[Victim]

    class Meta:
        ordering = ["-first_reported_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["status", "-first_reported_at"], name="case_status_reported"),
            models.Index(fields=["country", "status"], name="case_country_status"),
            models.Index(fields=["post", "status"], name="case_post_status"),
            # The working list of open cases: urgent first, newest first, optionally by country.
            models.Index(
                fields=["priority_rank", "-first_reported_at", "-id"],
                condition=~Q(status=CaseStatus.CLOSED),
                name="case_open_worklist",
            ),
            models.Index(
                fields=["country", "priority_rank", "-first_reported_at", "-id"],
                condition=~Q(status=CaseStatus.CLOSED),
                name="case_open_country_worklist",
            ),
            models.Index(fields=["-first_reported_at", "-id"], name="case_newest"),
            # The dashboard's history, answered from indexes alone: new cases per month,
            # country and category, and the map; report → rescue; identification → surrender.
            models.Index(
                fields=REPORTED_FIGURES,
                name="case_reported_figures",
            ),
            models.Index(
                fields=["rescued_at", "first_reported_at", "country"], name="case_rescue_times"
            ),
            models.Index(
                fields=["surrendered_at", "suspects_identified_at", "country"],
                name="case_surrender_times",
            ),
            # Arrests of a year by country, and the country of a case found by its id (the
            # confined victims now): both from the index alone.
            models.Index(fields=["arrested_at", "country"], name="case_arrested_country"),
            models.Index(fields=["id", "country", "post"], name="case_id_country"),
            # The same figures for an officer abroad, who reads the cases of their posts.
            models.Index(
                fields=["post", "country", "priority_rank"],
                condition=~Q(status=CaseStatus.CLOSED),
                name="case_open_post_figures",
            ),
            models.Index(
                fields=["post", *REPORTED_FIGURES],
                name="case_post_reported_figures",
            ),
            models.Index(
                fields=["post", "rescued_at", "first_reported_at", "country"],
                name="case_post_rescue_times",
            ),
            models.Index(
                fields=["post", "surrendered_at", "suspects_identified_at", "country"],
                name="case_post_surrender_times",
            ),
            models.Index(fields=["post", "arrested_at", "country"], name="case_post_arrests"),
            models.Index(fields=["acknowledge_due_at"], name="case_ack_due"),
            models.Index(fields=["rescue_request_due_at"], name="case_rescue_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.CLOSED) | ~Q(outcome=""),
                name="closed_case_has_outcome",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class CaseTransition(models.Model):
    """One move of a case through its lifecycle (workflow.TRANSITIONS)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=30, choices=CaseStatus.choices)
    to_status = models.CharField(max_length=30, choices=CaseStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} → {self.to_status}"


class Person(PassportMixin, models.Model):
    """What victims and suspects share: names in Hangul and Latin script, birth, sex."""

    name_ko = models.CharField(_("name (Hangul)"), max_length=100, blank=True)
    name_latin = models.CharField(_("name (Latin script)"), max_length=100, blank=True)
    sex = models.CharField(_("sex"), max_length=30, choices=Sex.choices, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    name_keys = models.CharField(max_length=400, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def display_name(self) -> str:
        return person_name(self.name_ko, self.name_latin)


class Victim(IllustrativeMixin, Person, TimestampedModel):
    """A national who fell victim; the victim-context fields follow HTCDS v2."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="victims"
    )
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    phone_key = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    contact = models.CharField(_("other contact"), max_length=200, blank=True)
    family_contact = models.CharField(_("family contact"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=VictimStatus.choices, default=VictimStatus.MISSING
    )
    status_since = models.DateTimeField(_("status since"), null=True, blank=True)
    # HTCDS vic_* victim context
    recruitment_methods = models.JSONField(_("how recruited"), default=list, blank=True)
    recruitment_platforms = models.JSONField(_("recruitment platforms"), default=list, blank=True)
    recruitment_details = models.TextField(_("recruitment details"), blank=True)
    means_of_control = models.JSONField(_("means of control"), default=list, blank=True)
    exploitation_types = models.JSONField(_("type of exploitation"), default=list, blank=True)
    consent_to_data_handling = models.BooleanField(
        _("agreed to the handling of personal data"), default=False
    )
    consent_recorded_at = models.DateTimeField(_("consent recorded"), null=True, blank=True)
    # Deceased victims: the joint autopsy and the repatriation of remains.
    died_on = models.DateField(_("date of death"), null=True, blank=True)
    autopsy_status = models.CharField(
        _("joint autopsy"), max_length=20, choices=ProcedureStatus.choices, blank=True
    )
    autopsy_on = models.DateField(_("autopsy date"), null=True, blank=True)
    remains_status = models.CharField(
        _("repatriation of remains"), max_length=20, choices=ProcedureStatus.choices, blank=True
    )
    remains_repatriated_on = models.DateField(_("remains repatriated on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    # Not stored: the HTCDS codes in words, for the people tab (cases.selectors.people).
    context_rows: list[tuple[str | Promise, list[str]]]

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = _("victim")
        verbose_name_plural = _("victims")
        indexes = [models.Index(fields=["status", "case"], name="victim_status_case")]

    def __str__(self) -> str:
        return self.display_name


class VictimStatusChange(models.Model):
    """The victim's status history: missing → located → confined → rescued → …"""

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=VictimStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=VictimStatus.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.victim_id}: {self.from_status} → {self.to_status}"

    @property
    def is_correction(self) -> bool:
        """No move of the victim's table leaves "deceased": a change out of it is the
        correction of a death recorded by mistake (people.victim_correct_death)."""
        return self.from_status == VictimStatus.DECEASED


class Suspect(IllustrativeMixin, Person, TimestampedModel):
    """A suspect of any nationality."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="suspects"
    )
    name_local = models.CharField(_("name (own script)"), max_length=100, blank=True)
    aliases = models.CharField(_("aliases"), max_length=300, blank=True)
    nationality = models.ForeignKey(
        "partners.Country",
        verbose_name=_("nationality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    roles = models.JSONField(_("role"), default=list, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    arrest_status = models.CharField(
        _("arrest"), max_length=20, choices=ArrestStatus.choices, default=ArrestStatus.AT_LARGE
    )
    arrested_on = models.DateField(_("arrested on"), null=True, blank=True)
    return_status = models.CharField(
        _("extradition / deportation"), max_length=30, choices=ReturnStatus.choices, blank=True
    )
    return_requested_on = models.DateField(_("requested on"), null=True, blank=True)
    surrendered_on = models.DateField(_("surrendered on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(default=1)
    # Not stored: the roles in words, for the people tab (cases.selectors.people).
    role_labels: list[str]

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = _("suspect")
        verbose_name_plural = _("suspects")
        indexes = [
            models.Index(fields=["arrested_on", "case"], name="suspect_arrested_case"),
            models.Index(fields=["surrendered_on", "case"], name="suspect_surrendered_case"),
        ]

    def __str__(self) -> str:
        return self.name_latin or self.name_local or self.name_ko or str(_("(name unknown)"))

    @property
    def display_name(self) -> str:
        names = [n for n in (self.name_latin, self.name_local, self.name_ko) if n]
        return " / ".join(names) or str(_("(name unknown)"))


class Identifier(PassportMixin, models.Model):
    """A phone, messaging handle, bank account, wallet, passport or ID number used by a
    suspect. A passport or ID number (DOCUMENT_KINDS) is kept as a victim's passport is:
    encrypted, with its keyed hash for exact search; `value` then holds it masked and
    `key` is empty (it never enters the case's search column)."""

    suspect = models.ForeignKey(Suspect, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(_("kind"), max_length=20, choices=IdentifierKind.choices)
    value = models.CharField(_("value"), max_length=200)
    key = models.CharField(max_length=200, db_index=True, editable=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["suspect", "kind", "key"],
                condition=~Q(kind__in=sorted(DOCUMENT_KINDS)),
                name="identifier_unique",
            ),
            # A number not yet encrypted (before the data migration) has no hash yet.
            models.UniqueConstraint(
                fields=["suspect", "kind", "passport_hash"],
                condition=Q(kind__in=sorted(DOCUMENT_KINDS)) & ~Q(passport_hash=""),
                name="identifier_document_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"

    @property
    def is_document(self) -> bool:
        return self.kind in DOCUMENT_KINDS

    @property
    def case(self) -> Case:
        """The suspect's case, so a number is revealed as a person's is (passport_reveal)."""
        return self.suspect.case

    def set_document_number(self, number: str) -> None:
        self.set_passport(number)
        self.value = self.passport_masked
        self.key = ""


class InterpolNotice(models.Model):
    """A notice requested or issued: Red for a suspect, Yellow for a missing victim, Black
    for an unidentified body."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    suspect = models.ForeignKey(
        Suspect, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    victim = models.ForeignKey(
        Victim, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    colour = models.CharField(_("notice"), max_length=10, choices=NoticeColour.choices)
    status = models.CharField(_("status"), max_length=10, choices=NoticeStatus.choices)
    requested_on = models.DateField(_("requested on"))
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    reference = models.CharField(_("INTERPOL reference"), max_length=60, blank=True)

    class Meta:
        ordering = ["requested_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(issued_on__isnull=True) | Q(issued_on__gte=models.F("requested_on")),
                name="notice_issued_after_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_colour_display()} ({self.get_status_display()})"


class PartnerRequest(TimestampedModel):
    """A request sent to the partner police on a case, and its answer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="partner_requests")
    kind = models.CharField(_("request"), max_length=30, choices=RequestKind.choices)
    partner_body = models.ForeignKey(
        "partners.PartnerBody",
        verbose_name=_("to"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.CharField(_("subject"), max_length=300)
    sent_at = models.DateTimeField(_("sent"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    # Not stored: the times in both zones, for the case page (cases.selectors).
    sent_when: str
    answered_when: str

    class Meta:
        ordering = ["-sent_at"]


class CaseTask(TimestampedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="case_tasks",
    )
    due_at = models.DateTimeField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Not stored: worked out for the case page (cases.selectors.tasks).
    is_overdue: bool
    when: str

    class Meta:
        ordering = ["done_at", "due_at"]
        indexes = [models.Index(fields=["owner", "done_at", "due_at"], name="task_owner_due")]


def _entry_path(entry: TimelineEntry, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"cases/{entry.case_id}/{uuid.uuid4().hex}{suffix}"


class TimelineEntry(models.Model):
    """One thing that happened on a case. Entries are never edited or deleted: a
    correction is a new entry."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    at = models.DateTimeField(_("when"), db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("text"), blank=True)
    counterpart = models.CharField(_("with"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=_entry_path, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    file_content_type = models.CharField(max_length=100, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    is_illustrative = models.BooleanField(default=False)
    # Not stored: the time in both zones, for the case page (cases.selectors.timeline).
    when: str

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        indexes = [models.Index(fields=["case", "-at"], name="timeline_case_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Timeline entries cannot be changed; add a new entry."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Timeline entries cannot be deleted."))


class ResponseTarget(models.Model):
    """How soon a step must happen after a report, per priority (hours)."""

    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    milestone = models.CharField(_("step"), max_length=20, choices=Milestone.choices)
    hours = models.PositiveIntegerField(_("within (hours)"))

    class Meta:
        ordering = ["milestone", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["priority", "milestone"], name="target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.milestone} {self.priority}: {self.hours} h"


class CaseMonthCount(models.Model):
    """Cases first reported in one month (UTC) in one country, in all and per category. The
    dashboard sums these few rows instead of counting half a million cases; `cases.figures`
    keeps them exact as cases are opened and changed."""

    month = models.DateField()  # the first day of the month, in UTC
    country = models.ForeignKey("partners.Country", on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=30, blank=True)  # "" counts every case
    cases = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "country", "category"], name="case_month_count_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.country_id} {self.category or '*'}: {self.cases}"


class CasePlaceCount(models.Model):
    """Cases first reported in one month (UTC) at one place of the map (coordinates rounded
    to about 11 km; none when the case has no coordinates), open or closed now."""

    month = models.DateField()
    country = models.ForeignKey("partners.Country", on_delete=models.CASCADE, related_name="+")
    latitude = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    longitude = models.DecimalField(max_digits=5, decimal_places=1, null=True)
    closed = models.BooleanField()
    cases = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["month", "country"], name="case_place_count_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.latitude},{self.longitude}: {self.cases}"
