from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.core import mfa


class Command(BaseCommand):
    help = (
        "Demo and testing only: prints the current authenticator code of an account, "
        "as its app would show it. Refused in production."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        # In production this would be a second factor anyone with shell access could read.
        if settings.PRODUCTION:
            raise CommandError("This is a production deployment: `liaison totp` is refused.")
        device = TOTPDevice.objects.filter(user__username__iexact=username, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username} has no authenticator: sign in once to set one up.")
        self.stdout.write(mfa.current_code(device))
