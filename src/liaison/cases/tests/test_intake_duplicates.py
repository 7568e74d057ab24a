"""Possible duplicates shown at intake (after saving, and live while typing), and what is
done with a new report: attached to a case, a case opened from it, or dismissed — only by
those who may work it."""

import pytest
from django.urls import reverse

from liaison.cases.choices import Priority, ReportStatus
from liaison.cases.models import Case, IntakeSubmission, Report
from liaison.cases.services import intake
from liaison.core.models import AuditEvent

from .conftest import report_data

pytestmark = pytest.mark.django_db


def detail(client, report):
    return client.get(reverse("cases:report_detail", args=[report.pk]))


def act(client, report, action, data):
    return client.post(reverse("cases:report_action", args=[report.pk, action]), data)


def test_the_report_page_lists_an_earlier_report_with_the_same_phone(
    client_for, personas, received_report, same_phone_report
):
    page = detail(client_for(personas.overseas), same_phone_report)
    (found,) = page.context["work"].duplicates
    assert found.report == received_report and found.reasons == ["same phone number"]
    html = page.content.decode()
    assert f'data-duplicate-report="{received_report.pk}"' in html
    assert "same phone number" in html
    assert page.context["forms"]["open"].fields["also"].choices == [
        (received_report.pk, received_report.reference)
    ]


def test_the_live_check_finds_duplicates_while_typing_and_writes_nothing(
    client_for, personas, received_report, cambodia_police
):
    counts = (Report.objects.count(), AuditEvent.objects.count(), IntakeSubmission.objects.count())
    response = client_for(personas.overseas).post(
        reverse("cases:report_duplicates"),
        {"country": cambodia_police.country.code, "person_name_latin": "Gim Min-jun"},
    )
    assert response.status_code == 200
    (found,) = response.context["work"].duplicates
    assert found.report == received_report and "same name" in found.reasons
    assert received_report.reference in response.content.decode()
    after = (Report.objects.count(), AuditEvent.objects.count(), IntakeSubmission.objects.count())
    assert after == counts


def test_the_live_check_finds_the_same_passport(
    client_for, personas, received_report, cambodia_police
):
    response = client_for(personas.overseas).post(
        reverse("cases:report_duplicates"), {"passport_number": "m1234 5678"}
    )
    assert "same passport number" in response.content.decode()


def test_the_live_check_on_a_report_being_completed_does_not_list_the_report_itself(
    client_for, personas, received_report, same_phone_report
):
    response = client_for(personas.overseas).post(
        reverse("cases:report_duplicates"),
        {"person_phone": "+855 12 345 678", "exclude": str(received_report.pk)},
    )
    assert [d.report for d in response.context["work"].duplicates] == [same_phone_report]


def test_the_live_check_with_nothing_typed_asks_for_the_person(client_for, personas, posts):
    response = client_for(personas.overseas).post(reverse("cases:report_duplicates"), {})
    assert response.context["work"] is None
    assert "Type the person's name" in response.content.decode()


def test_matches_at_another_post_are_counted_but_not_shown(
    client_for, posts, received_report, cambodia_police
):
    response = client_for(posts.manila_officer).post(
        reverse("cases:report_duplicates"),
        {"country": cambodia_police.country.code, "person_phone": "+855 12 345 678"},
    )
    work = response.context["work"]
    assert work.duplicates == [] and work.hidden == 1
    html = response.content.decode()
    assert received_report.reference not in html
    assert "1 more possible match outside your posts" in html


