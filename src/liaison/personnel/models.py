"""Overseas posts and the officers serving in them. A minimal model that the cases domain
assigns work to; the personnel domain (postings, rotations, staffing) grows from here."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from liaison.core.models import IllustrativeMixin, TimestampedModel


class PostKind(models.TextChoices):
    KOREAN_DESK = "korean_desk", _("Korean Desk")
    JOINT_TASK_FORCE = "joint_task_force", _("Joint task force")
    POLICE_ATTACHE = "police_attache", _("Police attaché (police consul)")
    LIAISON_OFFICE = "liaison_office", _("Liaison officers at an embassy or consulate")
    HOME_DESK = "home_desk", _("Desk at headquarters")


class PostQuerySet(models.QuerySet):
    def named(self) -> PostQuerySet:
        """Only what names a post (Post.__str__): for the choice lists on every case page."""
        return self.only("name_en", "name_ko")

    def of_officer(self, user) -> PostQuerySet:
        """The posts `user` serves in today."""
        today = timezone.localdate()
        # One filter() call, so that every condition applies to the same posting: split in
        # two, an ended posting would count while a colleague's posting there is open.
        return self.filter(
            Q(postings__ended_on__isnull=True) | Q(postings__ended_on__gte=today),
            postings__officer=user,
            postings__started_on__lte=today,
        )


class Post(IllustrativeMixin, TimestampedModel):
    """A place abroad (or a desk at home) where the agency's officers work cases with the
    host police: a Korean Desk, a joint task force, an attaché at an embassy."""

    kind = models.CharField(_("kind of post"), max_length=30, choices=PostKind.choices)
    name_en = models.CharField(_("name (English)"), max_length=200, unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)
    country = models.ForeignKey(
        "partners.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        related_name="posts",
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    host_body = models.ForeignKey(
        "partners.PartnerBody",
        verbose_name=_("host body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_posts",
        help_text=_("The foreign police body or embassy the post sits in."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=60,
        help_text=_("Local time at the post, e.g. Asia/Phnom_Penh."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Posting",
        related_name="posts",
        verbose_name=_("officers"),
    )

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["country__name_en", "name_en"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        if (get_language() or "").startswith("ko") and self.name_ko:
            return self.name_ko
        return self.name_en

    def clean(self):
        try:
            zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError({"time_zone": _("Unknown time zone.")}) from None

    def current_officers(self):
        today = timezone.localdate()
        return self.officers.filter(
            Q(postings__ended_on__isnull=True) | Q(postings__ended_on__gte=today),
            postings__post=self,
            postings__started_on__lte=today,
        ).distinct()


class PostingRole(models.TextChoices):
    HEAD = "head", _("Head of post")
    ATTACHE = "attache", _("Police attaché")
    RESIDENT_OFFICER = "resident_officer", _("Resident officer")
    LIAISON_OFFICER = "liaison_officer", _("Liaison officer")
    DESK_OFFICER = "desk_officer", _("Desk officer")
    TASK_FORCE_MEMBER = "task_force_member", _("Task force member")


class Posting(TimestampedModel):
    """An officer serving at a post from one date to another (open-ended while serving)."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="postings"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="postings",
    )
    role = models.CharField(_("role at the post"), max_length=30, choices=PostingRole.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    # Not stored: worked out for the post's page (personnel.selectors.postings_of).
    is_current: bool
    is_future: bool

    class Meta:
        ordering = ["post", "-started_on"]
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="posting_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.officer} @ {self.post}"
