from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerKind(models.TextChoices):
    POLICE = "police", _("Foreign police body")
    GOVERNMENT = "government", _("Foreign government ministry or agency")
    INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")
    OTHER = "other", _("Other")
