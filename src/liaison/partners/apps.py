from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "liaison.partners"
    label = "partners"
    verbose_name = _("Partner directory")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import Country
        from .selectors import forget_countries

        # A cache, not a rule: the countries kept for intake are dropped when one changes.
        post_save.connect(forget_countries, sender=Country, dispatch_uid="forget_countries")
        post_delete.connect(forget_countries, sender=Country, dispatch_uid="forget_countries")
