"""Who has seen this case's victims? Read from the audit trail, for the officers who may
see the victims themselves (PIPA art. 35: a data subject may ask who processed their
data). Every look at their personal data is a VIEW entry on one of three records: the
case (its page and its summary show the victims), a victim (a passport number revealed, a
form opened on them) or a report of the case (it names the victim and the reporter).
Each is found through the audit trail's index on (object_type, object_id)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent

from .models import Case

# What each kind of record viewed was, in the panel's words (see the template).
LOOKED_AT = {"cases.case": "case", "cases.victim": "victim", "cases.report": "report"}


def victim_data_looks(case: Case) -> QuerySet[AuditEvent]:
    """The VIEW entries on the personal data of the case's victims, most recent first."""
    victims = [str(pk) for pk in case.victims.values_list("pk", flat=True)]
    reports = [str(pk) for pk in case.reports.values_list("pk", flat=True)]
    records = (
        Q(object_type="cases.case", object_id=str(case.pk))
        | Q(object_type="cases.victim", object_id__in=victims)
        | Q(object_type="cases.report", object_id__in=reports)
    )
    return (
        AuditEvent.objects.filter(records, action=AuditAction.VIEW)
        .only("at", "actor_label", "actor_role", "object_type", "object_repr", "reason")
        .order_by("-at", "-id")
    )
