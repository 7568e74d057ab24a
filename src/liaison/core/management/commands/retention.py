"""`liaison retention [--dry-run]`: destroys now what the daily retention run would
(core.retention), or with `--dry-run` lists it and changes nothing. `--today` runs it as of
another day (a missed day, or to see what a date will bring)."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from liaison.core import retention


def _moment(day: str | None) -> datetime.datetime | None:
    if not day:
        return None
    try:
        date = datetime.date.fromisoformat(day)
    except ValueError:
        raise CommandError(f"--today takes a date as YYYY-MM-DD, not {day!r}") from None
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(23, 59, 59)))


class Command(BaseCommand):
    help = "Destroy or anonymise what has outlived its retention period (--dry-run: list it)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list, change nothing")
        parser.add_argument("--today", help="run as of this day (YYYY-MM-DD)")

    def handle(self, *args, dry_run: bool = False, today: str | None = None, **options):
        done = retention.run(dry_run=dry_run, now=_moment(today))
        for item in done.items:
            self.stdout.write(
                f"{item.due_on}  {item.rule:32}  {item.object_type} {item.object_id}  {item.record}"
            )
        verb = "would be destroyed" if dry_run else "destroyed or anonymised"
        by_rule = ", ".join(f"{name}: {n}" for name, n in sorted(done.destroyed.items()))
        self.stdout.write(f"{done.total} records {verb}" + (f" ({by_rule})." if by_rule else "."))
        if done.failed:
            raise CommandError(
                f"{len(done.failed)} records could not be destroyed (see the log): "
                + ", ".join(done.failed)
            )
