"""The cases' background work: maintenance an administrator starts from the jobs page."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.core import jobs
from liaison.core.permissions import Perm

from . import figures, keys
from .models import Case, CaseMonthCount, CasePlaceCount


@jobs.kind(
    "cases.rotate_keys",
    label=gettext_lazy("Rotate the passport keys"),
    description=gettext_lazy(
        "A new key encrypts every passport number again; the old keys stay until retired."
    ),
    startable_with=Perm.MANAGE_JOBS,
    # Re-encrypting is done in batches, each committed, and every key in the file still
    # decrypts: cancelled between two batches it leaves every number readable and found,
    # and a second run (or `liaison rotate-keys --retire-old`) finishes the work.
    max_attempts=3,
)
def rotate_keys(run: jobs.JobRun) -> jobs.JobOutcome:
    done = keys.rotate(actor=run.requester, actor_label="" if run.requester else "liaison worker")
    return jobs.JobOutcome(
        summary=_("Key %(key)s is current; %(n)s passport numbers were encrypted again.")
        % {"key": done["key"], "n": done["changed"]},
        data=done,
    )


@jobs.kind(
    "cases.recount_figures",
    label=gettext_lazy("Recount the dashboard figures"),
    description=gettext_lazy(
        "Counts every case afresh into the dashboard's counts (after a restore or a bulk load)."
    ),
    startable_with=Perm.MANAGE_CASE_SETTINGS,
    atomic=True,  # the counts are replaced in one transaction: all new or all old
)
def recount_figures(run: jobs.JobRun) -> jobs.JobOutcome:
    run.progress(0, 2, _("Counting the cases"))
    figures.rebuild()
    run.progress(1, 2, _("Checking the counts"))
    summary = _("%(cases)s cases counted into %(months)s monthly and %(places)s place rows.") % {
        "cases": f"{Case.objects.count():,}",
        "months": f"{CaseMonthCount.objects.count():,}",
        "places": f"{CasePlaceCount.objects.count():,}",
    }
    run.progress(2, 2)
    return jobs.JobOutcome(summary=summary)
