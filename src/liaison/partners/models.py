"""The partner directory: countries, foreign police bodies, international organisations and
the people the office works with there."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from liaison.core.choices import Role
from liaison.core.models import IllustrativeMixin, TimestampedModel
from liaison.core.permissions import Perm, can

from .choices import PartnerKind


def _in_korean() -> bool:
    return (get_language() or "").startswith("ko")


class Country(models.Model):
    """A country or territory of ISO 3166-1, with its names in Korean and English."""

    code = models.CharField(_("ISO code"), max_length=2, primary_key=True)
    alpha3 = models.CharField(_("ISO alpha-3"), max_length=3, unique=True)
    numeric = models.CharField(_("ISO numeric"), max_length=3)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_ko = models.CharField(_("name (Korean)"), max_length=100)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name_ko if _in_korean() else self.name_en


class PartnerBodyQuerySet(models.QuerySet):
    def visible_to(self, user) -> PartnerBodyQuerySet:
        if not can(user, Perm.VIEW_DIRECTORY):
            return self.none()
        if user.role == Role.PARTNER_LIAISON:
            return self.filter(pk=user.partner_body_id)
        return self


class PartnerBody(IllustrativeMixin, TimestampedModel):
    """A foreign police body, ministry or international organisation the agency works with."""

    kind = models.CharField(_("kind"), max_length=40, choices=PartnerKind.choices)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)
    name_local = models.CharField(_("name (local language)"), max_length=200, blank=True)
    abbreviation = models.CharField(_("abbreviation"), max_length=30, blank=True)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_bodies",
        help_text=_("Empty for an international organisation."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.TextField(_("address"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = PartnerBodyQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("partner body")
        verbose_name_plural = _("partner bodies")
        constraints = [
            models.UniqueConstraint(fields=["name_en", "country"], name="partner_body_unique_name"),
            # NULLs are distinct in a unique index, so the rule above lets two international
            # organisations share a name; this one closes that gap.
            models.UniqueConstraint(
                fields=["name_en"],
                condition=models.Q(country__isnull=True),
                name="partner_body_unique_international_name",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return (self.name_ko or self.name_en) if _in_korean() else self.name_en

    def clean(self) -> None:
        if self.kind != PartnerKind.INTERNATIONAL_ORGANISATION and self.country_id is None:
            raise ValidationError({"country": _("A national body needs its country.")})
        if self.parent_id is not None:
            self._clean_parent()
        if self.name_en:
            # Case-insensitive, and reported on the name, unlike the database constraint.
            twins = PartnerBody.objects.filter(
                name_en__iexact=self.name_en.strip(), country_id=self.country_id
            )
            if self.pk is not None:
                twins = twins.exclude(pk=self.pk)
            if twins.exists():
                raise ValidationError(
                    {
                        "name_en": _(
                            "A partner body with this English name already exists in this country."
                        )
                    }
                )

    def _clean_parent(self) -> None:
        parent = self.parent
        if parent.country_id is not None and parent.country_id != self.country_id:
            raise ValidationError(
                {"parent": _("A unit is in the same country as the body it is part of.")}
            )
        seen = set()
        while parent is not None and parent.pk not in seen:
            if self.pk is not None and parent.pk == self.pk:
                raise ValidationError({"parent": _("A body cannot be part of itself.")})
            seen.add(parent.pk)
            parent = parent.parent


class ContactQuerySet(models.QuerySet):
    def visible_to(self, user) -> ContactQuerySet:
        if not can(user, Perm.VIEW_CONTACTS):
            return self.none()
        return self.filter(partner_body__in=PartnerBody.objects.visible_to(user))


class Contact(IllustrativeMixin, TimestampedModel):
    """A person at a partner body and the post they hold; personal data, every view audited."""

    partner_body = models.ForeignKey(
        PartnerBody,
        verbose_name=_("partner body"),
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    full_name = models.CharField(_("full name"), max_length=200)
    full_name_local = models.CharField(_("name in local script"), max_length=200, blank=True)
    rank = models.CharField(_("rank or title"), max_length=100, blank=True)
    post = models.CharField(
        _("position"),
        max_length=200,
        help_text=_("Position held, e.g. Director of Foreign Affairs."),
    )
    unit = models.CharField(_("unit"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    languages = models.CharField(_("languages"), max_length=100, blank=True)
    in_post_since = models.DateField(_("in post since"), null=True, blank=True)
    left_post_on = models.DateField(_("left post on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_current(self) -> bool:
        return self.left_post_on is None

    def clean(self) -> None:
        if self.in_post_since and self.left_post_on and self.left_post_on < self.in_post_since:
            raise ValidationError(
                {"left_post_on": _("Leaving the post cannot come before taking it.")}
            )
