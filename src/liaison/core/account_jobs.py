"""The daily review of accounts: temporary accounts past their expiry and accounts unused
for LIAISON_INACTIVE_DAYS are disabled (CJIS AC-2(3)), all but the last active
administrator. A job kind, so each run is on the jobs page with what it disabled;
imported by `CoreConfig.ready`."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import jobs
from .services import users_disable_stale

KIND = "core.disable_stale_accounts"


@jobs.kind(KIND, label=gettext_lazy("Disabling of expired and unused accounts"), atomic=True)
def disable_stale_accounts(run: jobs.JobRun) -> jobs.JobOutcome:
    done = users_disable_stale()
    summary = _("%(expired)s expired and %(unused)s unused accounts disabled.") % {
        "expired": len(done.expired),
        "unused": len(done.unused),
    }
    if done.spared:
        summary += " " + _(
            "%(username)s was left active: the last active administrator (the administrators "
            "are told by e-mail)."
        ) % {"username": done.spared}
    return jobs.JobOutcome(summary=summary, data=vars(done))


jobs.daily(KIND, at=settings.LIAISON_ACCOUNT_JOBS_AT)
