from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from liaison.core.choices import Role
from liaison.core.models import User
from liaison.demo import load_demo_data


class Command(BaseCommand):
    help = "Loads the demo institutions, partners and one account per role, and prints the logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Load even in a production deployment."
        )

    def handle(self, *args, force=False, **options):
        if settings.PRODUCTION and not force:
            raise CommandError(
                "This is a production deployment; demo accounts are not loaded without --force."
            )
        counts, logins = load_demo_data()
        self.stdout.write("Demo data loaded: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        self.stdout.write("")
        self.stdout.write("Sign in at http://localhost:8000/ with one of these demo accounts:")
        roles = dict(Role.choices)
        for username, login in logins.items():
            role = roles[User.objects.get(username=username).role]
            self.stdout.write(
                f"  {username:<14} {login['password']:<16} {role:<28} TOTP {login['totp_secret']}"
            )
        self.stdout.write(
            "Second factor: add the TOTP secret to an authenticator app, or run "
            "`liaison totp USERNAME` for the current code. Passkeys can be added on the "
            "profile page (they need the name localhost, not 127.0.0.1)."
        )
        self.stdout.write(
            "(Passwords and TOTP secrets are kept in var/demo-logins.json; records marked "
            "'Illustrative' are invented demo data.)"
        )
