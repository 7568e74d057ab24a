"""The working list of cases: search across scripts and spellings, exact passport search,
filters, sorting, saved filters and export, each for the people allowed to use them."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from liaison.cases import selectors, workflow
from liaison.cases.choices import CaseStatus, Category, Outcome
from liaison.cases.services import casework, intake
from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent, SavedFilter
from liaison.core.sql import Literal

from .conftest import report_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def manila_case(personas, posts, philippines):
    """A homicide reported ten days ago in Manila, about another person."""
    report = intake.report_receive(
        actor=personas.ico,
        data=report_data(
            philippines,
            received_at=timezone.now() - datetime.timedelta(days=10),
            province="Metro Manila",
            city="Manila",
            place="Malate",
            categories=[Category.HOMICIDE],
            person_name="이서연",
            person_name_latin="LEE Seoyeon",
            person_phone="+63 917 555 0101",
            passport_number="P7654321",
            life_at_risk=False,
            post=posts.manila,
        ),
    )
    return intake.case_open(actor=personas.ico, reports=[report], title="Homicide in Malate")


def found(client, **params):
    response = client.get(reverse("cases:list"), params)
    assert response.status_code == 200
    return [case.reference for case in response.context["listing"].page]


@pytest.mark.parametrize("query", ["Kim Min-jun", "kim minjun", "김민준", "Minjun KIM"])
def test_a_victim_is_found_by_name_in_either_script_and_any_spacing(
    client_for, personas, open_case, manila_case, query
):
    assert found(client_for(personas.ico), q=query) == [open_case.reference]


def test_a_phone_number_is_found_in_another_format(client_for, personas, open_case, manila_case):
    client = client_for(personas.ico)
    assert found(client, q="012 345 678") == [open_case.reference]  # stored +855 12 345 678
    assert found(client, q="0917-555-0101") == [manila_case.reference]


def search_passport(client, number: str) -> str:
    """Searches by passport as the page does (a POST); the address of the results."""
    response = client.post(reverse("cases:passport_search"), {"passport": number})
    assert response.status_code == 302
    return response.url


def found_by_passport(client, number: str) -> list[str]:
    response = client.get(search_passport(client, number))
    assert response.status_code == 200
    return [case.reference for case in response.context["listing"].page]


def test_a_passport_number_is_found_exactly_and_only_whole(
    client_for, personas, open_case, manila_case
):
    client = client_for(personas.ico)
    assert found_by_passport(client, "m1234 5678") == [open_case.reference]
    assert found_by_passport(client, "M1234567") == []


def test_who_may_not_see_passports_has_no_passport_search(
    client_for, personas, open_case, manila_case
):
    client = client_for(personas.analyst)
    refused = client.post(reverse("cases:passport_search"), {"passport": "M12345678"})
    assert refused.status_code == 403
    response = client.get(reverse("cases:list"), {"passport_search": "x", "status": "all"})
    assert "passport_search" not in response.context["listing"].form.fields
    assert response.context["listing"].total == 2  # nothing was searched for
    assert 'id="passport-search"' not in response.content.decode()


def test_the_list_filters_by_category_place_country_and_post(
    client_for, personas, posts, open_case, manila_case, philippines
):
    client = client_for(personas.ico)
    assert found(client, category=Category.HOMICIDE) == [manila_case.reference]
    assert found(client, category=Category.CONFINEMENT) == [open_case.reference]
    assert found(client, place="sihanoukville") == [open_case.reference]
    assert found(client, country=philippines.pk) == [manila_case.reference]
    assert found(client, post=posts.task_force.pk) == [open_case.reference]


def test_the_list_shows_open_cases_unless_asked_and_filters_by_status(
    client_for, personas, open_case, manila_case
):
    workflow.case_transition(
        actor=personas.ico, case=manila_case, to_status=CaseStatus.CLOSED, outcome=Outcome.NO_CRIME
    )
    casework.case_triage(actor=personas.overseas, case=open_case, priority="urgent")
    client = client_for(personas.ico)
    assert found(client) == [open_case.reference]
    assert sorted(found(client, status="all")) == sorted(
        [open_case.reference, manila_case.reference]
    )
    assert found(client, status="closed") == [manila_case.reference]
    assert found(client, status="triaged") == [open_case.reference]


def test_the_list_filters_by_the_date_first_reported(client_for, personas, open_case, manila_case):
    client = client_for(personas.ico)
    today = timezone.localdate()
    earlier = today - datetime.timedelta(days=12)
    assert found(client, reported_from=today - datetime.timedelta(days=1)) == [open_case.reference]
    assert found(client, reported_from=earlier, reported_to=today - datetime.timedelta(days=5)) == [
        manila_case.reference
    ]


def test_a_date_range_the_wrong_way_round_is_shown_on_the_form(client_for, personas, open_case):
    response = client_for(personas.ico).get(
        reverse("cases:list"), {"reported_from": "2025-05-02", "reported_to": "2025-05-01"}
    )
    assert response.status_code == 200
    assert "reported_to" in response.context["listing"].form.errors
    assert response.context["listing"].total == 0


def test_urgent_and_overdue_cases_come_first_and_are_flagged(
    client_for, personas, open_case, manila_case
):
    # The open case is urgent and its one-hour acknowledgement target has passed; the
    # Manila case is acknowledged and its rescue target is still ahead.
    Case = open_case.__class__
    Case.objects.filter(pk=open_case.pk).update(
        acknowledge_due_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    Case.objects.filter(pk=manila_case.pk).update(
        triaged_at=timezone.now(),
        rescue_request_due_at=timezone.now() + datetime.timedelta(hours=1),
    )
    client = client_for(personas.ico)
    assert found(client) == [open_case.reference, manila_case.reference]
    assert found(client, overdue="on") == [open_case.reference]
    assert found(client, priority="normal") == [manila_case.reference]
    assert found(client, sort="reference")[0] < found(client, sort="-reference")[0]
    page = client.get(reverse("cases:list")).content.decode()
    row = page.split(f'data-case="{open_case.pk}"')[1].split("</tr>")[0]
    assert 'data-priority="urgent"' in row and 'data-overdue="true"' in row


def test_an_overseas_officer_lists_only_the_cases_of_their_post(
    client_for, personas, posts, open_case, manila_case
):
    assert found(client_for(personas.overseas), status="all") == [open_case.reference]
    assert found(client_for(posts.manila_officer), status="all") == [manila_case.reference]


@pytest.mark.parametrize("persona", ["requester", "auditor", "partner"])
def test_roles_without_cases_are_refused_the_list(client_for, personas, persona):
    assert client_for(getattr(personas, persona)).get(reverse("cases:list")).status_code == 403


def test_an_analyst_lists_cases_without_names(client_for, personas, open_case):
    page = client_for(personas.analyst).get(reverse("cases:list")).content.decode()
    assert open_case.reference in page
    assert "김민준" not in page and "KIM Minjun" not in page


def test_a_saved_filter_comes_back_in_one_click_and_never_keeps_a_passport(
    client_for, personas, open_case, manila_case
):
    client = client_for(personas.ico)
    query = "q=kim+minjun&status=all&passport_search=Ab12&page=2"
    response = client.post(reverse("cases:filter_save"), {"name": "Kim family", "query": query})
    assert response.status_code == 302
    saved = SavedFilter.objects.get(owner=personas.ico, list_name="cases")
    assert saved.query == "q=kim+minjun&status=all"
    page = client.get(reverse("cases:list"))
    assert page.context["saved_filters"].get() == saved
    assert 'href="?q=kim+minjun&amp;status=all"' in page.content.decode()
    assert found(client, q="kim minjun", status="all") == [open_case.reference]

    # Saving again under the same name replaces the query; another user cannot delete it.
    client.post(reverse("cases:filter_save"), {"name": "Kim family", "query": "status=closed"})
    assert SavedFilter.objects.get(pk=saved.pk).query == "status=closed"
    other = client_for(personas.overseas).post(reverse("cases:filter_delete", args=[saved.pk]))
    assert other.status_code == 404
    assert client.post(reverse("cases:filter_delete", args=[saved.pk])).status_code == 302
    assert not SavedFilter.objects.exists()


def test_a_saved_filter_needs_a_name(client_for, personas):
    response = client_for(personas.ico).post(reverse("cases:filter_save"), {"name": ""})
    assert response.status_code == 302
    assert not SavedFilter.objects.exists()


def test_the_office_exports_with_names_and_the_export_is_recorded(client_for, personas, open_case):
    client = client_for(personas.ico)
    response = client.get(search_passport(client, "M12345678") + "&export=csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert open_case.reference in text and "김민준" in text
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert "M12345678" not in event.reason and "passport_search=•••••••78" in event.reason


def test_an_analyst_export_has_no_names_or_phones(client_for, personas, open_case):
    response = client_for(personas.analyst).get(reverse("cases:list"), {"export": "xlsx"})
    assert response.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(response.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert open_case.reference in cells
    joined = " ".join(cells)
    assert "김민준" not in joined and "Minjun" not in joined and "345 678" not in joined
    assert "Victim names" not in joined


def test_an_overseas_officer_may_not_export(client_for, personas, open_case):
    response = client_for(personas.overseas).get(reverse("cases:list"), {"export": "csv"})
    assert response.status_code == 403


def test_the_list_runs_a_fixed_number_of_queries(
    client_for, personas, open_case, django_assert_max_num_queries
):
    for n in range(8):
        report = intake.report_receive(
            actor=personas.ico,
            data=report_data(open_case.country, person_name=f"박{n}", passport_number=""),
        )
        intake.case_open(actor=personas.ico, reports=[report], title=f"Case {n}")
    client = client_for(personas.ico)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("cases:list"))
    assert response.context["listing"].total == 9


def test_the_export_runs_a_fixed_number_of_queries(
    client_for, personas, open_case, django_assert_max_num_queries
):
    for n in range(8):
        report = intake.report_receive(actor=personas.ico, data=report_data(open_case.country))
        case = intake.case_open(actor=personas.ico, reports=[report], title=f"Case {n}")
        casework.case_update(
            actor=personas.ico,
            case=case,
            data={"agreement": open_case.agreement},
            expected_version=case.version,
        )
    client = client_for(personas.ico)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("cases:list"), {"export": "csv"})
    assert response.content.decode("utf-8-sig").count(open_case.agreement.reference) == 9


@pytest.mark.parametrize(
    ("language", "country", "post"),
    [("en", "Cambodia", "Korea–Cambodia Joint Task Force"), ("ko", "캄보디아", "한-캄 합동대응팀")],
)
def test_a_row_shows_place_post_victims_and_legal_basis_in_the_readers_language(
    client_for, personas, posts, open_case, language, country, post
):
    posts.task_force.name_ko = "한-캄 합동대응팀"
    posts.task_force.save()
    open_case.__class__.objects.filter(pk=open_case.pk).update(post=posts.task_force)
    personas.ico.language = language
    personas.ico.save(update_fields=["language"])
    page = client_for(personas.ico).get(reverse("cases:list")).content.decode()
    row = page.split(f'data-case="{open_case.pk}"')[1].split("</tr>")[0]
    assert f'<a href="{reverse("cases:detail", args=[open_case.pk])}">' in row
    agreement = open_case.agreement
    url = reverse("agreements:detail", args=[agreement.pk])
    assert f'<a href="{url}">{agreement.reference}</a>' in row
    assert 'data-victims="1"' in row and "김민준 (KIM Minjun)" in row
    assert country in row and post in row and open_case.where in row


def test_the_list_offers_the_intake_pages_to_officers_only(client_for, personas):
    page = client_for(personas.overseas).get(reverse("cases:list")).content.decode()
    for name in ("cases:quick_intake", "cases:report_new", "cases:report_list"):
        assert f'href="{reverse(name)}"' in page
    page = client_for(personas.analyst).get(reverse("cases:list")).content.decode()
    assert f'href="{reverse("cases:quick_intake")}"' not in page


def test_the_open_worklist_is_asked_for_in_the_words_of_its_partial_indexes(personas, philippines):
    # "Not closed" goes into the SQL as the indexes' own literal: given it, SQLite reads
    # the index alone; given "status = ?", it fetches the table row of every open case
    # of the country to test the status again (20 ms instead of 1 ms for the count at
    # 500,000 cases). "status IN (every other status)" would not use the index at all.
    cases = selectors.case_filter(selectors.list_queryset(personas.ico), {"country": philippines})
    sql, params = cases.query.sql_with_params()
    assert 'NOT ("cases_case"."status" = \'closed\')' in sql
    assert CaseStatus.CLOSED not in params
    if connection.vendor == "sqlite":
        worklist = selectors.ordered(cases, selectors.default_sort({}))[:50]
        assert "case_open_country_worklist" in _query_plan(worklist)


def _query_plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " ".join(str(row) for row in cursor.fetchall())


def test_only_a_plain_word_is_written_into_the_sql():
    with pytest.raises(ValueError):
        Literal("closed' OR '1'='1")


def test_a_search_that_matches_nothing_says_so_in_the_readers_language(
    client_for, personas, open_case
):
    personas.ico.language = "ko"
    personas.ico.save(update_fields=["language"])
    response = client_for(personas.ico).get(reverse("cases:list"), {"q": "nobody by that name"})
    assert response.context["listing"].total == 0
    assert "일치하는 사건이 없습니다." in response.content.decode()
