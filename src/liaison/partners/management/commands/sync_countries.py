"""`liaison sync-countries`: loads or refreshes every ISO 3166-1 country with its Korean name."""

from django.core.management.base import BaseCommand

from liaison.partners.services import countries_sync


class Command(BaseCommand):
    help = "Load or refresh the ISO 3166-1 countries (pycountry) with Korean names (CLDR, babel)."

    def handle(self, *args, **options):
        counts = countries_sync()
        self.stdout.write(
            f"Countries: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['total']} in all."
        )
