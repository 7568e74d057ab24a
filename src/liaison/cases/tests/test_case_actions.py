"""The actions on a case page: each calls its service; bad input and refusals come back on
the form with a 4xx and the field named, a stale save is refused, nothing half-written."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from liaison.cases.choices import CaseStatus, VictimStatus
from liaison.cases.models import CaseTask, PartnerRequest, TimelineEntry
from liaison.cases.services import casework, people

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client_for, personas):
    return client_for(personas.overseas)


def act(client, case, name, data=None, item=None, **extra):
    if item is None:
        url = reverse("cases:action", args=[case.pk, name])
    else:
        url = reverse("cases:item_action", args=[case.pk, name, item.pk])
    return client.post(url, data or {}, **extra)


def bound(response, key="forms", name=None):
    """The form the page sent back with its errors."""
    assert response.status_code == 400, response.status_code
    return response.context[key][name]


def edit_data(case, **changes):
    data = {
        "title": case.title,
        "summary": "",
        "categories": case.categories,
        "priority": case.priority,
        "country": case.country_id,
        "province": case.province,
        "city": case.city,
        "place": case.place,
        "place_time_zone": case.place_time_zone,
        "partner_body": case.partner_body_id or "",
        "agreement": case.agreement_id or "",
        "post": case.post_id or "",
        "version": case.version,
    }
    data.update(changes)
    return data


def test_the_case_is_edited_and_the_page_says_so(officer, open_case):
    response = act(officer, open_case, "edit", edit_data(open_case, title="Held in a compound"))
    assert response.status_code == 302
    assert response["Location"].endswith("?tab=overview")
    open_case.refresh_from_db()
    assert open_case.title == "Held in a compound" and open_case.version == 3


def test_a_stale_edit_is_refused_with_the_message_and_keeps_what_was_typed(
    officer, personas, open_case
):
    read = edit_data(open_case, title="My careful new title")
    casework.case_update(
        actor=personas.ico,
        case=open_case,
        data={"title": "The office's title"},
        expected_version=open_case.version,
    )
    response = act(officer, open_case, "edit", read)
    form = bound(response, name="edit")
    assert "Someone else changed this case" in " ".join(form.non_field_errors())
    assert form["title"].value() == "My careful new title"
    assert 'value="My careful new title"' in response.content.decode()
    open_case.refresh_from_db()
    assert open_case.title == "The office's title"


def test_an_edit_without_a_title_names_the_field(officer, open_case):
    form = bound(act(officer, open_case, "edit", edit_data(open_case, title="")), name="edit")
    assert "title" in form.errors


def test_a_legal_basis_not_in_force_is_refused_on_its_field(officer, open_case, institutions):
    from liaison.agreements.tests.factories import AgreementFactory

    draft = AgreementFactory(counterpart=open_case.partner_body, institution=institutions.hq)
    response = act(officer, open_case, "edit", edit_data(open_case, agreement=draft.pk))
    assert "agreement" in bound(response, name="edit").errors


def test_triage_sets_the_priority_and_acknowledges(officer, open_case):
    response = act(
        officer, open_case, "triage", {"priority": "high", "note": "Mother called twice."}
    )
    assert response.status_code == 302
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.TRIAGED and open_case.priority == "high"
    assert open_case.triaged_at is not None


def test_triage_without_a_priority_names_the_field(officer, open_case):
    assert "priority" in bound(act(officer, open_case, "triage", {}), name="triage").errors


def test_a_move_the_case_is_not_ready_for_shows_what_is_missing(officer, personas, open_case):
    casework.case_triage(actor=personas.overseas, case=open_case, priority="urgent")
    people.victim_set_status(
        actor=personas.overseas, victim=open_case.victims.get(), status=VictimStatus.RESCUED
    )
    response = act(officer, open_case, "move", {"to_status": "rescue_requested"})
    form = bound(response, name="move")
    assert "a victim recorded as missing, located or confined" in str(form.errors)
    assert "a victim recorded as missing" in response.content.decode()


def test_closing_asks_for_the_outcome_and_reopening_for_the_reason(officer, open_case):
    form = bound(act(officer, open_case, "move", {"to_status": "closed"}), name="move")
    assert "outcome" in form.errors
    response = act(
        officer,
        open_case,
        "move",
        {"to_status": "closed", "outcome": "duplicate", "reason": "Same as C-1."},
    )
    assert response.status_code == 302
    form = bound(act(officer, open_case, "move", {"to_status": "investigation"}), name="move")
    assert "reason" in form.errors
    response = act(
        officer, open_case, "move", {"to_status": "investigation", "reason": "New evidence"}
    )
    assert response.status_code == 302
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.INVESTIGATION


def test_an_unknown_status_or_action_is_a_client_error(officer, open_case):
    assert act(officer, open_case, "move", {"to_status": "flying"}).status_code == 400
    assert act(officer, open_case, "fly").status_code == 404
    assert act(officer, open_case, "victim_edit").status_code == 404  # needs the victim


def test_assignment_takes_a_post_and_officers_and_refuses_others(
    officer, personas, posts, open_case
):
    response = act(
        officer,
        open_case,
        "assign",
        {"post": posts.task_force.pk, "officers": [personas.overseas.pk]},
    )
    assert response.status_code == 302
    assert list(open_case.officers.all()) == [personas.overseas]
    form = bound(
        act(officer, open_case, "assign", {"officers": [personas.analyst.pk]}), name="assign"
    )
    assert "officers" in form.errors


def test_a_victim_is_added_with_the_htcds_context(officer, open_case):
    response = act(
        officer,
        open_case,
        "victim_add",
        {
            "victim-new-name_ko": "박서준",
            "victim-new-status": "confined",
            "victim-new-recruitment_methods": ["ThroughAnOnlineAdvertisement"],
            "victim-new-recruitment_platforms": ["Telegram"],
            "victim-new-means_of_control": ["WithholdsDocuments", "Confinement"],
            "victim-new-exploitation_types": ["ForcedCriminality"],
            "victim-new-consent_to_data_handling": "on",
            "victim-new-passport_number": "M99887766",
        },
    )
    assert response.status_code == 302
    victim = open_case.victims.get(name_ko="박서준")
    assert victim.status == VictimStatus.CONFINED
    assert victim.means_of_control == ["WithholdsDocuments", "Confinement"]
    assert victim.consent_recorded_at is not None
    assert victim.passport_number() == "M99887766"


def test_a_victim_without_a_name_names_the_field(officer, open_case):
    response = act(officer, open_case, "victim_add", {"victim-new-status": "missing"})
    assert "name_ko" in bound(response, name="victim_add").errors


def test_a_victims_edit_keeps_the_passport_when_left_empty_and_refuses_bad_dates(
    officer, open_case
):
    victim = open_case.victims.get()
    prefix = f"victim-{victim.pk}-"
    response = act(
        officer,
        open_case,
        "victim_edit",
        {prefix + "name_ko": "김민준", prefix + "phone": "+855 99 000 111", prefix + "version": 1},
        item=victim,
    )
    assert response.status_code == 302
    victim.refresh_from_db()
    assert victim.phone == "+855 99 000 111" and victim.passport_number() == "M12345678"
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = act(
        officer,
        open_case,
        "victim_edit",
        {prefix + "name_ko": "김민준", prefix + "date_of_birth": future},
        item=victim,
    )
    assert response.status_code == 400
    victim_row = next(v for v in response.context["victims"] if v.pk == victim.pk)
    assert "date_of_birth" in victim_row.edit_form.errors


def test_a_victim_status_change_is_kept_with_its_note_and_a_repeat_is_refused(officer, open_case):
    victim = open_case.victims.get()
    data = {f"status-{victim.pk}-status": "confined", f"status-{victim.pk}-note": "Seen at gate"}
    assert act(officer, open_case, "victim_status", data, item=victim).status_code == 302
    change = victim.status_changes.last()
    assert change.to_status == "confined" and change.note == "Seen at gate"
    response = act(officer, open_case, "victim_status", data, item=victim)
    assert response.status_code == 400
    row = next(v for v in response.context["victims"] if v.pk == victim.pk)
    assert "status" in row.status_form.errors


def test_a_suspect_is_added_and_an_identifier_recorded(officer, open_case, cambodia_police):
    response = act(
        officer,
        open_case,
        "suspect_add",
        {
            "suspect-new-name_latin": "Wang Lei",
            "suspect-new-name_local": "王磊",
            "suspect-new-nationality": cambodia_police.country.pk,
            "suspect-new-roles": ["Guard", "Manager"],
            "suspect-new-arrest_status": "at_large",
        },
    )
    assert response.status_code == 302
    suspect = open_case.suspects.get()
    assert suspect.roles == ["Guard", "Manager"]
    prefix = f"identifier-{suspect.pk}-"
    data = {prefix + "kind": "telegram", prefix + "value": "@wanglei88"}
    assert act(officer, open_case, "identifier_add", data, item=suspect).status_code == 302
    response = act(officer, open_case, "identifier_add", data, item=suspect)
    row = next(s for s in response.context["suspects"] if s.pk == suspect.pk)
    assert response.status_code == 400 and "value" in row.identifier_form.errors


def test_a_suspect_without_a_name_or_with_a_surrender_before_the_arrest_is_refused(
    officer, open_case
):
    response = act(officer, open_case, "suspect_add", {"suspect-new-arrest_status": "at_large"})
    assert "name_latin" in bound(response, name="suspect_add").errors
    response = act(
        officer,
        open_case,
        "suspect_add",
        {
            "suspect-new-name_latin": "Li",
            "suspect-new-arrest_status": "arrested",
            "suspect-new-arrested_on": "2025-05-02",
            "suspect-new-surrendered_on": "2025-05-01",
        },
    )
    assert "surrendered_on" in bound(response, name="suspect_add").errors


def test_a_red_notice_is_for_a_suspect(officer, open_case):
    victim = open_case.victims.get()
    data = {
        "person": f"victim:{victim.pk}",
        "colour": "red",
        "status": "requested",
        "requested_on": timezone.localdate().isoformat(),
    }
    form = bound(act(officer, open_case, "notice_add", data), name="notice_add")
    assert "person" in form.errors
    data["colour"] = "yellow"
    assert act(officer, open_case, "notice_add", data).status_code == 302
    assert open_case.notices.get().victim == victim


def test_timeline_entries_need_text_or_a_file_and_keep_the_file_fingerprint(officer, open_case):
    form = bound(act(officer, open_case, "entry_add", {"kind": "note"}), name="entry_add")
    assert "body" in form.errors
    form = bound(act(officer, open_case, "entry_add", {"kind": "document"}), name="entry_add")
    assert "file" in form.errors
    upload = SimpleUploadedFile("statement.pdf", b"%PDF-1.4 statement", "application/pdf")
    response = act(officer, open_case, "entry_add", {"kind": "document", "file": upload})
    assert response.status_code == 302
    entry = TimelineEntry.objects.get(kind="document")
    assert len(entry.file_sha256) == 64 and entry.file_size == 18


def test_tasks_are_added_for_those_who_can_work_the_case_and_completed_once(
    officer, personas, posts, open_case
):
    due = (timezone.localtime() + datetime.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")
    form = bound(
        act(
            officer,
            open_case,
            "task_add",
            {"title": "Call CNP", "owner": posts.manila_officer.pk, "due_at": due},
        ),
        name="task_add",
    )
    assert "owner" in form.errors
    form = bound(act(officer, open_case, "task_add", {"title": "Call CNP"}), name="task_add")
    assert "due_at" in form.errors and "owner" in form.errors
    data = {"title": "Call CNP", "owner": personas.overseas.pk, "due_at": due}
    assert act(officer, open_case, "task_add", data).status_code == 302
    task = CaseTask.objects.get()
    assert act(officer, open_case, "task_complete", item=task).status_code == 302
    response = act(officer, open_case, "task_complete", item=task)
    assert response.status_code == 400
    assert "already done" in response.content.decode()


def test_an_overdue_task_is_flagged(officer, personas, open_case):
    casework.task_add(
        actor=personas.overseas,
        case=open_case,
        title="Send the photo",
        owner=personas.overseas,
        due_at=timezone.now() - datetime.timedelta(hours=1),
    )
    page = officer.get(reverse("cases:detail", args=[open_case.pk]), {"tab": "work"})
    assert page.context["tasks"][0].is_overdue
    assert "data-task-overdue" in page.content.decode()


def test_a_request_is_sent_to_the_partner_and_its_answer_recorded(officer, open_case):
    form = bound(act(officer, open_case, "request_send", {"kind": "rescue"}), name="request_send")
    assert "subject" in form.errors
    data = {"kind": "rescue", "subject": "Rescue from the Golden Lion compound"}
    assert act(officer, open_case, "request_send", data).status_code == 302
    request = PartnerRequest.objects.get()
    assert request.partner_body == open_case.partner_body
    response = act(
        officer, open_case, "request_answer", {f"answer-{request.pk}-answer": ""}, item=request
    )
    row = next(r for r in response.context["requests"] if r.pk == request.pk)
    assert response.status_code == 400 and "answer" in row.answer_form.errors
    data = {f"answer-{request.pk}-answer": "Raid planned for 05:00."}
    assert act(officer, open_case, "request_answer", data, item=request).status_code == 302
    request.refresh_from_db()
    assert request.answer == "Raid planned for 05:00."


def test_an_item_of_another_case_is_not_found(officer, personas, open_case, received_report):
    from liaison.cases.services import intake
    from liaison.cases.tests.conftest import report_data

    other = intake.case_open(
        actor=personas.overseas,
        reports=[
            intake.report_receive(
                actor=personas.overseas,
                data=report_data(open_case.country, person_name="최지우", passport_number=""),
            )
        ],
        title="Another",
    )
    victim = other.victims.get()
    data = {f"status-{victim.pk}-status": "rescued"}
    assert act(officer, open_case, "victim_status", data, item=victim).status_code == 404
