from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "liaison.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Every app's job kinds and periodic jobs (`<app>/jobs.py`), core's own first, so
        # the worker and the pages know them all.
        from django.contrib.auth.signals import user_logged_in
        from django.utils.module_loading import autodiscover_modules

        from . import (
            access_review,  # noqa: F401 — registers the monthly access review
            account_jobs,  # noqa: F401 — registers the daily account review
            listing,  # noqa: F401 — registers the export job
            retention_jobs,  # noqa: F401 — registers the daily retention run
        )
        from .middleware import stamp_sign_in

        # The session's absolute limit counts from sign-in, however the sign-in happened.
        user_logged_in.connect(stamp_sign_in, dispatch_uid="liaison.core.stamp_sign_in")

        autodiscover_modules("jobs")
        # Every app's retention rules (`<app>/retention.py`), for the run and its page.
        autodiscover_modules("retention")
