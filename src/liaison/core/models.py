"""Users, institutions at home, API tokens and the audit trail."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import ClassVar, Self

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .choices import AccessPurpose, AuditAction, DisposalOutcome, InstitutionKind, JobState, Role

SESSION_HASH_SALT = "liaison.core.models.User.get_session_auth_hash"


class IllustrativeMixin(models.Model):
    """Marks demo records that are not facts, so the UI can label them."""

    is_illustrative = models.BooleanField(
        _("illustrative demo data"),
        default=False,
        help_text=_("Set on demo records that do not describe real facts."),
    )

    class Meta:
        abstract = True


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Institution(IllustrativeMixin, TimestampedModel):
    """A body of the home agency: headquarters, an office, a regional agency, a school,
    a hospital."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=InstitutionKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_ko if (get_language() or "").startswith("ko") else self.name_en

    def clean(self) -> None:
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError(
                    {"parent": _("An institution cannot be placed under itself.")}
                )
            ancestor = ancestor.parent

    def subtree_ids(self) -> set[int]:
        """This institution and every institution below it."""
        ids, frontier = {self.pk}, [self.pk]
        while frontier:
            frontier = list(
                Institution.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            )
            ids.update(frontier)
        return ids


class User(AbstractUser):
    """A person who signs in: an officer at home or abroad, an analyst, an auditor,
    a partner liaison."""

    full_name = models.CharField(_("full name"), max_length=200)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    partner_body = models.ForeignKey(
        "partners.PartnerBody",
        verbose_name=_("partner agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaison_users",
        help_text=_("For partner liaisons: the foreign agency whose shared records they see."),
    )
    language = models.CharField(_("language"), max_length=8, default="ko")
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Seoul")
    failed_login_count = models.PositiveSmallIntegerField(default=0, editable=False)
    last_failed_login_at = models.DateTimeField(null=True, blank=True, editable=False)
    # CJIS AC-7: a lock stays until an administrator releases it; this is when it began.
    locked_at = models.DateTimeField(_("locked since"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(
        _("account expires"),
        null=True,
        blank=True,
        help_text=_("For temporary accounts: the scheduled job disables the account then."),
    )
    # An account enabled again counts as used from then: the daily job measures disuse from
    # the latest of the last sign-in, the creation and this.
    reactivated_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Mixed into the hash every session keeps (get_session_auth_hash): raising it ends every
    # session made before, on its next request, as a new password does. Sessions live in the
    # cache or the database with no index by user, so this is how an administrator's reset
    # reaches them all.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    objects: ClassVar[UserManager[Self]] = UserManager()

    REQUIRED_FIELDS = ["email", "full_name", "role"]

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})" if self.full_name else self.username

    def clean(self) -> None:
        super().clean()
        if self.role == Role.PARTNER_LIAISON and self.partner_body_id is None:
            raise ValidationError(
                {"partner_body": _("A partner liaison belongs to a partner agency.")}
            )
        if self.role not in (Role.PARTNER_LIAISON, Role.ADMINISTRATOR, Role.AUDITOR) and (
            self.institution_id is None
        ):
            raise ValidationError(
                {"institution": _("Staff of the agency belong to an institution.")}
            )

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    def get_session_auth_hash(self) -> str:
        return self._session_auth_hash(secret=None)

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        # Sessions signed with a retired SECRET_KEY still verify while it is a fallback.
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_auth_hash(secret=secret)

    def _session_auth_hash(self, *, secret: str | bytes | None) -> str:
        """Django's hash of the password, with the session generation beside it."""
        return salted_hmac(
            SESSION_HASH_SALT,
            f"{self.password}\n{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class ApiToken(models.Model):
    """A revocable credential for a machine client; only a hash of the secret is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class AuditQuerySet(models.QuerySet):
    """Refuses bulk edits: the audit trail only grows."""

    def update(self, **kwargs):
        raise PermissionError("Audit entries cannot be changed.")

    def delete(self):
        raise PermissionError("Audit entries cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise PermissionError("Audit entries cannot be changed.")


class AuditEvent(models.Model):
    """One entry of the append-only audit trail: who did what, when, from where, to which record."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True, editable=False)
    # No database constraint: users are deactivated, never deleted, and the label below
    # keeps the name readable even if an account were ever removed outside the product.
    actor = models.ForeignKey(
        User,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        editable=False,
    )
    actor_label = models.CharField(_("actor"), max_length=200, blank=True, editable=False)
    actor_role = models.CharField(_("role"), max_length=30, blank=True, editable=False)
    action = models.CharField(
        _("action"), max_length=30, choices=AuditAction.choices, editable=False
    )
    object_type = models.CharField(_("record type"), max_length=100, blank=True, editable=False)
    object_id = models.CharField(_("record id"), max_length=64, blank=True, editable=False)
    object_repr = models.CharField(_("record"), max_length=300, blank=True, editable=False)
    changes = models.JSONField(_("changes"), default=dict, blank=True, editable=False)
    reason = models.TextField(_("reason"), blank=True, editable=False)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True, editable=False)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True, editable=False)
    request_id = models.CharField(_("request id"), max_length=64, blank=True, editable=False)
    # Why personal data were opened or exported (EU LED art. 25): an AccessPurpose value,
    # then ": " and the person's own words when they gave some.
    purpose = models.CharField(_("purpose"), max_length=300, blank=True, editable=False)
    # The chain (core/audit_chain.py): the entry's place in it, the key that signed it, the
    # signature of the entry before and its own HMAC over its content and that signature.
    seq = models.BigIntegerField(_("place in the chain"), unique=True, editable=False)
    key_id = models.CharField(_("key"), max_length=16, editable=False)
    prev_mac = models.CharField(max_length=64, editable=False)
    mac = models.CharField(max_length=64, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor", "at"], name="audit_actor_idx"),
            models.Index(fields=["action", "at"], name="audit_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit entries cannot be deleted.")

    @property
    def purpose_label(self) -> str:
        """The purpose in the reader's language, with the words given for it."""
        code, _sep, words = self.purpose.partition(": ")
        label = AccessPurpose(code).label if code in AccessPurpose.values else code
        return f"{label}: {words}" if words else str(label)


class AuditChainHead(models.Model):
    """The last link of the audit chain, one row: whoever writes an entry locks it first,
    so two writers at once never fork the chain. The application may only update it."""

    seq = models.BigIntegerField(default=0)
    mac = models.CharField(max_length=64, blank=True)

    objects: ClassVar[models.Manager[Self]] = models.Manager()

    def __str__(self) -> str:
        return f"audit chain head at {self.seq}"


class AuditAnchor(models.Model):
    """Where the chain starts again after `liaison audit archive` moved its oldest entries
    to a signed file: the last archived entry's place, id, time and HMAC. Written by the
    owner role only; its own HMAC shows an edit."""

    seq = models.BigIntegerField(unique=True)
    entry_id = models.BigIntegerField()
    entry_at = models.DateTimeField()
    entry_mac = models.CharField(max_length=64)
    entries = models.BigIntegerField()
    archive_name = models.CharField(max_length=300)
    archive_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    key_id = models.CharField(max_length=16)
    mac = models.CharField(max_length=64)

    objects: ClassVar[models.Manager[Self]] = models.Manager()

    class Meta:
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"audit anchor at {self.seq}"


class SavedFilter(models.Model):
    """A list's filters saved by a user under a name ("urgent Cambodia cases"), to open the
    list with them again in one click."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters"
    )
    list_name = models.CharField(max_length=60)
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "list_name", "name"], name="saved_filter_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Job(models.Model):
    """One piece of background work (core.jobs): an import, an export, a key rotation, a
    recount, a scheduled run. The row is what people see (progress, result, error); the
    queue only carries its id."""

    ACTIVE = (JobState.QUEUED, JobState.RUNNING, JobState.RETRYING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=80)
    params = models.JSONField(default=dict, blank=True)
    # None: started by the scheduler, not by a person.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=JobState.choices, default=JobState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), default=3)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # What the requester is told: the result, or why it failed, in their words.
    summary = models.TextField(_("result"), blank=True)
    error = models.TextField(_("error"), blank=True)
    # The traceback, for administrators only.
    error_detail = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    # A file the job made (an export, an import's row-by-row report), in the storage.
    result_file = models.CharField(max_length=300, blank=True)
    result_file_name = models.CharField(max_length=200, blank=True)
    # When the requester was shown the result; until then the page carries a message.
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [
            models.Index(fields=["state", "created_at"], name="job_state_idx"),
            models.Index(fields=["requested_by", "seen_at"], name="job_unseen_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"

    @property
    def active(self) -> bool:
        return self.state in self.ACTIVE


class PeriodicRun(models.Model):
    """The claim of one occurrence of a periodic job ("reminders" on 2026-12-02): the
    unique pair is the lock that lets only one of several schedulers run it."""

    name = models.CharField(max_length=80)
    slot = models.CharField(max_length=40)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL)
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="periodic_run_once")]

    def __str__(self) -> str:
        return f"{self.name} {self.slot}"


class LegalHold(models.Model):
    """A legal hold on one record (a case under litigation, an inquiry, a data subject's
    request): while it stands, retention destroys nothing of the record or of what belongs
    to it. Lifted holds are kept, with who lifted them and why."""

    object_type = models.CharField(_("record type"), max_length=100)  # "cases.case"
    object_id = models.CharField(_("record id"), max_length=64)
    reason = models.TextField(_("reason for the hold"))
    placed_by = models.ForeignKey(
        User, verbose_name=_("placed by"), on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(_("placed"), default=timezone.now)
    lifted_by = models.ForeignKey(
        User,
        verbose_name=_("lifted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        indexes = [models.Index(fields=["object_type", "object_id"], name="legal_hold_object")]
        constraints = [
            models.UniqueConstraint(
                fields=["object_type", "object_id"],
                condition=models.Q(lifted_at__isnull=True),
                name="legal_hold_one_standing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_id}"


class Disposal(models.Model):
    """One record whose personal data retention destroyed (core.retention): which rule,
    when its period ended, what was done. It names the record by type and id only; it is
    also what makes a second run skip what the first already did."""

    rule = models.CharField(_("rule"), max_length=80)
    object_type = models.CharField(_("record type"), max_length=100)
    object_id = models.CharField(_("record id"), max_length=64)
    outcome = models.CharField(_("outcome"), max_length=20, choices=DisposalOutcome.choices)
    due_on = models.DateField(_("period ended"))
    done_at = models.DateTimeField(_("destroyed"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-done_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["object_type", "object_id"], name="disposal_once")
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.object_type} {self.object_id}"
