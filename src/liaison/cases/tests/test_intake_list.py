"""The report list and one report: who sees what (scope, personal data, passports), the
filters and searches, the export, and times shown in the reader's and the place's zone."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison.cases.choices import Category, Channel
from liaison.cases.models import Report
from liaison.cases.services import intake
from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent

from .conftest import report_data

pytestmark = pytest.mark.django_db


def receive(actor, country, **overrides):
    return intake.report_receive(actor=actor, data=report_data(country, **overrides))


def listed(client, **params):
    response = client.get(reverse("cases:report_list"), params)
    assert response.status_code == 200
    return [r.reference for r in response.context["listing"].page]


@pytest.fixture
def reports(personas, posts, cambodia_police, philippines):
    """Three Cambodia reports of the task force and one Manila report."""
    now = timezone.now()
    older = receive(
        personas.overseas,
        cambodia_police.country,
        received_at=now - datetime.timedelta(days=10),
        post=posts.task_force,
        life_at_risk=False,
        channel=Channel.EMBASSY,
        categories=[Category.ONLINE_FRAUD],
        person_name="이서연",
        person_name_latin="LEE Seoyeon",
        person_phone="+855 97 111 2222",
        passport_number="M00000011",
    )
    urgent = receive(personas.overseas, cambodia_police.country, post=posts.task_force)
    quick = intake.report_receive(
        actor=personas.overseas,
        data={"country": cambodia_police.country, "narrative": "Call", "post": posts.task_force},
        quick=True,
    )
    manila = receive(
        posts.manila_officer,
        philippines,
        post=posts.manila,
        city="Manila",
        person_name="박지훈",
        person_name_latin="PARK Jihoon",
    )
    return {"older": older, "urgent": urgent, "quick": quick, "manila": manila}


def test_anonymous_visitors_are_sent_to_sign_in(client, received_report):
    for url in (
        reverse("cases:report_list"),
        reverse("cases:report_detail", args=[received_report.pk]),
        reverse("cases:quick_intake"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and reverse("core:login") in response["Location"]


@pytest.mark.parametrize("persona", ["requester", "auditor", "partner", "outsider"])
def test_roles_without_cases_are_refused_every_intake_page(
    client_for, personas, received_report, persona
):
    client = client_for(getattr(personas, persona))
    for url in (
        reverse("cases:report_list"),
        reverse("cases:report_detail", args=[received_report.pk]),
        reverse("cases:report_new"),
        reverse("cases:quick_intake"),
        reverse("cases:unprocessed"),
        reverse("cases:report_edit", args=[received_report.pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("cases:report_duplicates"), {}).status_code == 403


@pytest.mark.parametrize("persona", ["analyst", "commissioner"])
def test_roles_that_read_cases_cannot_take_reports(client_for, personas, received_report, persona):
    client = client_for(getattr(personas, persona))
    assert client.get(reverse("cases:report_list")).status_code == 200
    for url in (reverse("cases:report_new"), reverse("cases:quick_intake")):
        assert client.get(url).status_code == 403
        assert client.post(url, {"narrative": "x"}).status_code == 403
    assert client.get(reverse("cases:report_edit", args=[received_report.pk])).status_code == 403
    assert not Report.objects.exclude(pk=received_report.pk).exists()


def test_an_officer_sees_the_reports_of_their_post_newest_first_and_the_office_sees_all(
    client_for, personas, posts, reports
):
    r = reports
    mine = listed(client_for(personas.overseas))
    assert mine == [r["quick"].reference, r["urgent"].reference, r["older"].reference]
    assert listed(client_for(posts.manila_officer)) == [r["manila"].reference]
    assert len(listed(client_for(personas.ico))) == 4


def test_urgent_and_to_complete_reports_are_flagged_in_the_list(client_for, personas, reports):
    html = client_for(personas.overseas).get(reverse("cases:report_list")).content.decode()
    urgent_row = html.split(f'data-report="{reports["urgent"].pk}"')[1].split("</tr>")[0]
    quick_row = html.split(f'data-report="{reports["quick"].pk}"')[1].split("</tr>")[0]
    assert 'data-flag="urgent"' in urgent_row and "table-danger" in html
    assert 'data-flag="to-complete"' in quick_row
    assert 'data-flag="urgent"' not in html.split(f'data-report="{reports["older"].pk}"')[1]


def test_the_filters_narrow_the_list(client_for, personas, reports):
    r, client = reports, client_for(personas.ico)
    assert listed(client, flag="to_complete") == [r["quick"].reference]
    assert listed(client, channel="embassy") == [r["older"].reference]
    assert listed(client, category="online_fraud") == [r["older"].reference]
    assert listed(client, country="PH") == [r["manila"].reference]
    today = timezone.localdate()
    assert r["older"].reference not in listed(client, date_from=today - datetime.timedelta(days=2))
    assert listed(client, date_to=today - datetime.timedelta(days=5)) == [r["older"].reference]
    assert r["quick"].reference not in listed(client, flag="urgent")
    assert listed(client, status="dismissed") == []


def test_a_bad_filter_is_shown_on_the_form_not_a_server_error(client_for, personas, reports):
    response = client_for(personas.ico).get(
        reverse("cases:report_list"), {"date_from": "2026-05-01", "date_to": "2026-04-01"}
    )
    assert response.status_code == 200
    assert response.context["listing"].total == 0
    assert "The end date comes before the start date." in response.content.decode()


def test_a_name_is_found_in_another_spelling_and_a_phone_in_another_format(
    client_for, personas, reports
):
    client = client_for(personas.ico)
    assert listed(client, q="Yi Seo-yeon") == [reports["older"].reference]
    assert listed(client, q="이서연") == [reports["older"].reference]
    assert listed(client, q="097 111 2222") == [reports["older"].reference]
    assert listed(client, q=reports["manila"].reference) == [reports["manila"].reference]


def test_an_analyst_searches_by_reference_only(client_for, personas, reports):
    client = client_for(personas.analyst)
    assert listed(client, q="LEE Seoyeon") == []
    assert listed(client, q=reports["older"].reference) == [reports["older"].reference]


def test_the_passport_search_is_exact_and_only_for_those_who_see_passports(
    client_for, personas, reports
):
    client = client_for(personas.ico)
    sent = client.post(
        reverse("cases:passport_search"), {"passport": "m0000 0011", "list": "reports"}
    )
    assert sent.status_code == 302 and "0011" not in sent.url
    assert sent.url.startswith(reverse("cases:report_list") + "?passport_search=")
    page = client.get(sent.url)
    assert [r.reference for r in page.context["listing"].page] == [reports["older"].reference]
    assert "•••••••11" in page.content.decode()
    analyst = client_for(personas.analyst)
    refused = analyst.post(reverse("cases:passport_search"), {"passport": "M00000011"})
    assert refused.status_code == 403
    listing = analyst.get(reverse("cases:report_list"), {"passport_search": "x"})
    assert "passport_search" not in listing.context["listing"].form.fields
    assert listing.context["listing"].total == 4  # the parameter is ignored


def export(client, **params):
    response = client.get(reverse("cases:report_list"), {"export": "csv", **params})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_export_has_names_only_for_those_who_may_see_them_and_is_audited(
    client_for, personas, reports
):
    rows = export(client_for(personas.ico), country="KH")
    assert "Person" in rows[0] and len(rows) == 4
    assert any("이서연 / LEE Seoyeon" in row for row in rows)
    assert "What happened" in rows[0] and "Reporter's contact" in rows[0]
    analyst_rows = export(client_for(personas.analyst))
    assert "Person" not in analyst_rows[0]
    cells = [cell for row in analyst_rows for cell in row]
    assert not any("LEE Seoyeon" in cell or "held in a compound" in cell for cell in cells)
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=personas.analyst).exists()


def test_an_officer_without_the_export_right_cannot_export(client_for, personas, reports):
    response = client_for(personas.overseas).get(reverse("cases:report_list"), {"export": "csv"})
    assert response.status_code == 403


def test_the_list_costs_the_same_queries_for_three_or_thirty_reports(
    client_for, personas, posts, cambodia_police, django_assert_max_num_queries
):
    client = client_for(personas.ico)
    for _ in range(3):
        receive(personas.overseas, cambodia_police.country, post=posts.task_force)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("cases:report_list"))
    for _ in range(20):
        receive(personas.overseas, cambodia_police.country, post=posts.task_force)
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("cases:report_list"))


def test_the_report_page_shows_times_in_the_readers_and_the_places_zone(
    client_for, personas, received_report
):
    html = (
        client_for(personas.ico)
        .get(reverse("cases:report_detail", args=[received_report.pk]))
        .content.decode()
    )
    seoul = timezone.localtime(
        received_report.received_at, datetime.timezone(datetime.timedelta(hours=9))
    )
    there = received_report.received_at + datetime.timedelta(hours=7)
    assert f"{seoul:%Y-%m-%d %H:%M} KST" in html
    assert f"({there:%Y-%m-%d %H:%M} Phnom Penh)" in html


def test_the_report_page_masks_the_passport_and_records_who_looked(
    client_for, personas, received_report
):
    response = client_for(personas.overseas).get(
        reverse("cases:report_detail", args=[received_report.pk])
    )
    html = response.content.decode()
    assert "M12345678" not in html and "•••••••78" not in html
    assert '<dd class="col-sm-8" id="passport">••••••78</dd>' in html
    assert "김민준" in html and "held in a compound" in html
    viewed = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert viewed.actor == personas.overseas
    assert viewed.object_type == "cases.report" and viewed.object_id == str(received_report.pk)


def test_an_analyst_sees_the_facts_of_a_report_without_who_or_what_was_said(
    client_for, personas, received_report
):
    response = client_for(personas.analyst).get(
        reverse("cases:report_detail", args=[received_report.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sihanoukville" in html and received_report.reference in html
    for personal in (
        "김민준",
        "KIM Minjun",
        "Kim Young-hee",
        "+82 10-1234-5678",
        "held in a compound",
        "••78",
    ):
        assert personal not in html
    assert 'id="facts-only"' in html
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


def test_a_quick_intake_offers_to_be_completed_from_its_page(client_for, personas, reports):
    html = (
        client_for(personas.overseas)
        .get(reverse("cases:report_detail", args=[reports["quick"].pk]))
        .content.decode()
    )
    assert "Complete the report" in html
    assert reverse("cases:report_edit", args=[reports["quick"].pk]) in html
