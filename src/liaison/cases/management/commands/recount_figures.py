"""`liaison recount-figures`: counts every case afresh into the counts the dashboard keeps
(cases per month, country, category and place). The services keep them as cases change;
this is for after cases were loaded into the tables by other means (a restore, a bulk
load), and it is safe to run at any time."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from liaison.cases import figures
from liaison.cases.models import Case, CaseMonthCount, CasePlaceCount
from liaison.core import audit
from liaison.core.choices import AuditAction


class Command(BaseCommand):
    help = "Count every case afresh into the dashboard's kept counts."

    def handle(self, *args, **options):
        started = time.perf_counter()
        figures.rebuild()
        cases = Case.objects.count()
        summary = (
            f"{cases:,} cases counted into {CaseMonthCount.objects.count():,} monthly and "
            f"{CasePlaceCount.objects.count():,} place rows"
        )
        audit.record(
            AuditAction.UPDATE,
            actor=None,
            actor_label="liaison recount-figures",
            object_type="cases.figures",
            object_repr=summary,
        )
        self.stdout.write(f"{summary} in {time.perf_counter() - started:.1f} s.")
