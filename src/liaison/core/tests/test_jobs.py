"""Background jobs: queued after commit, done by the worker, retried with backoff, picked up
again when a worker is lost, cancelled, and periodic jobs run once however many schedulers
fire them. The queue is Huey's real storage, worked off in this process."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from liaison.core import jobs
from liaison.core.choices import AuditAction, JobState
from liaison.core.models import AuditEvent, Job, PeriodicRun

ATTEMPTS: list[int] = []


@jobs.kind("tests.flaky", label="A job that fails on its first attempt")
def _flaky(run: jobs.JobRun, *, fail_times: int) -> str:
    ATTEMPTS.append(run.job.attempts)
    if len(ATTEMPTS) <= fail_times:
        raise ConnectionError("the partner's server did not answer")
    return "done at last"


@jobs.kind("tests.refused", label="A job whose input is wrong")
def _refused(run: jobs.JobRun) -> str:
    raise jobs.JobRefused("The file has no header row.")


@jobs.kind("tests.steps", label="A job of ten steps", atomic=True)
def _steps(run: jobs.JobRun, *, name: str) -> jobs.JobOutcome:
    from liaison.core.models import Institution

    for step in range(10):
        Institution.objects.create(
            code=f"{name}-{step}", name_en=f"{name} {step}", name_ko=f"{name} {step}"
        )
        run.progress(step + 1, 10)
    return jobs.JobOutcome(summary="ten written", file=("steps.txt", b"one\ntwo\n"))


@pytest.fixture(autouse=True)
def _fresh_attempts():
    ATTEMPTS.clear()


def queued(kind: str, *, by=None, capture, **params) -> Job:
    with capture(execute=True):
        return jobs.enqueue(kind, requested_by=by, params=params)


def test_a_job_is_queued_only_when_its_transaction_commits(
    personas, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = jobs.enqueue("tests.steps", requested_by=personas.admin, params={"name": "x"})
        assert queue.pending() == 0
    assert len(callbacks) == 1 and job.state == JobState.QUEUED


def test_the_worker_does_the_job_and_keeps_its_result_and_file(
    personas, queue, django_capture_on_commit_callbacks
):
    job = queued(
        "tests.steps", by=personas.admin, name="Unit", capture=django_capture_on_commit_callbacks
    )
    assert queue.run_pending() == 1
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.summary == "ten written"
    assert job.attempts == 1 and job.finished_at is not None
    with jobs.open_file(job) as stored:
        assert stored.read() == b"one\ntwo\n"
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="core.job", object_id=str(job.pk)
    ).exists()


def test_a_failing_job_is_retried_later_with_a_growing_delay(
    personas, queue, settings, django_capture_on_commit_callbacks
):
    settings.LIAISON_JOB_RETRY_DELAY_SECONDS = 30
    job = queued(
        "tests.flaky", by=personas.ico, fail_times=2, capture=django_capture_on_commit_callbacks
    )
    queue.run_pending()
    job.refresh_from_db()
    assert job.state == JobState.RETRYING
    assert "ConnectionError" in job.error and "did not answer" in job.error_detail
    # Not due yet: nothing runs now; after the first delay, the second attempt runs.
    assert queue.run_pending() == 0
    assert queue.run_pending(later_seconds=31) == 1
    job.refresh_from_db()
    assert job.state == JobState.RETRYING and job.attempts == 2
    # The second delay is twice the first: not due at 31 s, due at 61 s.
    assert queue.run_pending(later_seconds=31) == 0
    assert queue.run_pending(later_seconds=61) == 1
    job.refresh_from_db()
    assert (job.state, job.summary, ATTEMPTS) == (JobState.DONE, "done at last", [1, 2, 3])


def test_a_job_that_fails_every_attempt_ends_failed_with_its_error(
    personas, queue, django_capture_on_commit_callbacks
):
    job = queued(
        "tests.flaky", by=personas.ico, fail_times=9, capture=django_capture_on_commit_callbacks
    )
    for _ in range(3):
        queue.run_pending(later_seconds=10_000)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.attempts == job.max_attempts == 3
    assert job.error and job.error_detail
    assert queue.run_pending(later_seconds=100_000) == 0  # nothing left to try


def test_a_refused_job_fails_at_once_with_its_reason_and_is_not_retried(
    personas, queue, django_capture_on_commit_callbacks
):
    job = queued("tests.refused", by=personas.ico, capture=django_capture_on_commit_callbacks)
    queue.run_pending()
    job.refresh_from_db()
    assert (job.state, job.error, job.attempts) == (
        JobState.FAILED,
        "The file has no header row.",
        1,
    )
    assert queue.scheduled() == []


def test_a_cancelled_queued_job_never_runs(personas, queue, django_capture_on_commit_callbacks):
    job = queued(
        "tests.steps", by=personas.ico, name="Never", capture=django_capture_on_commit_callbacks
    )
    jobs.job_cancel(actor=personas.ico, job=job)
    queue.run_pending()
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED and job.attempts == 0


def test_a_running_atomic_job_cancelled_keeps_nothing_it_wrote(
    personas, queue, django_capture_on_commit_callbacks
):
    from liaison.core.models import Institution

    job = queued(
        "tests.steps", by=personas.ico, name="Half", capture=django_capture_on_commit_callbacks
    )
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING)  # as if a worker had it
    job.refresh_from_db()
    jobs.job_cancel(actor=personas.ico, job=job)  # running: the job is asked to stop
    Job.objects.filter(pk=job.pk).update(state=JobState.QUEUED)
    cache.delete(f"job:{job.pk}:heartbeat")
    queue.run_pending()
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED
    assert not Institution.objects.filter(name_en__startswith="Half").exists()


def test_only_the_requester_or_a_job_manager_may_cancel(personas, queue):
    job = jobs.enqueue("tests.steps", requested_by=personas.ico, params={"name": "x"})
    with pytest.raises(jobs.PermissionDenied):
        jobs.job_cancel(actor=personas.overseas, job=job)
    jobs.job_cancel(actor=personas.admin, job=job)
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED


def lost(job: Job, *, minutes_ago: int, attempts: int = 1) -> Job:
    Job.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING,
        attempts=attempts,
        started_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )
    job.refresh_from_db()
    return job


def test_a_job_whose_worker_stopped_is_queued_again_after_the_timeout(
    personas, queue, settings, django_capture_on_commit_callbacks
):
    settings.LIAISON_JOB_LOST_AFTER_SECONDS = 120
    job = lost(
        jobs.enqueue("tests.steps", requested_by=personas.ico, params={"name": "L"}), minutes_ago=5
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.reap_lost_jobs() == 1
    job.refresh_from_db()
    assert job.state == JobState.QUEUED and "stopped" in job.error
    queue.run_pending()
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 2


def test_a_running_job_that_still_beats_or_just_started_is_left_alone(personas, queue, settings):
    settings.LIAISON_JOB_LOST_AFTER_SECONDS = 120
    beating = lost(
        jobs.enqueue("tests.steps", requested_by=personas.ico, params={"name": "a"}), minutes_ago=5
    )
    cache.set(f"job:{beating.pk}:heartbeat", 1, 60)
    fresh = lost(
        jobs.enqueue("tests.steps", requested_by=personas.ico, params={"name": "b"}), minutes_ago=1
    )
    assert jobs.reap_lost_jobs() == 0
    assert set(Job.objects.values_list("state", flat=True)) == {JobState.RUNNING}
    assert fresh.pk and beating.pk


def test_a_lost_job_out_of_attempts_fails_instead(personas, queue):
    job = lost(
        jobs.enqueue("tests.steps", requested_by=personas.ico, params={"name": "c"}),
        minutes_ago=30,
        attempts=3,
    )
    assert jobs.reap_lost_jobs() == 0
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "worker" in job.error


def test_a_second_delivery_of_a_finished_job_does_nothing(
    personas, queue, django_capture_on_commit_callbacks
):
    from liaison.core.models import Institution

    job = queued(
        "tests.steps", by=personas.ico, name="Once", capture=django_capture_on_commit_callbacks
    )
    queue.run_pending()
    jobs.execute(str(job.pk))  # the same message delivered again
    assert Institution.objects.filter(name_en__startswith="Once").count() == 10


def test_an_administrator_retries_a_failed_job(personas, queue, django_capture_on_commit_callbacks):
    job = queued(
        "tests.flaky", by=personas.ico, fail_times=3, capture=django_capture_on_commit_callbacks
    )
    for _ in range(3):
        queue.run_pending(later_seconds=10_000)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    with pytest.raises(jobs.PermissionDenied):
        jobs.job_retry(actor=personas.ico, job=job)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.job_retry(actor=personas.admin, job=job)
    queue.run_pending()
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 1
    assert AuditEvent.objects.filter(
        object_id=str(job.pk), reason="retried by an administrator"
    ).exists()


def test_two_schedulers_firing_one_periodic_job_run_it_once(db, queue):
    # 10:00 in Seoul: the second scheduler's tick, 40 s later, falls on the same day.
    moment = datetime.datetime(2026, 12, 2, 1, 0, tzinfo=datetime.UTC)
    first = jobs.fire("agreements.reminders", now=moment)
    second = jobs.fire("agreements.reminders", now=moment + datetime.timedelta(seconds=40))
    assert isinstance(first, Job) and first.kind == "agreements.reminders"
    assert second is False
    assert PeriodicRun.objects.filter(name="agreements.reminders").count() == 1
    tomorrow = jobs.fire("agreements.reminders", now=moment + datetime.timedelta(days=1))
    assert isinstance(tomorrow, Job)


def test_the_reminders_run_daily_at_the_configured_local_hour():
    due = jobs.PERIODIC["agreements.reminders"].when
    # 06:00 in Seoul is 21:00 UTC the day before; Huey asks with naive UTC times.
    assert due(datetime.datetime(2026, 12, 1, 21, 0))
    assert not due(datetime.datetime(2026, 12, 1, 21, 1))
    assert not due(datetime.datetime(2026, 12, 2, 6, 0))


def test_the_scheduled_reminders_send_and_report_what_they_did(
    personas, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.fire("agreements.reminders")
    queue.run_pending()
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.requested_by is None
    assert set(job.result) == {"due", "created", "emailed", "failed"} and job.summary
    # No one asked: it speaks the agency's language (LIAISON_LANGUAGE, Korean here).
    assert "알림" in job.summary


def test_a_worker_that_starts_queues_again_what_a_stopped_one_lost(
    personas, queue, django_capture_on_commit_callbacks
):
    job = lost(
        jobs.enqueue("tests.steps", requested_by=personas.ico, params={"name": "S"}), minutes_ago=60
    )
    with django_capture_on_commit_callbacks(execute=True):
        jobs.on_worker_start(scheduler=False)
    job.refresh_from_db()
    assert job.state == JobState.QUEUED
    assert queue.pending() == 1


def test_progress_shows_a_percentage_while_running_and_full_when_done(
    personas, queue, django_capture_on_commit_callbacks
):
    job = jobs.enqueue("tests.steps", requested_by=personas.ico, params={"name": "p"})
    run = jobs.JobRun(job)
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING)
    job.refresh_from_db()
    run.progress(3, 12, "rows")
    assert jobs.progress_of(job) == {"done": 3, "total": 12, "note": "rows", "percent": 25}


def test_old_finished_jobs_and_their_files_are_purged(
    personas, queue, settings, django_capture_on_commit_callbacks
):
    settings.LIAISON_JOB_KEEP_DAYS = 30
    job = queued(
        "tests.steps", by=personas.ico, name="Old", capture=django_capture_on_commit_callbacks
    )
    queue.run_pending()
    job.refresh_from_db()
    path = job.result_file
    from django.core.files.storage import default_storage

    assert default_storage.exists(path)
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - datetime.timedelta(days=31))
    assert jobs.purge_old_jobs() == 1
    assert not Job.objects.filter(pk=job.pk).exists() and not default_storage.exists(path)


def test_a_queued_job_whose_message_was_lost_is_sent_again_once_the_queue_is_empty(
    personas, queue, settings
):
    settings.LIAISON_JOB_LOST_AFTER_SECONDS = 120
    # Queued, but its message never reached the queue (a restore, an emptied Redis).
    job = jobs.enqueue("tests.steps", requested_by=personas.ico, params={"name": "O"})
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(hours=2))
    waiting = jobs.enqueue("tests.steps", requested_by=personas.ico, params={"name": "W"})
    jobs.huey.enqueue(jobs._run_job.s(str(waiting.pk)))  # another job waits in the queue
    assert jobs.reap_lost_jobs() == 0  # not while messages wait: it may be among them
    queue.run_pending()
    assert jobs.reap_lost_jobs() == 1
    queue.run_pending()
    job.refresh_from_db()
    assert job.state == JobState.DONE


def test_a_refused_imports_upload_goes_with_the_old_job(personas, queue, settings):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    settings.LIAISON_JOB_KEEP_DAYS = 30
    upload = default_storage.save("jobs/uploads/x/broken.csv", ContentFile(b"\x00\x01"))
    job = Job.objects.create(
        kind="partners.import_bodies",
        params={"upload": upload, "filename": "broken.csv"},
        state=JobState.FAILED,
        finished_at=timezone.now() - datetime.timedelta(days=40),
    )
    assert jobs.purge_old_jobs() == 1
    assert not default_storage.exists(upload) and not Job.objects.filter(pk=job.pk).exists()
