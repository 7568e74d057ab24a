"""The partner directory's background work: large imports of partner bodies."""

from django.utils.translation import gettext_lazy as _

from liaison.core.import_pages import register_import

from . import services

register_import(
    "partners.import_bodies",
    label=_("Import of partner bodies"),
    service=services.partner_bodies_import,
    success_message=_("%(n)s partner bodies are imported."),
    report_filename="partner-import-problems.csv",
)
