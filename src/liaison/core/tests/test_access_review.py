"""The monthly access review: who viewed which data subjects' records in a month, the days
on which someone opened more than three times their own 30-day median (and more than ten),
the auditor's page with its month picker and CSV export, and the monthly job that builds
it and e-mails the auditors."""

import csv
import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from liaison.core import access_review, audit, jobs
from liaison.core.choices import AuditAction, JobState
from liaison.core.looks import audit_trail_read, list_viewed
from liaison.core.models import AuditEvent
from liaison.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
NOVEMBER = datetime.date(2026, 11, 1)


def at(day: int, hour: int = 10, month: int = 11) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, tzinfo=SEOUL)


def viewed(user, record_id: int, when: datetime.datetime, object_type="cases.case"):
    with time_machine.travel(when, tick=False):
        return audit.record(
            AuditAction.VIEW,
            actor=user,
            object_type=object_type,
            object_id=str(record_id),
            object_repr=f"{object_type} {record_id}",
        )


@pytest.fixture
def month_of_looks(personas):
    """ico opens two cases a day through October and most of November, then 12 on 20
    November; the commissioner, who never opens anything, opens 9 on 3 November."""
    day = datetime.datetime(2026, 10, 2, 10, tzinfo=SEOUL)
    while day < at(20):
        viewed(personas.ico, 1, day)
        viewed(personas.ico, 2, day)
        day += datetime.timedelta(days=1)
    for record in range(100, 112):
        viewed(personas.ico, record, at(20, 14))
    for record in range(200, 209):
        viewed(personas.commissioner, record, at(3))
    return personas


def test_who_viewed_which_record_in_the_month(personas, month_of_looks):
    viewed(personas.ico, 1, at(30, 23))  # 30 November, 23:00 in Seoul: still November
    viewed(personas.ico, 1, at(1, 0, month=12))  # 1 December: not November
    viewed(personas.ico, 7, at(5), object_type="cases.victim")
    list_viewed(personas.ico, object_type="cases.case", shown="case list", filters="none")
    audit_trail_read(personas.auditor, shown="audit trail", filters="none")
    rows = {
        (r["actor_label"], r["object_type"], r["object_id"]): r
        for r in access_review.subjects_viewed(NOVEMBER)
    }
    assert rows[("ico", "cases.case", "1")]["views"] == 20  # 1–19 November and the 30th
    assert rows[("ico", "cases.victim", "7")]["views"] == 1
    assert rows[("commissioner", "cases.case", "200")]["first"] == at(3)
    assert not any(label == "auditor" for label, _t, _i in rows)  # reads of the trail
    assert all(record_id for _l, _t, record_id in rows)  # lists name no data subject


def test_a_day_past_three_times_the_median_and_the_floor_is_unusual(month_of_looks):
    unusual = access_review.unusual_days(NOVEMBER)
    assert [(d.actor_label, d.day, d.subjects, d.median) for d in unusual] == [
        ("ico", datetime.date(2026, 11, 20), 12, 2)
    ]


def test_below_the_floor_nothing_is_unusual_however_low_the_median(month_of_looks):
    assert "commissioner" not in {d.actor_label for d in access_review.unusual_days(NOVEMBER)}


def test_each_day_is_counted_once_by_the_database_then_kept(
    month_of_looks, django_assert_num_queries
):
    with time_machine.travel(at(2, month=12), tick=False):
        with django_assert_num_queries(60):  # one grouped query per day: 2 Oct to 30 Nov
            review = access_review.review_of(NOVEMBER)
        with django_assert_num_queries(0):  # the days are over: they no longer change
            again = access_review.review_of(NOVEMBER)
    assert (review.people, review.looks) == (2, 2 * 19 + 12 + 9)
    assert again == review


def test_today_and_yesterday_are_counted_afresh(personas):
    with time_machine.travel(at(20, 18), tick=False):
        access_review.daily_counts(datetime.date(2026, 11, 19), datetime.date(2026, 11, 20))
        viewed(personas.ico, 1, at(20, 17))
        counts = access_review.daily_counts(
            datetime.date(2026, 11, 19), datetime.date(2026, 11, 20)
        )
    assert counts[datetime.date(2026, 11, 20)] == [(personas.ico.pk, "ico", 1, 1)]


def test_the_auditor_picks_a_month_and_reads_it(month_of_looks, client_for):
    page = client_for(month_of_looks.auditor).get(
        reverse("core:access_review"), {"month": "2026-11"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-unusual="ico"' in html and 'data-unusual="commissioner"' not in html
    assert html.count("data-viewed") == 23
    read = AuditEvent.objects.get(actor=month_of_looks.auditor, action=AuditAction.VIEW)
    assert (read.object_type, read.reason) == ("core.auditevent", "filters: month=2026-11")


@pytest.mark.parametrize(
    ("month", "message"),
    [("2026-13", "Give the month as YYYY-MM."), ("2999-01", "The month has not begun yet.")],
)
def test_a_month_that_cannot_be_read_is_refused_with_the_reason(
    personas, client_for, month, message
):
    page = client_for(personas.auditor).get(reverse("core:access_review"), {"month": month})
    assert page.status_code == 400
    assert message in page.content.decode()


def test_the_review_exports_as_csv_through_the_lists_export(month_of_looks, client_for):
    response = client_for(month_of_looks.auditor).get(
        reverse("core:access_review"), {"month": "2026-11", "export": "csv"}
    )
    assert response.status_code == 200
    assert "access-review-2026-11" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["User", "Role", "Record type"]
    assert len(rows) == 1 + 23
    export = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (export.actor, export.object_type) == (month_of_looks.auditor, "core.auditevent")


def test_the_review_is_refused_to_everyone_but_the_auditor(personas, client_for):
    response = client_for(personas.admin).get(reverse("core:access_review"))
    assert response.status_code == 200  # administrators hold every right
    assert client_for(personas.ico).get(reverse("core:access_review")).status_code == 403


def test_the_monthly_job_builds_last_months_review_and_mails_the_auditors(
    month_of_looks, queue, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    month_of_looks.auditor.email = "auditor@police.go.kr"
    month_of_looks.auditor.save(update_fields=["email"])
    UserFactory(username="former", role="auditor", email="former@police.go.kr", is_active=False)
    first_of_december = datetime.datetime(2026, 12, 1, 5, 30, tzinfo=SEOUL)
    assert jobs.PERIODIC[access_review.KIND].when(first_of_december)
    assert not jobs.PERIODIC[access_review.KIND].when(
        first_of_december + datetime.timedelta(days=1)
    )
    with time_machine.travel(first_of_december, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            job = jobs.fire(access_review.KIND)
        assert jobs.fire(access_review.KIND) is False  # once a month, however many schedulers
        queue.run_pending()
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    assert (job.result["month"], job.result["people"]) == ("2026-11", 2)
    assert job.result["unusual"] == [{"user": "ico", "day": "2026-11-20", "subjects": 12}]
    [message] = mail.outbox
    assert message.to == ["auditor@police.go.kr"]
    assert "2026-11" in message.subject
    assert "ico" in message.body and "/audit/access-review/?month=2026-11" in message.body
