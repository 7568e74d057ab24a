"""`liaison send-reminders`: the daily reminder job (see the README, "Scheduled jobs")."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from liaison.agreements.services import reminders_send


class Command(BaseCommand):
    help = (
        "Reminds the responsible people, in the application and by e-mail, of everything "
        "due on agreements. Run it daily; a reminder is never sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="Act as if today were this date (YYYY-MM-DD); for catching up.",
        )

    def handle(self, *args, today=None, **options):
        run = reminders_send(today=today)
        summary = (
            f"{run.due} things due, {run.created} reminders created, "
            f"{run.emailed} e-mails sent, {run.failed} e-mails failed."
        )
        if run.failed:
            # A non-zero exit, so that cron mails the operator or systemd marks the unit
            # failed; the failed ones are tried again on the next run.
            raise CommandError(summary)
        self.stdout.write(summary)
