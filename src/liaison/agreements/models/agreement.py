"""An agreement from application to signing: the record itself, its transitions, the
validity reviews and the documents."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from liaison.core.choices import Role
from liaison.core.models import IllustrativeMixin, TimestampedModel
from liaison.core.permissions import Perm, can

from ..choices import (
    AgreementStatus,
    AgreementType,
    DocumentKind,
    Rating,
    RenewalTerms,
    ReviewRecommendation,
    ScopeArea,
)


def agreement_reference(pk: int | None) -> str:
    """The reference an agreement is known by: AGR-0042."""
    return f"AGR-{pk:04d}" if pk else "AGR-new"


class Occasion(IllustrativeMixin, TimestampedModel):
    """An event at which agreements are signed, e.g. the International Police Chiefs
    Meeting (IPS) in October."""

    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)
    starts_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-starts_on", "name_en"]
        verbose_name = _("occasion")
        verbose_name_plural = _("occasions")
        constraints = [
            models.UniqueConstraint(fields=["name_en", "starts_on"], name="occasion_unique")
        ]

    def __str__(self) -> str:
        if (get_language() or "").startswith("ko") and self.name_ko:
            return self.name_ko
        return self.name_en


class AgreementQuerySet(models.QuerySet):
    def visible_to(self, user) -> AgreementQuerySet:
        """The agreements `user` may see: a requester those of their institution and the
        institutions below it; a partner liaison those with their own agency; the office,
        the Commissioner General's office, analysts and overseas officers all of them."""
        if not can(user, Perm.VIEW_AGREEMENTS):
            return self.none()
        if user.role == Role.REQUESTER:
            if user.institution is None:
                return self.none()
            return self.filter(institution_id__in=user.institution.subtree_ids())
        if user.role == Role.PARTNER_LIAISON:
            return self.filter(counterpart_id=user.partner_body_id)
        return self


