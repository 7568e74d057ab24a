"""The life of a signed agreement: its result report, the log of cooperation under it,
annual reports, effectiveness decisions and the reminders sent about it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.core.models import IllustrativeMixin

from ..choices import ActivityKind, ReminderKind, TerminationDecision
from .agreement import Agreement


class ResultReport(models.Model):
    """The institution's report after signing, due a set number of days later."""

    agreement = models.OneToOneField(
        Agreement, on_delete=models.CASCADE, related_name="result_report"
    )
    summary = models.TextField(_("summary"))
    document = models.ForeignKey(
        "agreements.AgreementDocument",
        verbose_name=_("attachment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"))

    class Meta:
        verbose_name = _("result report")
        verbose_name_plural = _("result reports")

    def __str__(self) -> str:
        return f"{self.agreement} — result report"


class CooperationActivity(IllustrativeMixin, models.Model):
    """One piece of cooperation carried out under an agreement; other domains (cases,
    personnel, programmes) log theirs here through `activity_record`, naming their record."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices)
    occurred_on = models.DateField(_("date"), db_index=True)
    description = models.TextField(_("description"))
    count = models.PositiveIntegerField(
        _("count"), default=1, help_text=_("e.g. three fugitives repatriated on one flight")
    )
    source_type = models.CharField(_("source record type"), max_length=100, blank=True)
    source_id = models.CharField(_("source record id"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("cooperation activity")
        verbose_name_plural = _("cooperation activities")
        indexes = [models.Index(fields=["agreement", "occurred_on"], name="activity_agr_date")]
        constraints = [
            # A record of another domain is logged once under the same agreement.
            models.UniqueConstraint(
                fields=["agreement", "source_type", "source_id"],
                condition=~models.Q(source_type=""),
                name="activity_source_unique",
            ),
            models.CheckConstraint(condition=models.Q(count__gte=1), name="activity_count_min"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_kind_display()}"


class AnnualReport(models.Model):
    """The institution's yearly report on exchange status and cooperation achievements
    under one agreement; the counts are taken from the activity log."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="annual_reports"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    exchange_status = models.TextField(_("exchange status"))
    achievements = models.TextField(_("cooperation achievements"), blank=True)
    activity_counts = models.JSONField(
        _("activity counts"), default=dict, help_text=_("ActivityKind → count, from the log.")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"))

    class Meta:
        ordering = ["agreement", "-year"]
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "year"], name="annual_report_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agreement} — {self.year}"

    @property
    def total_activities(self) -> int:
        return sum(self.activity_counts.values())


class EffectivenessDecision(models.Model):
    """The office's recommendation to terminate an ineffective agreement, with the
    assessment it rests on, and the decision taken on it (terminate or keep)."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="effectiveness_decisions"
    )
    year = models.PositiveSmallIntegerField(_("assessed year"))
    assessment = models.TextField(_("assessment"))
    recommendation = models.TextField(_("recommendation"))
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recommended_at = models.DateTimeField(_("recommended"))
    decision = models.CharField(
        _("decision"), max_length=20, choices=TerminationDecision.choices, blank=True
    )
    justification = models.TextField(_("justification"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["agreement", "-recommended_at"]
        verbose_name = _("effectiveness decision")
        verbose_name_plural = _("effectiveness decisions")

    def __str__(self) -> str:
        return f"{self.agreement} — {self.year}"


class Reminder(models.Model):
    """A reminder about something due on an agreement, sent to one person by e-mail and
    shown to them in the application until they mark it read."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agreement_reminders"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"))
    due_on = models.DateField(_("due"))
    sent_at = models.DateTimeField(_("sent"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        indexes = [models.Index(fields=["recipient", "read_at"], name="reminder_unread")]
        constraints = [
            # The database, not the job, guarantees "never twice": two runs of the job at
            # once both try to insert the row and only one of them can, and only the one
            # that inserted it sends the e-mail.
            models.UniqueConstraint(
                fields=["agreement", "kind", "due_on", "recipient"], name="reminder_once"
            )
        ]

    def __str__(self) -> str:
        return self.subject
