import datetime

import pytest
from django.core.exceptions import ValidationError

from liaison.agreements import services
from liaison.agreements.choices import AgreementStatus, ScopeArea
from liaison.agreements.rules import submission_deadline
from liaison.core.models import AuditEvent

D = datetime.date


@pytest.mark.parametrize(
    ("planned", "deadline"),
    [
        (D(2025, 10, 23), D(2025, 8, 23)),
        (D(2025, 12, 31), D(2025, 10, 31)),
        (D(2028, 4, 30), D(2028, 2, 29)),
        (D(2027, 4, 30), D(2027, 2, 28)),
        (D(2027, 4, 29), D(2027, 2, 28)),
        (D(2025, 2, 15), D(2024, 12, 15)),
        (D(2026, 1, 31), D(2025, 11, 30)),
        (D(2025, 5, 31), D(2025, 3, 31)),
    ],
)
def test_the_deadline_is_two_calendar_months_before_the_planned_signing(planned, deadline):
    assert submission_deadline(planned) == deadline


def _apply(actor, institution, counterpart, planned, **extra):
    return services.agreement_apply(
        actor=actor,
        title="MOU on the Korean Desk",
        counterpart=counterpart,
        institution=institution,
        purpose="Korean Desk inside the partner police.",
        scope_areas=[ScopeArea.PERSONNEL_DISPATCH],
        planned_signing_on=planned,
        **extra,
    )


def test_an_application_exactly_on_the_deadline_is_accepted(
    personas, institutions, cambodia_police, time_machine
):
    time_machine.move_to(datetime.datetime(2025, 8, 23, 12, 0))
    agreement = _apply(
        personas.requester, institutions.university, cambodia_police, D(2025, 10, 23)
    )
    assert agreement.status == AgreementStatus.DRAFT


def test_a_late_application_is_refused_with_the_deadline(
    personas, institutions, cambodia_police, time_machine
):
    time_machine.move_to(datetime.datetime(2025, 8, 24, 12, 0))
    with pytest.raises(ValidationError) as refused:
        _apply(personas.requester, institutions.university, cambodia_police, D(2025, 10, 23))
    message = refused.value.message_dict["planned_signing_on"][0]
    assert "2025-08-23" in message
    assert "2025-10-23" in message


def test_a_leap_year_application_on_29_february_is_on_time(
    personas, institutions, cambodia_police, time_machine
):
    time_machine.move_to(datetime.datetime(2028, 2, 29, 9, 0))
    _apply(personas.requester, institutions.university, cambodia_police, D(2028, 4, 30))
    time_machine.move_to(datetime.datetime(2028, 3, 1, 9, 0))
    with pytest.raises(ValidationError, match="2028-02-29"):
        _apply(personas.requester, institutions.university, cambodia_police, D(2028, 4, 30))


def test_a_draft_that_became_late_is_refused_at_submission(draft, personas, time_machine):
    time_machine.move_to(
        datetime.datetime.combine(submission_deadline(draft.planned_signing_on), datetime.time())
        + datetime.timedelta(days=1, hours=12)
    )
    with pytest.raises(ValidationError) as refused:
        services.agreement_submit(actor=personas.requester, agreement=draft)
    assert submission_deadline(draft.planned_signing_on).isoformat() in refused.value.messages[0]
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.DRAFT


def test_only_an_exception_from_the_office_lets_a_late_application_through(
    draft, personas, time_machine
):
    time_machine.move_to(
        datetime.datetime.combine(draft.planned_signing_on, datetime.time(12))
        - datetime.timedelta(days=10)
    )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.agreement_grant_exception(
            actor=personas.requester, agreement=draft, reason="please"
        )
    with pytest.raises(ValidationError):
        services.agreement_grant_exception(actor=personas.ico, agreement=draft, reason=" ")
    services.agreement_grant_exception(
        actor=personas.ico, agreement=draft, reason="Signing moved forward to the IPS."
    )
    submitted = services.agreement_submit(actor=personas.requester, agreement=draft)
    assert submitted.status == AgreementStatus.SUBMITTED
    assert submitted.exception_reason == "Signing moved forward to the IPS."
    assert submitted.exception_granted_by == personas.ico
    entry = AuditEvent.objects.filter(object_id=str(draft.pk), reason__contains="IPS").get()
    assert set(entry.changes) == {
        "exception_granted_by_id",
        "exception_granted_at",
        "exception_reason",
    }


def test_the_office_may_create_a_late_application_with_an_exception(
    personas, institutions, cambodia_police, time_machine
):
    time_machine.move_to(datetime.datetime(2025, 9, 10, 12, 0))
    agreement = _apply(
        personas.ico,
        institutions.university,
        cambodia_police,
        D(2025, 10, 23),
        exception_reason="Added to the IPS programme by the Commissioner General.",
    )
    assert agreement.has_exception
