import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from liaison.agreements import services
from liaison.agreements.choices import ActivityKind
from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent


@pytest.fixture
def active(draft, walk, time_machine):
    time_machine.move_to(datetime.datetime(2024, 3, 1, 12, 0), tick=True)
    draft.planned_signing_on = datetime.date(2024, 6, 1)
    draft.save()
    agreement = walk.to(draft, "active")
    time_machine.move_to(datetime.datetime(2025, 1, 15, 12, 0), tick=True)
    return agreement


def _log(actor, agreement, kind, day, count=1, source=None):
    return services.activity_record(
        actor=actor,
        agreement=agreement,
        kind=kind,
        occurred_on=day,
        description="Joint operation against a scam compound",
        count=count,
        source=source,
    )


def test_the_annual_report_counts_come_from_the_activity_log(active, personas):
    _log(personas.requester, active, ActivityKind.MEETING, datetime.date(2024, 4, 2))
    _log(personas.overseas, active, ActivityKind.FUGITIVE_RETURNED, datetime.date(2024, 9, 1), 3)
    _log(personas.ico, active, ActivityKind.FUGITIVE_RETURNED, datetime.date(2024, 11, 5), 2)
    _log(personas.ico, active, ActivityKind.MEETING, datetime.date(2025, 1, 3))
    report = services.annual_report_submit(
        actor=personas.requester, agreement=active, year=2024, exchange_status="Regular."
    )
    assert report.activity_counts["meeting"] == 1
    assert report.activity_counts["fugitive_returned"] == 5
    assert report.activity_counts["training"] == 0
    assert report.total_activities == 6
    with pytest.raises(ValidationError, match="already submitted"):
        services.annual_report_submit(
            actor=personas.requester, agreement=active, year=2024, exchange_status="Again."
        )


def test_another_domain_logs_its_record_once(active, personas):
    _log(
        personas.overseas,
        active,
        ActivityKind.CASE_COOPERATION,
        datetime.date(2024, 8, 1),
        source=("cases.case", "42"),
    )
    with pytest.raises(ValidationError, match="already logged"):
        _log(
            personas.overseas,
            active,
            ActivityKind.CASE_COOPERATION,
            datetime.date(2024, 8, 1),
            source=("cases.case", "42"),
        )
    activity = active.activities.get()
    assert (activity.source_type, activity.source_id) == ("cases.case", "42")
    entry = AuditEvent.objects.get(
        action=AuditAction.CREATE, object_type="agreements.cooperationactivity"
    )
    assert entry.actor == personas.overseas


def test_activity_is_refused_before_signing_in_the_future_or_by_outsiders(active, personas):
    with pytest.raises(ValidationError) as refused:
        _log(personas.ico, active, "nonsense", timezone.localdate() + datetime.timedelta(days=2))
    assert set(refused.value.message_dict) == {"kind", "occurred_on"}
    with pytest.raises(ValidationError, match="before the signing"):
        _log(personas.ico, active, ActivityKind.MEETING, datetime.date(2023, 1, 1))
    with pytest.raises(PermissionDenied):
        _log(personas.outsider, active, ActivityKind.MEETING, datetime.date(2024, 6, 1))
    with pytest.raises(PermissionDenied):
        _log(personas.analyst, active, ActivityKind.MEETING, datetime.date(2024, 6, 1))


def test_a_draft_has_no_activity_log(draft, personas):
    with pytest.raises(ValidationError, match="in force"):
        _log(personas.ico, draft, ActivityKind.MEETING, timezone.localdate())
