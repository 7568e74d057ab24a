"""`GET /api/v1/cases/` gives, for each case, what the case's own record gives (names only
to those who may see them, in the order the record lists them) and reads a page of cases
in the same number of queries however many cases it holds."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from liaison.cases.api import CaseOut
from liaison.cases.models import Victim

from .conftest import overdue_case
from .test_api_cases import BASE, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(open_case, personas, posts, cambodia_police):
    """The open case with a second victim (the record lists them in order), an overdue case
    and one closed a day ago."""
    Victim.objects.create(case=open_case, name_ko="", name_latin="LEE Jiwoo")
    late = overdue_case(personas, posts, cambodia_police.country, title="Never acknowledged")
    closed = overdue_case(personas, posts, cambodia_police.country, title="Closed since")
    closed.status, closed.outcome = "closed", "victim_safe"
    closed.closed_at = timezone.now() - datetime.timedelta(days=1)
    closed.save()
    return [open_case, late, closed]


@pytest.mark.parametrize("who", ["ico", "overseas", "analyst"])
def test_each_item_of_the_list_is_what_the_cases_record_says(cases, personas, who):
    client = token_client(getattr(personas, who))
    page = client.get(BASE).json()
    assert page["count"] == len(page["items"]) == 3
    for item in page["items"]:
        record = client.get(f"{BASE}{item['id']}").json()
        assert item == {name: record[name] for name in CaseOut.model_fields}
    by_title = {item["title"]: item for item in page["items"]}
    assert by_title["Never acknowledged"]["overdue"] == ["acknowledge"]
    assert by_title["Closed since"]["overdue"] == []
    victims = by_title["Confinement in Sihanoukville"]["victims"]
    assert victims == (None if who == "analyst" else ["김민준 (KIM Minjun)", "LEE Jiwoo"])


def test_the_list_reads_a_page_of_many_cases_in_the_queries_of_one(
    open_case, personas, posts, cambodia_police
):
    client = token_client(personas.ico)
    client.get(BASE)  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as one:
        assert client.get(BASE).json()["count"] == 1
    for n in range(4):
        case = overdue_case(personas, posts, cambodia_police.country, title=f"Case {n}")
        Victim.objects.create(case=case, name_latin=f"PARK Victim {n}")
    with CaptureQueriesContext(connection) as five:
        assert client.get(BASE).json()["count"] == 5
    assert len(five.captured_queries) == len(one.captured_queries)
