"""The daily retention run (core.retention): what has outlived its period is destroyed or
anonymised. A job kind, so each run is on the jobs page with what it destroyed; imported by
`CoreConfig.ready`. Not atomic: every record is its own transaction, so a run cut off is
finished by the next without doing anything twice."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import jobs, retention
from .permissions import Perm

KIND = "core.retention"


@jobs.kind(
    KIND,
    label=gettext_lazy("Retention: destroying what has expired"),
    description=gettext_lazy(
        "Destroys or anonymises every record whose retention period has ended, except those "
        "on legal hold; audit entries are kept."
    ),
    startable_with=Perm.MANAGE_RETENTION,
)
def retention_run(run: jobs.JobRun, dry_run: bool = False) -> jobs.JobOutcome:
    done = retention.run(dry_run=bool(dry_run))
    if done.failed:
        # Failed, so that administrators see it among the failed jobs; a retry finishes
        # whatever else was left and tries these again.
        raise RuntimeError(
            f"{len(done.failed)} records could not be destroyed: {', '.join(done.failed[:20])}"
        )
    counts = {"records": done.total}
    summary = (
        _("Dry run: %(records)s records would be destroyed.")
        if done.dry_run
        else _("%(records)s records destroyed or anonymised.")
    ) % counts
    return jobs.JobOutcome(
        summary=summary,
        data={
            "dry_run": done.dry_run,
            "by_rule": done.destroyed,
            "records": [f"{d.rule} {d.object_type} {d.object_id}" for d in done.items[:1000]],
        },
    )


jobs.daily(KIND, at=settings.LIAISON_RETENTION_AT)
