"""The jobs pages: a job's progress and result for the person who asked, every job and the
failed ones for administrators, who retry them; nobody else sees a job."""

from __future__ import annotations

import pytest
from django.urls import reverse

from liaison.core import jobs
from liaison.core.choices import AuditAction, JobState
from liaison.core.models import AuditEvent, Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(personas, queue, django_capture_on_commit_callbacks):
    """A recount the ICO officer started, done by the worker, with its file."""
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.enqueue("cases.recount_figures", requested_by=personas.ico)
    queue.run_pending()
    job.refresh_from_db()
    assert job.state == JobState.DONE
    return job


def detail(job) -> str:
    return reverse("core:job_detail", kwargs={"pk": job.pk})


def test_the_requester_sees_the_result_of_their_job(personas, client_for, finished):
    page = client_for(personas.ico).get(detail(finished))
    assert page.status_code == 200
    assert "Recount the dashboard figures" in page.text
    assert "cases counted into" in page.text and 'data-state="done"' in page.text


def test_anyone_else_gets_a_404_and_the_refusal_is_recorded(personas, client_for, finished):
    for outsider in (personas.overseas, personas.analyst, personas.auditor):
        assert client_for(outsider).get(detail(finished)).status_code == 404
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.ACCESS_DENIED, object_type="core.job", object_id=str(finished.pk)
        ).count()
        == 3
    )


def test_an_anonymous_visitor_is_sent_to_sign_in(client, finished):
    response = client.get(detail(finished))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_administrators_see_every_job_and_filter_the_failed_ones(personas, client_for, finished):
    failed = Job.objects.create(
        kind="cases.rotate_keys",
        requested_by=personas.admin,
        state=JobState.FAILED,
        error="The job stopped on an error (OSError).",
        error_detail="Traceback: disk full",
    )
    page = client_for(personas.admin).get(reverse("core:job_list"), {"state": "failed"})
    assert page.status_code == 200
    rows = page.text.split('id="job-table"')[1]
    assert "Rotate the passport keys" in rows and "OSError" in rows
    assert "Recount the dashboard figures" not in rows
    detail_page = client_for(personas.admin).get(detail(failed))
    assert "Traceback: disk full" in detail_page.text and 'id="job-retry"' in detail_page.text


def test_a_person_lists_only_their_own_jobs(personas, client_for, finished):
    Job.objects.create(kind="cases.rotate_keys", requested_by=personas.admin)
    page = client_for(personas.ico).get(reverse("core:job_list"))
    rows = page.text.split('id="job-table"')[1]
    assert "Recount the dashboard figures" in rows
    assert "Rotate the passport keys" not in page.text  # neither listed nor offered


def test_only_an_administrator_may_retry(personas, client_for, queue):
    failed = Job.objects.create(
        kind="cases.recount_figures", requested_by=personas.ico, state=JobState.FAILED
    )
    url = reverse("core:job_retry", kwargs={"pk": failed.pk})
    assert client_for(personas.ico).post(url).status_code == 403
    assert client_for(personas.admin).post(url).status_code == 302
    failed.refresh_from_db()
    assert failed.state == JobState.QUEUED


def test_the_result_message_shows_once_on_the_next_page(personas, client_for, finished):
    client = client_for(personas.ico)
    home = client.get(reverse("home"))
    assert "job-message" in home.text and "Recount the dashboard figures" in home.text
    client.get(detail(finished))  # opened: seen
    assert "job-message" not in client.get(reverse("home")).text


def test_the_progress_panel_polls_while_the_job_runs(personas, client_for, queue):
    job = jobs.enqueue("cases.recount_figures", requested_by=personas.ico)
    panel = client_for(personas.ico).get(reverse("core:job_progress", kwargs={"pk": job.pk}))
    assert 'hx-trigger="every 1s"' in panel.text and "Waiting for a worker." in panel.text
    assert 'id="job-cancel"' in panel.text


def test_the_requester_cancels_a_queued_job(personas, client_for, queue):
    job = jobs.enqueue("cases.recount_figures", requested_by=personas.ico)
    response = client_for(personas.ico).post(reverse("core:job_cancel", kwargs={"pk": job.pk}))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED
    assert (
        client_for(personas.overseas)
        .post(reverse("core:job_cancel", kwargs={"pk": job.pk}))
        .status_code
        == 404
    )


def test_maintenance_jobs_start_from_the_jobs_page_for_those_allowed(personas, client_for, queue):
    rotate = reverse("core:job_start", kwargs={"kind": "cases.rotate_keys"})
    recount = reverse("core:job_start", kwargs={"kind": "cases.recount_figures"})
    assert client_for(personas.ico).post(rotate).status_code == 403
    assert client_for(personas.analyst).post(recount).status_code == 403
    response = client_for(personas.ico).post(recount)
    assert response.status_code == 302
    job = Job.objects.get(kind="cases.recount_figures")
    assert response["Location"] == detail(job) and job.requested_by == personas.ico
    page = client_for(personas.admin).get(reverse("core:job_list"))
    assert 'data-kind="cases.rotate_keys"' in page.text
    assert (
        client_for(personas.admin)
        .post(reverse("core:job_start", kwargs={"kind": "no.such"}))
        .status_code
        == 404
    )


def test_a_get_on_a_post_only_job_url_is_refused_cleanly(personas, client_for, finished):
    response = client_for(personas.admin).get(reverse("core:job_retry", kwargs={"pk": finished.pk}))
    assert response.status_code == 405


def test_a_file_is_downloaded_only_by_the_one_who_asked(
    personas, client_for, queue, django_capture_on_commit_callbacks
):
    from liaison.core.tests.test_jobs import _steps  # noqa: F401 — registers "tests.steps"

    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.enqueue("tests.steps", requested_by=personas.ico, params={"name": "F"})
    queue.run_pending()
    url = reverse("core:job_file", kwargs={"pk": job.pk})
    response = client_for(personas.ico).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"one\ntwo\n"
    assert client_for(personas.admin).get(url).status_code == 404  # not theirs to read
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_id=str(job.pk), actor=personas.ico
    ).exists()
