"""A set of categories stored as one integer, one bit per `Category` value, so a case list
can filter by category and a dashboard can count by category with plain SQL on every
database (no JSON containment, no join table on a half-million-row table)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import ExpressionWrapper, F
from django.db.models.expressions import Combinable
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext as _

from .choices import Category

BITS = {code: 1 << index for index, code in enumerate(Category.values)}


def to_mask(codes) -> int:
    unknown = [c for c in codes if c not in BITS]
    if unknown:
        raise ValidationError(_("Unknown category: %(c)s.") % {"c": ", ".join(unknown)})
    mask = 0
    for code in codes:
        mask |= BITS[code]
    return mask


def from_mask(mask: int) -> list[str]:
    return [code for code, bit in BITS.items() if mask & bit]


class CategoriesField(models.PositiveIntegerField):
    """Holds a list of `Category` codes; the database holds their bits."""

    # What django-stubs' plugin takes a model's attribute to be: written as a list of codes
    # (or the mask itself), read as the list.
    _pyi_private_set_type: list[str] | int | Combinable
    _pyi_private_get_type: list[str]

    def from_db_value(self, value, expression, connection):
        return None if value is None else from_mask(value)

    def to_python(self, value):
        if value is None or isinstance(value, list):
            return value
        if isinstance(value, int):
            return from_mask(value)
        # The form value_to_string writes, as serialised rows carry it (backups, fixtures);
        # a single code reads as itself.
        return [code for code in value.split(",") if code]

    def get_prep_value(self, value):
        if value is None:
            return None
        if isinstance(value, int):
            return value
        return to_mask(value)

    def validate(self, value, model_instance):
        if not self.blank and not value:
            raise ValidationError(self.error_messages["blank"], code="blank")

    @property
    def validators(self):
        # The integer range validators would compare the list; to_mask checks the codes.
        return []

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            choices=Category.choices,
            required=not self.blank,
            label=self.verbose_name,
            widget=forms.CheckboxSelectMultiple,
            **{k: v for k, v in kwargs.items() if k in ("help_text", "initial")},
        )

    def value_to_string(self, obj):
        return ",".join(self.value_from_object(obj) or [])


def has_category(field: str, code: str) -> GreaterThan:
    """A filter for rows whose `field` holds `code`:
    `Case.objects.filter(has_category("categories", Category.HOMICIDE))`."""
    masked = ExpressionWrapper(F(field).bitand(BITS[code]), output_field=models.BigIntegerField())
    return GreaterThan(masked, 0)