def test_opening_a_case_from_two_reports_goes_to_the_case(
    client_for, personas, received_report, same_phone_report
):
    response = act(
        client_for(personas.overseas),
        same_phone_report,
        "open",
        {"title": "Confinement in Sihanoukville", "also": [received_report.pk]},
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert set(case.reports.all()) == {received_report, same_phone_report}
    assert case.priority == Priority.URGENT  # a life is at risk in the reports
    assert case.victims.count() == 1  # the same person, not two victims


def test_a_case_needs_a_title(client_for, personas, received_report):
    response = act(client_for(personas.overseas), received_report, "open", {"title": ""})
    assert response.status_code == 400
    assert response.context["forms"]["open"].errors["title"] == ["Give the case a title."]
    assert not Case.objects.exists()


def test_a_report_is_attached_to_a_case_offered_as_a_duplicate(
    client_for, personas, open_case, cambodia_police
):
    other = intake.report_receive(
        actor=personas.overseas,
        data=report_data(cambodia_police.country, passport_number="", channel="embassy"),
    )
    client = client_for(personas.overseas)
    offered = detail(client, other).context["forms"]["attach"].fields["case"].choices
    assert offered[0][0] == open_case.pk
    response = act(client, other, "attach", {"case": open_case.pk})
    assert response["Location"] == reverse("cases:detail", args=[open_case.pk])
    other.refresh_from_db()
    assert other.case == open_case and other.status == ReportStatus.ATTACHED
    page = detail(client, other)
    assert f'href="{reverse("cases:detail", args=[open_case.pk])}"' in page.content.decode()


def test_a_report_is_attached_by_the_case_reference(
    client_for, personas, open_case, posts, cambodia_police
):
    other = intake.report_receive(
        actor=personas.overseas,
        data=report_data(
            cambodia_police.country,
            city="Kampot",
            person_name="",
            person_name_latin="",
            person_phone="",
            passport_number="",
            post=posts.task_force,
        ),
    )
    response = act(
        client_for(personas.overseas),
        other,
        "attach",
        {"case_reference": open_case.reference.lower()},
    )
    assert response.status_code == 302
    assert Report.objects.get(pk=other.pk).case == open_case


def test_an_unknown_case_reference_is_refused_with_a_message(client_for, personas, received_report):
    response = act(
        client_for(personas.overseas), received_report, "attach", {"case_reference": "C-1999-9"}
    )
    assert response.status_code == 400
    assert "There is no such case that you can see." in response.content.decode()


def test_a_report_is_dismissed_with_a_reason(client_for, personas, received_report):
    client = client_for(personas.overseas)
    refused = act(client, received_report, "dismiss", {"reason": ""})
    assert refused.status_code == 400
    errors = refused.context["forms"]["dismiss"].errors
    assert errors["reason"] == ["Say why the report is dismissed."]
    assert act(client, received_report, "dismiss", {"reason": "Prank call"}).status_code == 302
    received_report.refresh_from_db()
    assert received_report.status == ReportStatus.DISMISSED
    assert received_report.dismissed_reason == "Prank call"
    page = detail(client, received_report)
    assert page.context["forms"] == {}  # nothing more to do with it


def test_a_second_attempt_on_a_handled_report_is_refused_with_a_message(
    client_for, personas, open_case
):
    report = open_case.reports.get()
    response = act(client_for(personas.overseas), report, "dismiss", {"reason": "again"})
    assert response.status_code == 400
    assert "already attached to a case or dismissed" in response.content.decode()


def test_another_posts_officer_can_neither_see_nor_handle_a_cambodia_report(
    client_for, posts, received_report, open_case
):
    client = client_for(posts.manila_officer)
    assert detail(client, received_report).status_code == 404
    assert client.get(reverse("cases:report_edit", args=[received_report.pk])).status_code == 404
    report = Report.objects.create(
        reference="R-TEST-1",
        channel="family",
        received_at=received_report.received_at,
        country=received_report.country,
        narrative="another",
        place_time_zone="Asia/Phnom_Penh",
        post=received_report.post,
    )
    for action, data in (
        ("attach", {"case": open_case.pk}),
        ("open", {"title": "Taken over"}),
        ("dismiss", {"reason": "Not ours"}),
    ):
        assert act(client, report, action, data).status_code == 404
    report.refresh_from_db()
    assert report.status == ReportStatus.NEW and report.case is None


@pytest.mark.parametrize("persona", ["analyst", "commissioner"])
def test_roles_that_do_not_work_cases_cannot_handle_reports(
    client_for, personas, received_report, persona
):
    client = client_for(getattr(personas, persona))
    assert act(client, received_report, "dismiss", {"reason": "x"}).status_code == 403
    assert act(client, received_report, "open", {"title": "x"}).status_code == 403
    assert detail(client, received_report).context["forms"] == {}
    received_report.refresh_from_db()
    assert received_report.status == ReportStatus.NEW


def test_an_unknown_action_is_not_found(client_for, personas, received_report):
    assert act(client_for(personas.overseas), received_report, "burn", {}).status_code == 404
