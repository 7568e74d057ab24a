from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "liaison.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Every app's job kinds and periodic jobs (`<app>/jobs.py`), core's own first, so
        # the worker and the pages know them all.
        from django.utils.module_loading import autodiscover_modules

        from . import listing  # noqa: F401 — registers the export job

        autodiscover_modules("jobs")