class Agreement(IllustrativeMixin, TimestampedModel):
    """A security-cooperation agreement (MOU) with a foreign police body or international
    organisation, from the institution's application to its termination or expiry."""

    title = models.CharField(_("title"), max_length=300)
    external_reference = models.CharField(
        _("registry reference"),
        max_length=60,
        blank=True,
        help_text=_("The reference it had in the office's registry before Liaison."),
    )
    agreement_type = models.CharField(
        _("agreement type"), max_length=30, choices=AgreementType.choices, default="mou"
    )
    counterpart = models.ForeignKey(
        "partners.PartnerBody",
        verbose_name=_("counterpart"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    country = models.ForeignKey(
        "partners.Country",
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
        help_text=_("Empty for an international organisation."),
    )
    institution = models.ForeignKey(
        "core.Institution",
        verbose_name=_("requesting institution"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    purpose = models.TextField(_("purpose"), blank=True)
    scope_areas = models.JSONField(
        _("scope areas"), default=list, blank=True, help_text=_("ScopeArea values.")
    )
    planned_signing_on = models.DateField(_("planned signing date"), null=True, blank=True)
    occasion = models.ForeignKey(
        Occasion,
        verbose_name=_("occasion"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agreements",
    )
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=AgreementStatus.choices,
        default=AgreementStatus.DRAFT,
        db_index=True,
    )
    # Incremented by every transition; a client that read version N may only move the
    # record while it is still at version N (see workflow.agreement_transition).
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Application
    submitted_on = models.DateField(
        _("first submitted on"),
        null=True,
        blank=True,
        help_text=_("The date the two-month rule is measured from."),
    )
    reported_to_commissioner_at = models.DateTimeField(
        _("reported to the Commissioner General"), null=True, blank=True
    )
    exception_granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exception granted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    exception_granted_at = models.DateTimeField(_("exception granted"), null=True, blank=True)
    exception_reason = models.TextField(_("reason for the exception"), blank=True)

    # Draft review and decision
    final_text = models.ForeignKey(
        "agreements.AgreementDocument",
        verbose_name=_("agreed final text"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    # Signing
    signed_on = models.DateField(_("signed on"), null=True, blank=True, db_index=True)
    signing_place = models.CharField(_("place of signing"), max_length=200, blank=True)
    signatory_home = models.CharField(_("signatory (our side)"), max_length=200, blank=True)
    signatory_home_title = models.CharField(_("title (our side)"), max_length=200, blank=True)
    signatory_partner = models.CharField(_("signatory (partner side)"), max_length=200, blank=True)
    signatory_partner_title = models.CharField(
        _("title (partner side)"), max_length=200, blank=True
    )
    signed_copy = models.ForeignKey(
        "agreements.AgreementDocument",
        verbose_name=_("signed copy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    result_report_due = models.DateField(_("result report due"), null=True, blank=True)

    # Life and end
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    renewal = models.CharField(
        _("renewal"), max_length=20, choices=RenewalTerms.choices, default=RenewalTerms.NONE
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on", "-planned_signing_on", "-pk"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        indexes = [models.Index(fields=["status", "planned_signing_on"], name="agr_status_plan")]
        constraints = [
            # Importing the same registry twice must not create the agreements twice.
            models.UniqueConstraint(
                fields=["external_reference"],
                condition=~models.Q(external_reference=""),
                name="agreement_external_reference_unique",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return agreement_reference(self.pk)

    @property
    def has_exception(self) -> bool:
        return self.exception_granted_at is not None

    def scope_area_labels(self) -> list[str]:
        labels = dict(ScopeArea.choices)
        return [str(labels.get(value, value)) for value in self.scope_areas or []]

    def clean(self) -> None:
        errors = {}
        unknown = [v for v in self.scope_areas or [] if v not in ScopeArea.values]
        if not isinstance(self.scope_areas, list) or unknown:
            errors["scope_areas"] = _("Unknown scope area: %(values)s") % {
                "values": ", ".join(map(str, unknown))
            }
        if self.counterpart_id and self.country_id is None and self.counterpart.country_id:
            self.country_id = self.counterpart.country_id
        if self.signed_on and self.expires_on and self.expires_on <= self.signed_on:
            errors["expires_on"] = _("An agreement cannot expire before it is signed.")
        if errors:
            raise ValidationError(errors)


class AgreementTransition(models.Model):
    """One step of an agreement's lifecycle: from which status to which, by whom, when, why."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=30, choices=AgreementStatus.choices)
    to_status = models.CharField(_("to"), max_length=30, choices=AgreementStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("time"), db_index=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("agreement transition")
        verbose_name_plural = _("agreement transitions")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


CRITERIA = [
    ("national_interest", _("Contributes to the national interest")),
    ("transnational_crime", _("Strengthens the response to transnational crime")),
    ("nationals_abroad", _("Protects nationals abroad")),
    ("fugitives_cases", _("Needed for fugitive extradition or case cooperation")),
    ("continuous_exchange", _("Continuous exchange is feasible")),
]


def _rating(label):
    return models.CharField(label, max_length=20, choices=Rating.choices)


class ValidityReview(models.Model):
    """One round of the International Cooperation Office's validity review: the five
    criteria of the regulation, each rated with a comment, and a recommendation."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reviews")
    round = models.PositiveSmallIntegerField(_("round"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("reviewed"))
    national_interest = _rating(CRITERIA[0][1])
    national_interest_comment = models.TextField(_("comment"), blank=True)
    transnational_crime = _rating(CRITERIA[1][1])
    transnational_crime_comment = models.TextField(_("comment"), blank=True)
    nationals_abroad = _rating(CRITERIA[2][1])
    nationals_abroad_comment = models.TextField(_("comment"), blank=True)
    fugitives_cases = _rating(CRITERIA[3][1])
    fugitives_cases_comment = models.TextField(_("comment"), blank=True)
    continuous_exchange = _rating(CRITERIA[4][1])
    continuous_exchange_comment = models.TextField(_("comment"), blank=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=20, choices=ReviewRecommendation.choices
    )
    summary = models.TextField(_("comments to the institution"), blank=True)

    class Meta:
        ordering = ["agreement", "round"]
        verbose_name = _("validity review")
        verbose_name_plural = _("validity reviews")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "round"], name="review_round_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agreement} — round {self.round}"

    def criteria(self) -> list[tuple[str, str, str]]:
        """(criterion, rating label, comment) for each of the five criteria."""
        labels = dict(Rating.choices)
        return [
            (
                str(label),
                str(labels.get(getattr(self, key), "")),
                getattr(self, f"{key}_comment"),
            )
            for key, label in CRITERIA
        ]


def document_path(document: AgreementDocument, filename: str) -> str:
    # A fresh name for every upload: a stored file is never replaced by a later one.
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"agreements/{document.agreement_id}/{uuid.uuid4().hex}{suffix}"


class AgreementDocument(models.Model):
    """A document of an agreement — a draft version, the signed copy — kept with its
    checksum and never overwritten: a new version is a new row."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    version = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=document_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("type"), max_length=100)
    comment = models.TextField(_("comment"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"))

    class Meta:
        ordering = ["agreement", "kind", "version"]
        verbose_name = _("agreement document")
        verbose_name_plural = _("agreement documents")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "kind", "version"], name="document_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version} — {self.original_name}"
