"""A case from the first report to the surrender of a suspect, through the services."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from liaison.agreements.choices import ActivityKind
from liaison.cases import workflow
from liaison.cases.choices import (
    ArrestStatus,
    CaseStatus,
    Outcome,
    Priority,
    ReturnStatus,
    VictimStatus,
)
from liaison.cases.models import TimelineEntry
from liaison.cases.services import casework, people
from liaison.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def move(case, actor, to, **kwargs):
    return workflow.case_transition(actor=actor, case=case, to_status=to, **kwargs)


def test_a_case_opened_from_a_report_has_the_person_as_missing_victim(open_case):
    victim = open_case.victims.get()
    assert victim.name_ko == "김민준"
    assert victim.status == VictimStatus.MISSING
    assert victim.passport_number() == "M12345678"
    assert open_case.priority == Priority.URGENT  # the report said a life is at risk
    assert open_case.reports.get().status == "attached"


def test_the_whole_chain_is_recorded_with_timestamps_and_logged_under_the_agreement(
    open_case, personas, task_force_mou
):
    officer = personas.overseas
    case = casework.case_triage(actor=officer, case=open_case, priority=Priority.URGENT)
    victim = case.victims.get()
    people.victim_set_status(actor=officer, victim=victim, status=VictimStatus.CONFINED)
    case = move(case, officer, CaseStatus.RESCUE_REQUESTED)
    people.victim_set_status(actor=officer, victim=victim, status=VictimStatus.RESCUED)
    case = move(case, officer, CaseStatus.RESCUED)
    case = move(case, officer, CaseStatus.INVESTIGATION)
    suspect = people.suspect_add(
        actor=officer, case=case, data={"name_latin": "Wang Lei", "roles": ["Guard"]}
    )
    case = move(case, officer, CaseStatus.SUSPECTS_IDENTIFIED)
    people.suspect_update(
        actor=officer,
        suspect=suspect,
        data={"arrest_status": ArrestStatus.ARRESTED, "arrested_on": timezone.localdate()},
    )
    case = move(case, officer, CaseStatus.ARREST)
    people.suspect_update(
        actor=officer, suspect=suspect, data={"return_status": ReturnStatus.DEPORTATION_REQUESTED}
    )
    case = move(case, officer, CaseStatus.EXTRADITION_REQUESTED)
    people.suspect_update(
        actor=officer,
        suspect=suspect,
        data={"return_status": ReturnStatus.SURRENDERED, "surrendered_on": timezone.localdate()},
    )
    case = move(case, officer, CaseStatus.SURRENDERED)
    case = move(case, officer, CaseStatus.CLOSED, outcome=Outcome.SURRENDERED_HOME)

    case.refresh_from_db()
    stamps = [
        case.triaged_at,
        case.rescue_requested_at,
        case.rescued_at,
        case.investigation_at,
        case.suspects_identified_at,
        case.arrested_at,
        case.extradition_requested_at,
        case.surrendered_at,
        case.closed_at,
    ]
    assert all(stamps) and stamps == sorted(stamps)
    assert list(case.transitions.values_list("to_status", flat=True)) == [
        "triaged",
        "rescue_requested",
        "rescued",
        "investigation",
        "suspects_identified",
        "arrest",
        "extradition_requested",
        "surrendered",
        "closed",
    ]
    kinds = list(task_force_mou.activities.values_list("kind", flat=True))
    assert kinds.count(ActivityKind.CASE_COOPERATION) == 5
    assert kinds.count(ActivityKind.FUGITIVE_RETURNED) == 1
    transitions = AuditEvent.objects.filter(object_type="cases.case", action="transition")
    assert transitions.filter(object_id=str(case.pk)).count() == 9
    assert TimelineEntry.objects.filter(case=case, kind="status").count() == 9


def test_a_move_the_table_does_not_allow_is_refused_naming_where_it_is_possible(
    open_case, personas
):
    with pytest.raises(ValidationError) as refused:
        move(open_case, personas.overseas, CaseStatus.ARREST)
    assert "possible from 'Suspects identified'" in refused.value.messages[0]


def test_rescue_requested_needs_a_victim_to_rescue_and_the_partner(open_case, personas):
    case = casework.case_triage(actor=personas.overseas, case=open_case, priority="urgent")
    victim = case.victims.get()
    people.victim_set_status(actor=personas.overseas, victim=victim, status="rescued")
    with pytest.raises(ValidationError) as refused:
        move(case, personas.overseas, CaseStatus.RESCUE_REQUESTED)
    assert "a victim recorded as missing, located or confined" in refused.value.messages[0]


def test_closing_needs_an_outcome(open_case, personas):
    with pytest.raises(ValidationError) as refused:
        move(open_case, personas.overseas, CaseStatus.CLOSED)
    assert "outcome" in refused.value.message_dict


def test_a_stale_version_is_refused_and_nothing_is_overwritten(open_case, personas):
    stale = open_case.version
    casework.case_update(
        actor=personas.ico, case=open_case, data={"title": "First"}, expected_version=stale
    )
    with pytest.raises(ValidationError) as refused:
        casework.case_update(
            actor=personas.overseas,
            case=open_case,
            data={"title": "Second"},
            expected_version=stale,
        )
    assert "Someone else changed this case" in refused.value.messages[0]
    open_case.refresh_from_db()
    assert open_case.title == "First"


def test_the_reached_time_is_kept_when_a_case_is_reopened(open_case, personas):
    case = casework.case_triage(actor=personas.overseas, case=open_case, priority="high")
    first_triage = case.triaged_at
    case = move(case, personas.overseas, CaseStatus.CLOSED, outcome=Outcome.NO_CRIME)
    case = move(case, personas.overseas, CaseStatus.INVESTIGATION, reason="New evidence")
    assert case.triaged_at == first_triage
    assert case.outcome == ""
    assert case.status == CaseStatus.INVESTIGATION
    assert case.first_reported_at <= timezone.now() - datetime.timedelta(minutes=19)
