"""What the agreements with a partner body allow: the floor of any sharing with foreign
police. A request about a case goes only to a body with which an agreement in force covers
case cooperation; the full sharing rules will build on this one."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from .choices import CASE_COOPERATION_AREAS, IN_FORCE_STATUSES, AgreementStatus
from .models import Agreement


def covers_case_cooperation(agreement: Agreement) -> bool:
    return bool(CASE_COOPERATION_AREAS.intersection(agreement.scope_areas or []))


def in_force_on(agreement: Agreement, day: datetime.date) -> bool:
    # An agreement past its expiry date is out of force even before the daily job marks
    # it expired.
    return agreement.status in IN_FORCE_STATUSES and (
        agreement.expires_on is None or agreement.expires_on >= day
    )


def case_cooperation_refusal(body, *, on: datetime.date) -> str | None:
    """None when an agreement in force with `body` on `on` covers case cooperation;
    otherwise why a request about a case may not go to it, naming the covering agreement
    that ended, when there was one."""
    covering = [
        a
        for a in Agreement.objects.filter(counterpart=body).order_by("pk")
        if covers_case_cooperation(a)
    ]
    if any(in_force_on(a, on) for a in covering):
        return None
    ended = [(day, a) for a in covering if (day := _ended_on(a, on))]
    if ended:
        day, agreement = max(ended, key=lambda pair: pair[0])
        text = (
            _("The MOU with %(body)s was terminated on %(day)s.")
            if agreement.status == AgreementStatus.TERMINATED
            else _("The MOU with %(body)s expired on %(day)s.")
        )
        return (
            text % {"body": body, "day": day.isoformat()}
            + " "
            + _("No agreement in force with it covers case cooperation.")
        )
    return _("No agreement in force with %(body)s covers case cooperation.") % {"body": body}


def _ended_on(agreement: Agreement, today: datetime.date) -> datetime.date | None:
    if agreement.expires_on and agreement.expires_on < today:
        return agreement.expires_on
    if agreement.status in (AgreementStatus.EXPIRED, AgreementStatus.TERMINATED):
        return agreement.ended_on or agreement.expires_on
    return None
