"""The agreements' background work: the daily reminders, scheduled by the queue, and
large imports of the earlier registry."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.core import jobs
from liaison.core.import_pages import register_import

from .services import agreements_import, reminders_send

register_import(
    "agreements.import",
    label=gettext_lazy("Import of agreements"),
    service=agreements_import,
    success_message=gettext_lazy("%(n)s agreements are imported."),
    report_filename="agreement-import-problems.csv",
)


@jobs.kind("agreements.reminders", label=gettext_lazy("Reminders of what is due on agreements"))
def send_reminders(run: jobs.JobRun) -> jobs.JobOutcome:
    sent = reminders_send()
    summary = _(
        "%(due)s things due, %(created)s reminders created, %(emailed)s e-mails sent, "
        "%(failed)s e-mails failed."
    ) % {"due": sent.due, "created": sent.created, "emailed": sent.emailed, "failed": sent.failed}
    if sent.failed:
        # Raised, so the queue tries again later; a reminder already sent is never sent twice.
        raise RuntimeError(summary)
    return jobs.JobOutcome(summary=summary, data=vars(sent))


jobs.daily("agreements.reminders", at=settings.LIAISON_REMINDERS_AT)
