"""Two officers save the same case at the same moment, each from the version they read:
exactly one save wins and the other is told someone else changed the case. Nothing is
silently overwritten."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import translation

from liaison.cases.models import Case
from liaison.cases.services import casework

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL's two connections"
    ),
    pytest.mark.django_db(transaction=True),
]


def _race(saves):
    """Runs each save in its own thread and database connection, all at once."""
    barrier = threading.Barrier(len(saves))
    outcomes = [None] * len(saves)

    def run(index, save):
        from django.db import connections

        try:
            barrier.wait()
            # The language is per thread: the tests read English (conftest), so do these.
            with translation.override("en"):
                outcomes[index] = save()
        except ValidationError as refused:
            outcomes[index] = refused.messages[0]
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(saves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_officers_saving_the_same_version_one_wins_the_other_is_told(open_case, personas):
    version = open_case.version

    def save_as(user, title):
        def save():
            casework.case_update(
                actor=user,
                case=Case.objects.get(pk=open_case.pk),
                data={"title": title},
                expected_version=version,
            )
            return "ok"

        return save

    outcomes = _race(
        [save_as(personas.overseas, "Officer's title"), save_as(personas.ico, "Office's title")]
    )
    assert outcomes.count("ok") == 1
    (refusal,) = [o for o in outcomes if o != "ok"]
    assert "Someone else changed this case" in refusal
    open_case.refresh_from_db()
    assert open_case.version == version + 1
    winner = "Officer's title" if outcomes[0] == "ok" else "Office's title"
    assert open_case.title == winner


def test_through_the_page_the_second_save_is_refused_and_keeps_what_was_typed(
    open_case, personas, client_for
):
    version = open_case.version
    form = {
        "title": "",
        "categories": open_case.categories,
        "priority": open_case.priority,
        "country": open_case.country_id,
        "place_time_zone": open_case.place_time_zone,
        "partner_body": open_case.partner_body_id,
        "agreement": open_case.agreement_id,
        "post": open_case.post_id,
        "version": version,
    }
    clients = {"overseas": client_for(personas.overseas), "ico": client_for(personas.ico)}
    url = reverse("cases:action", args=[open_case.pk, "edit"])

    def post_as(name):
        def post():
            response = clients[name].post(url, {**form, "title": f"Title by {name}"})
            return response.status_code

        return post

    codes = _race([post_as("overseas"), post_as("ico")])
    assert sorted(codes) == [302, 400]
    open_case.refresh_from_db()
    assert open_case.version == version + 1
    assert open_case.title in ("Title by overseas", "Title by ico")


def test_cases_opened_at_once_in_one_month_and_country_are_all_counted(
    personas, posts, cambodia_police
):
    from liaison.cases import figures
    from liaison.cases.models import CaseMonthCount
    from liaison.cases.services import intake

    from .conftest import report_data

    reports = [
        intake.report_receive(
            actor=personas.ico, data=report_data(cambodia_police.country, post=posts.task_force)
        )
        for _ in range(4)
    ]

    def open_from(report):
        def open_case():
            intake.case_open(actor=personas.ico, reports=[report], title=report.reference)
            return "ok"

        return open_case

    assert _race([open_from(r) for r in reports]) == ["ok"] * 4
    counted = CaseMonthCount.objects.get(country=cambodia_police.country, category="")
    assert counted.cases == 4
    figures.rebuild()
    assert CaseMonthCount.objects.get(country=cambodia_police.country, category="").cases == 4


def test_reports_received_at_the_same_moment_each_get_their_own_reference(
    personas, posts, cambodia_police
):
    from django.utils import timezone

    from liaison.cases.models import Report
    from liaison.cases.services import intake

    def receive(number):
        def call():
            return intake.report_receive(
                actor=personas.overseas,
                data={"country": cambodia_police.country, "narrative": f"Call {number}"},
                quick=True,
            )

        return call

    received = _race([receive(number) for number in range(4)])
    year = timezone.localtime().year
    assert [r.reference for r in received] == [f"R-{year}-{r.pk:06d}" for r in received]
    stored = Report.objects.values_list("reference", flat=True)
    assert sorted(stored) == sorted(r.reference for r in received)
