"""The home page flags what is late: the cases of the officer's scope that missed a
response-time target, and the officer's own open tasks."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from liaison.cases.choices import Milestone, Priority
from liaison.cases.services import casework, intake
from liaison.cases.tests.conftest import report_data

pytestmark = pytest.mark.django_db

H = datetime.timedelta(hours=1)


def late_case(officer, country, post, title, hours_ago=3):
    """An urgent case reported `hours_ago` and not triaged: the one-hour target is missed."""
    report = intake.report_receive(
        actor=officer,
        data=report_data(country, post=post, received_at=timezone.now() - hours_ago * H),
    )
    return intake.case_open(actor=officer, reports=[report], title=title)


@pytest.fixture
def late_cases(personas, posts, cambodia_police, philippines):
    phnom_penh = late_case(
        personas.overseas, cambodia_police.country, posts.task_force, "Held in Sihanoukville"
    )
    manila = late_case(posts.manila_officer, philippines, posts.manila, "Missing in Pampanga")
    return phnom_penh, manila


def home(client):
    response = client.get("/")
    assert response.status_code == 200
    return response


def test_an_overseas_officer_sees_their_overdue_case_and_not_another_posts(
    client_for, personas, late_cases
):
    phnom_penh, manila = late_cases
    response = home(client_for(personas.overseas))
    html = response.content.decode()
    assert 'id="overdue-alert"' in html
    assert f'data-overdue-case="{phnom_penh.pk}"' in html and phnom_penh.reference in html
    assert "Held in Sihanoukville" in html
    assert f'data-overdue-case="{manila.pk}"' not in html and manila.reference not in html
    assert "Acknowledge (triage) the report" in html and "late" in html
    assert f'href="/cases/{phnom_penh.pk}/"' in html
    card = next(c for c in response.context["cards"] if c["key"] == "cases")
    assert (card["summary"]["open"], card["summary"]["overdue"]) == (1, 1)


def test_the_office_sees_every_posts_overdue_cases_with_the_clock_at_the_place(
    client_for, personas, late_cases
):
    html = home(client_for(personas.ico)).content.decode()
    for case in late_cases:
        assert f'data-overdue-case="{case.pk}"' in html
    due = timezone.localtime(late_cases[0].acknowledge_due_at, ZoneInfo("Asia/Phnom_Penh"))
    assert f"{due:%H:%M} Phnom Penh" in html  # the office reads Seoul time, and the place's


def test_triaging_the_case_removes_the_flag(client_for, personas, late_cases):
    phnom_penh, _manila = late_cases
    casework.case_triage(actor=personas.overseas, case=phnom_penh, priority=Priority.URGENT)
    response = home(client_for(personas.overseas))
    assert 'id="overdue-alert"' not in response.content.decode()
    card = next(c for c in response.context["cards"] if c["key"] == "cases")
    assert (card["summary"]["open"], card["summary"]["urgent"], card["summary"]["overdue"]) == (
        1,
        1,
        0,
    )


def test_a_case_that_also_missed_its_rescue_request_names_both_steps(
    client_for, personas, posts, cambodia_police
):
    case = late_case(
        personas.overseas, cambodia_police.country, posts.task_force, "Held", hours_ago=30
    )
    overdue = next(
        c for c in home(client_for(personas.overseas)).context["cards"] if c["key"] == "cases"
    )["summary"]["overdue_list"]
    assert [m["step"] for m in overdue[0].missed] == [
        Milestone.ACKNOWLEDGE,
        Milestone.RESCUE_REQUEST,
    ]
    assert overdue[0].pk == case.pk


def test_the_officers_own_open_tasks_are_listed_by_due_time_with_the_late_ones_red(
    client_for, personas, posts, late_cases
):
    phnom_penh, manila = late_cases
    now = timezone.now()
    later = casework.task_add(
        actor=personas.overseas,
        case=phnom_penh,
        title="Call the CNP duty officer",
        owner=personas.overseas,
        due_at=now + 2 * H,
    )
    late = casework.task_add(
        actor=personas.overseas,
        case=phnom_penh,
        title="Send the photo to the CNP",
        owner=personas.overseas,
        due_at=now - H,
    )
    done = casework.task_add(
        actor=personas.overseas,
        case=phnom_penh,
        title="Already done",
        owner=personas.overseas,
        due_at=now - 2 * H,
    )
    casework.task_complete(actor=personas.overseas, task=done)
    casework.task_add(
        actor=posts.manila_officer,
        case=manila,
        title="Someone else's task",
        owner=posts.manila_officer,
        due_at=now - H,
    )

    response = home(client_for(personas.overseas))

    card = next(c for c in response.context["cards"] if c["key"] == "cases")
    assert [t.pk for t in card["summary"]["tasks"]] == [late.pk, later.pk]
    html = response.content.decode()
    assert f'data-task="{late.pk}" data-overdue' in html
    assert f'data-task="{later.pk}">' in html
    assert "Someone else" not in html and "Already done" not in html


def test_roles_without_case_access_get_no_case_card(client_for, personas, late_cases):
    for who in ("requester", "auditor", "partner"):
        response = home(client_for(getattr(personas, who)))
        keys = [c["key"] for c in response.context["cards"]]
        assert "cases" not in keys and "personnel" not in keys
        assert 'id="overdue-alert"' not in response.content.decode()


def test_the_posts_card_shows_the_officers_own_post_with_its_local_time(
    client_for, personas, posts
):
    response = home(client_for(personas.overseas))
    card = next(c for c in response.context["cards"] if c["key"] == "personnel")
    assert card["summary"]["posts"] == 2 and card["summary"]["officers"] == 2
    assert [m["post"] for m in card["summary"]["mine"]] == [posts.task_force]
    html = response.content.decode()
    assert f'data-my-post="{posts.task_force.pk}"' in html and "/posts/" in html
    there = timezone.localtime(
        card["summary"]["mine"][0]["local_time"], ZoneInfo("Asia/Phnom_Penh")
    )
    assert f"<span data-local-clock>{there:%H:%M}</span>" in html


def test_an_analyst_gets_the_counts_but_no_list_of_case_titles(client_for, personas, late_cases):
    response = home(client_for(personas.analyst))
    card = next(c for c in response.context["cards"] if c["key"] == "cases")
    assert (card["summary"]["open"], card["summary"]["overdue"]) == (2, 2)
    html = response.content.decode()
    assert 'id="overdue-alert"' not in html and "Held in Sihanoukville" not in html
