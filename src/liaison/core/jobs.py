"""Background jobs: long or scheduled work done by `liaison worker`, outside any request.

The queue is Huey's (huey.readthedocs.io): on Redis when `LIAISON_REDIS_URL` is set, on a
SQLite file in var/ otherwise, so the embedded default needs no server. The queue carries
only a job's id; the `Job` row is what people see and what makes a job safe to run twice:

- **Retries with backoff.** A job that raises is tried again after
  `LIAISON_JOB_RETRY_DELAY_SECONDS`, then twice that, up to its `max_attempts` (Huey's
  retry_delay and retry_backoff). A `JobRefused` is not retried: the input is wrong.
- **A job lost by a killed worker** is picked up again: while it runs, a thread writes a
  heartbeat to the shared cache every `LIAISON_JOB_HEARTBEAT_SECONDS`; the reaper (a
  periodic job, every minute) queues again a running job with no heartbeat for
  `LIAISON_JOB_LOST_AFTER_SECONDS`.
- **Nothing half-written.** An `atomic` kind runs in one transaction that also marks the
  job done, after locking its row: a killed worker's transaction is rolled back, and a
  second delivery of the same job waits for the first and then finds it done.
- **Progress and cancelling** go through the shared cache, not the row, because an atomic
  job's row only changes when its transaction commits.
- **Periodic jobs** are Huey periodic tasks; every worker's scheduler may fire them, and a
  unique `PeriodicRun(name, slot)` row lets only the first run each occurrence.
"""

from __future__ import annotations

import datetime
import functools
import logging
import threading
import time
import traceback
import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, close_old_connections, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from huey import Huey, RedisHuey, SqliteHuey

from . import audit
from .choices import AuditAction, JobState
from .models import Job, PeriodicRun, User
from .permissions import Perm, can

logger = logging.getLogger("liaison.jobs")


def _make_queue() -> Huey:
    url = str(settings.LIAISON_QUEUE_URL)
    name = str(settings.LIAISON_QUEUE_NAME)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, results=False)
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=path, results=False, timeout=20)
    raise ValueError(f"LIAISON_QUEUE_URL must be redis://… or sqlite:///…, not {url!r}")


huey: Huey = _make_queue()


# What a job is ---------------------------------------------------------------------------


class JobRefused(Exception):
    """The job cannot be done as asked (a broken file, a record gone): not retried, and
    the message, which must be safe to show, is what the requester reads."""


class JobCancelled(Exception):
    """Raised inside a job by `progress` once someone asked to cancel it."""


@dataclass
class JobOutcome:
    summary: str
    data: dict = field(default_factory=dict)
    # A file for the requester: (file name, bytes). Kept in the storage, not the row.
    file: tuple[str, bytes] | None = None


@dataclass(frozen=True)
class JobKind:
    name: str
    label: Any  # lazy text: "Import of partner bodies"
    func: Callable[..., JobOutcome | str]
    atomic: bool = False
    max_attempts: int = 3
    cancellable: bool = True
    # Who may start it from the jobs page with no input (maintenance); None: not there.
    startable_with: Perm | None = None
    description: Any = ""


KINDS: dict[str, JobKind] = {}


def kind(name: str, label: Any, **options: Any) -> Callable[[Callable], Callable]:
    """Registers `func(run, **params)` as the job kind `name`."""

    def register(func: Callable) -> Callable:
        KINDS[name] = JobKind(name=name, label=label, func=func, **options)
        return func

    return register


def label_of(job: Job) -> str:
    found = KINDS.get(job.kind)
    return str(found.label) if found else job.kind


# Queueing --------------------------------------------------------------------------------


def enqueue(
    kind_name: str, *, requested_by: User | None, params: dict | None = None, reason: str = ""
) -> Job:
    """Records the job and queues it once the caller's transaction commits (so the worker
    never looks for a row that is not there yet)."""
    job_kind = KINDS[kind_name]
    job = Job.objects.create(
        kind=kind_name,
        params=params or {},
        requested_by=requested_by,
        max_attempts=job_kind.max_attempts,
    )
    audit.record(
        AuditAction.CREATE,
        actor=requested_by,
        actor_label="" if requested_by else "liaison scheduler",
        object_type="core.job",
        object_id=str(job.pk),
        object_repr=str(job_kind.label),
        reason=reason,
    )
    transaction.on_commit(lambda: _send(job.pk, retries=job_kind.max_attempts - 1))
    return job


def _send(job_id, *, retries: int) -> None:
    try:
        message = _run_job.s(
            str(job_id),
            retries=max(retries, 0),
            retry_delay=settings.LIAISON_JOB_RETRY_DELAY_SECONDS,
            retry_backoff=2,
        )
        huey.enqueue(message)
    except Exception as exc:  # the queue is down: say so on the job, where people look
        logger.exception("The job %s could not be queued", job_id)
        Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
            state=JobState.FAILED,
            finished_at=timezone.now(),
            error=_("The queue could not be reached; try again later."),
            error_detail=f"{type(exc).__name__}: {exc}",
        )


def _fresh_connections() -> None:
    """What Django does around a request, around each job: drop connections past their
    age or broken. Not when called inside a transaction (a test, a command running a job
    in its own): that connection is the caller's."""
    if not any(c.in_atomic_block for c in connections.all(initialized_only=True)):
        close_old_connections()


@huey.task(name="liaison.run_job")
def _run_job(job_id: str) -> None:
    _fresh_connections()
    try:
        execute(job_id)
    finally:
        _fresh_connections()


# Running ---------------------------------------------------------------------------------


def _heartbeat_key(job_id) -> str:
    return f"job:{job_id}:heartbeat"


def _progress_key(job_id) -> str:
    return f"job:{job_id}:progress"


def _cancel_key(job_id) -> str:
    return f"job:{job_id}:cancel"


class JobRun:
    """What a running job is given: who asked, and a way to report progress."""

    def __init__(self, job: Job):
        self.job = job
        self.requester: User | None = job.requested_by
        self._last_write = 0.0
        self._last_cancel_check = 0.0

    def progress(self, done: int, total: int | None = None, note: str = "") -> None:
        """Shows `done` of `total` on the job's page (at most a few writes a second) and
        stops the job if someone asked to cancel it."""
        now = time.monotonic()
        if now - self._last_write >= 0.25 or (total is not None and done >= total):
            self._last_write = now
            cache.set(
                _progress_key(self.job.pk),
                {"done": done, "total": total, "note": str(note)},
                settings.LIAISON_JOB_LOST_AFTER_SECONDS * 10,
            )
        if now - self._last_cancel_check >= 0.5:
            self._last_cancel_check = now
            if cache.get(_cancel_key(self.job.pk)):
                raise JobCancelled


_current_run: ContextVar[JobRun | None] = ContextVar("liaison_job_run", default=None)


def current_run() -> JobRun | None:
    """The job this code runs in, if any (an import reports its progress through it)."""
    return _current_run.get()


def progress(done: int, total: int | None = None, note: str = "") -> None:
    """Reports progress when running as a job; does nothing inside a request."""
    run = _current_run.get()
    if run is not None:
        run.progress(done, total, note)


def execute(job_id: str) -> None:
    """Runs one delivery of a job (the worker calls this; tests may too)."""
    job = _start(job_id)
    if job is None:
        return
    job_kind = KINDS.get(job.kind)
    if job_kind is None:
        _end(job, JobState.FAILED, error=_("This kind of job is no longer known."))
        return
    run = JobRun(job)
    token = _current_run.set(run)
    try:
        with _heartbeat(job.pk), _as_requester(job.requested_by):
            if job_kind.atomic:
                _execute_atomic(job, job_kind, run)
            else:
                _finish(job, job_kind.func(run, **job.params))
    except JobCancelled:
        _end(job, JobState.CANCELLED, summary=_cancelled_text(job_kind))
    except (JobRefused, PermissionDenied, ValidationError) as refusal:
        # Wrong input, or a right the requester no longer has: trying again cannot help.
        _end(job, JobState.FAILED, error=_refusal_text(refusal))
    except Exception as exc:
        detail = traceback.format_exc()
        logger.exception("Job %s (%s) failed on attempt %s", job.pk, job.kind, job.attempts)
        if job.attempts < job.max_attempts:
            _end(job, JobState.RETRYING, error=_short(exc), error_detail=detail)
            raise  # Huey queues the next attempt, after its delay
        _end(job, JobState.FAILED, error=_short(exc), error_detail=detail)
    finally:
        _current_run.reset(token)
        cache.delete_many([_cancel_key(job.pk), _heartbeat_key(job.pk)])


def _cancelled_text(job_kind: JobKind) -> str:
    if job_kind.atomic:
        return _("Cancelled before it finished; nothing was kept.")
    return _("Cancelled before it finished; what was done stays, and running it again finishes it.")


def _refusal_text(refusal: Exception) -> str:
    if isinstance(refusal, ValidationError):
        return " ".join(refusal.messages)
    return str(refusal) or _("Your role does not allow this.")


def _short(exc: Exception) -> str:
    return _("The job stopped on an error (%(error)s).") % {"error": type(exc).__name__}


def _start(job_id: str) -> Job | None:
    """Marks the job running for this delivery, or returns None when there is nothing to
    do: cancelled, finished, or alive in another worker."""
    with transaction.atomic():
        job = (
            Job.objects.select_for_update(of=("self",))  # not the requester's row
            .select_related("requested_by")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.state not in Job.ACTIVE:
            return None
        if job.state == JobState.RUNNING and cache.get(_heartbeat_key(job.pk)):
            return None  # a second delivery while the first is alive
        job.state = JobState.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.save(update_fields=["state", "attempts", "started_at"])
    cache.set(_heartbeat_key(job.pk), job.attempts, settings.LIAISON_JOB_LOST_AFTER_SECONDS)
    return job


def _execute_atomic(job: Job, job_kind: JobKind, run: JobRun) -> None:
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.state != JobState.RUNNING or locked.attempts != job.attempts:
            return  # another delivery finished it while we waited for the lock
        _finish(job, job_kind.func(run, **job.params))


def _finish(job: Job, outcome: JobOutcome | str) -> None:
    if isinstance(outcome, str):
        outcome = JobOutcome(summary=outcome)
    if outcome.file is not None:
        name, content = outcome.file
        job.result_file = default_storage.save(f"jobs/{job.pk}/{name}", ContentFile(content))
        job.result_file_name = name
    job.result = outcome.data
    _end(job, JobState.DONE, summary=outcome.summary)


def _end(job: Job, state: str, *, summary: str = "", error: str = "", error_detail: str = ""):
    job.state = state
    job.summary = summary
    job.error = error
    job.error_detail = error_detail
    if state != JobState.RETRYING:
        job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "state",
            "summary",
            "error",
            "error_detail",
            "finished_at",
            "result",
            "result_file",
            "result_file_name",
        ]
    )
    if job.requested_by_id and state != JobState.RETRYING:
        transaction.on_commit(lambda: cache.set(_unseen_key(job.requested_by_id), True, None))


def _unseen_key(user_id) -> str:
    return f"jobs:unseen:{user_id}"


def has_unseen_results(user: User) -> bool:
    """Whether the person has job results they have not looked at: kept in the shared
    cache, so that every page can ask without a query; worked out again when unknown."""
    known = cache.get(_unseen_key(user.pk))
    if known is None:
        known = (
            Job.objects.filter(requested_by=user, seen_at=None, finished_at__isnull=False)
            .exclude(state__in=Job.ACTIVE)
            .exists()
        )
        cache.set(_unseen_key(user.pk), known, None)
    return bool(known)


@contextmanager
def _heartbeat(job_id) -> Iterator[None]:
    """Beats in the shared cache while the job runs, even inside one long SQL statement."""
    stop = threading.Event()
    interval = settings.LIAISON_JOB_HEARTBEAT_SECONDS

    def beat() -> None:
        while not stop.wait(interval):
            try:
                cache.set(_heartbeat_key(job_id), 1, settings.LIAISON_JOB_LOST_AFTER_SECONDS)
            except Exception:  # a cache hiccup must not kill the job; the next beat retries
                logger.warning("Heartbeat of job %s not written", job_id, exc_info=True)

    thread = threading.Thread(target=beat, name=f"heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=interval + 1)


@contextmanager
def _as_requester(user: User | None) -> Iterator[None]:
    """The job speaks the requester's language and reads times in their zone, as their
    pages do (a summary, an export's dates)."""
    language = user.language if user and user.language else settings.LANGUAGE_CODE
    try:
        zone = zoneinfo.ZoneInfo(user.time_zone) if user and user.time_zone else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = None
    with translation.override(language):
        if zone:
            timezone.activate(zone)
        try:
            yield
        finally:
            timezone.deactivate()


# What people do to jobs ------------------------------------------------------------------


def may_see(user: User, job: Job) -> bool:
    return job.requested_by_id == user.pk or can(user, Perm.MANAGE_JOBS)


def job_cancel(*, actor: User, job: Job) -> Job:
    """Cancels a queued job at once; a running one stops at its next progress report,
    and an atomic one keeps nothing of what it did."""
    if not may_see(actor, job) or not KINDS.get(job.kind):
        raise PermissionDenied
    with transaction.atomic():
        stopped = Job.objects.filter(
            pk=job.pk, state__in=[JobState.QUEUED, JobState.RETRYING]
        ).update(
            state=JobState.CANCELLED,
            finished_at=timezone.now(),
            summary=_("Cancelled before it started."),
        )
        if not stopped:
            cache.set(_cancel_key(job.pk), 1, settings.LIAISON_JOB_LOST_AFTER_SECONDS * 10)
        _record(actor, job, "cancel requested")
    job.refresh_from_db()
    return job


def job_retry(*, actor: User, job: Job) -> Job:
    """An administrator queues a failed or cancelled job again, with its attempts anew."""
    if not can(actor, Perm.MANAGE_JOBS):
        raise PermissionDenied
    with transaction.atomic():
        changed = Job.objects.filter(
            pk=job.pk, state__in=[JobState.FAILED, JobState.CANCELLED]
        ).update(
            state=JobState.QUEUED,
            attempts=0,
            error="",
            error_detail="",
            summary="",
            finished_at=None,
            seen_at=None,
        )
        if changed:
            _record(actor, job, "retried by an administrator")
            transaction.on_commit(lambda: _send(job.pk, retries=job.max_attempts - 1))
    job.refresh_from_db()
    return job


def _record(actor: User, job: Job, reason: str) -> None:
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        object_type="core.job",
        object_id=str(job.pk),
        object_repr=label_of(job),
        reason=reason,
    )


def job_seen(*, user: User, job: Job) -> None:
    if job.requested_by_id == user.pk and job.seen_at is None and not job.active:
        Job.objects.filter(pk=job.pk, seen_at=None).update(seen_at=timezone.now())
        cache.delete(_unseen_key(user.pk))  # worked out again at the next page


def progress_of(job: Job) -> dict:
    """What the page shows of a job: its progress while it runs, the row once it ended."""
    live = cache.get(_progress_key(job.pk)) if job.state == JobState.RUNNING else None
    done, total, note = (live["done"], live["total"], live["note"]) if live else (0, None, "")
    if job.state == JobState.DONE:
        done, total = total or 1, total or 1
    percent = round(100 * done / total) if total else None
    return {"done": done, "total": total, "note": note, "percent": percent}


def open_file(job: Job):
    return default_storage.open(job.result_file, "rb")


# Lost jobs and housekeeping --------------------------------------------------------------


def reap_lost_jobs(now: datetime.datetime | None = None) -> int:
    """Queues again every running job whose worker stopped beating; returns how many.

    A row still locked by a live atomic job is skipped (skip_locked on PostgreSQL), so a
    job whose heartbeat was lost with a restarted cache is not taken for dead."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.LIAISON_JOB_LOST_AFTER_SECONDS)
    revived = 0
    candidates = Job.objects.filter(state=JobState.RUNNING, started_at__lt=cutoff)
    for job_id in candidates.values_list("pk", flat=True):
        if cache.get(_heartbeat_key(job_id)):
            continue
        with transaction.atomic():
            job = (
                Job.objects.select_for_update(skip_locked=True)
                .filter(pk=job_id, state=JobState.RUNNING)
                .first()
            )
            if job is None:
                continue
            if job.attempts >= job.max_attempts:
                _end(job, JobState.FAILED, error=_("The worker running this job stopped."))
                continue
            job.state = JobState.QUEUED
            job.error = _("The worker running this job stopped; it is queued again.")
            job.save(update_fields=["state", "error"])
            retries = job.max_attempts - job.attempts - 1
            transaction.on_commit(functools.partial(_send, job.pk, retries=retries))
            revived += 1
    revived += _resend_orphans(cutoff)
    if revived:
        logger.warning("Queued again %s jobs lost by a stopped worker or queue", revived)
    return revived


def _resend_orphans(cutoff: datetime.datetime) -> int:
    """Queued jobs whose message is gone (the queue was emptied, or the database restored
    from a backup) are sent again, but only while the queue is empty: then no message is
    waiting for them. A second message for a job is harmless: the row lets one run."""
    if queue_depth() > 0:
        return 0
    orphans = Job.objects.filter(state=JobState.QUEUED, created_at__lt=cutoff)
    sent = 0
    for job_id, attempts, allowed in orphans.values_list("pk", "attempts", "max_attempts"):
        _send(job_id, retries=allowed - attempts - 1)
        sent += 1
    return sent


def purge_old_jobs(now: datetime.datetime | None = None) -> int:
    """Removes finished jobs, and their files, after `LIAISON_JOB_KEEP_DAYS`."""
    now = now or timezone.now()
    old = Job.objects.exclude(state__in=Job.ACTIVE).filter(
        finished_at__lt=now - datetime.timedelta(days=settings.LIAISON_JOB_KEEP_DAYS)
    )
    removed = 0
    for job in old.iterator():
        # Its file, and the upload it read if it never finished reading it (refused).
        for kept in (job.result_file, job.params.get("upload")):
            if kept:
                default_storage.delete(kept)
        job.delete()
        removed += 1
    PeriodicRun.objects.filter(
        claimed_at__lt=now - datetime.timedelta(days=settings.LIAISON_JOB_KEEP_DAYS)
    ).delete()
    return removed


# Periodic jobs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Periodic:
    name: str
    when: Callable[[datetime.datetime], bool]
    slot: str  # strftime of the local time: one run per distinct value
    job_kind: str | None = None  # queue this kind as a job (visible on the jobs page) …
    func: Callable[[], Any] | None = None  # … or call this in the scheduler's worker
    on_start: bool = False  # also claim the current slot when a worker starts


PERIODIC: dict[str, Periodic] = {}


def at_local(hour: int, minute: int = 0) -> Callable[[datetime.datetime], bool]:
    """A schedule: every day at hour:minute in the agency's time zone."""

    def due(now: datetime.datetime) -> bool:
        local = _local(now)
        return local.hour == hour and local.minute == minute

    return due


def daily(kind: str, *, at: object) -> Periodic:
    """A job of `kind` every day at `at` ("HH:MM", the agency's time, from a setting); a
    worker started after the hour still runs today's."""
    hour, minute = (int(part) for part in str(at).split(":"))
    return periodic(
        kind, when=at_local(hour, minute), slot="%Y-%m-%d", job_kind=kind, on_start=True
    )


def every_minute(now: datetime.datetime) -> bool:
    return True


def _local(now: datetime.datetime) -> datetime.datetime:
    if timezone.is_naive(now):  # Huey passes naive UTC
        now = now.replace(tzinfo=datetime.UTC)
    return now.astimezone(zoneinfo.ZoneInfo(str(settings.TIME_ZONE)))


def periodic(name: str, *, when, slot: str, **options: Any) -> Periodic:
    """Registers a periodic job; the Huey periodic task claims each slot once."""
    entry = Periodic(name=name, when=when, slot=slot, **options)
    PERIODIC[name] = entry

    def tick() -> None:
        _fresh_connections()
        try:
            fire(name)
        finally:
            _fresh_connections()

    huey.periodic_task(when, name=f"periodic.{name}")(tick)
    return entry


def fire(name: str, now: datetime.datetime | None = None) -> Job | bool:
    """Runs one occurrence of a periodic job unless another scheduler already claimed
    it; returns the job queued (or True for a plain function), False when claimed."""
    entry = PERIODIC[name]
    slot = _local(now or timezone.now()).strftime(entry.slot)
    try:
        with transaction.atomic():
            claim = PeriodicRun.objects.create(name=name, slot=slot)
            if entry.job_kind:
                job = enqueue(entry.job_kind, requested_by=None, reason=f"scheduled: {slot}")
                claim.job = job
                claim.save(update_fields=["job"])
                return job
    except IntegrityError:
        return False
    if entry.func is not None:
        entry.func()
    return True


def on_worker_start(*, scheduler: bool = True) -> None:
    """Queues again at once the jobs a stopped worker lost (past the timeout), and, for a
    scheduler, catches up what was missed today (the daily reminders)."""
    reap_lost_jobs()
    if scheduler:
        for entry in PERIODIC.values():
            if entry.on_start:
                fire(entry.name)


def queue_depth() -> int:
    return huey.pending_count()


def oldest_queued_age(now: datetime.datetime | None = None) -> float:
    """Seconds the oldest queued job has waited: the queue's lag (0 when none waits)."""
    oldest = (
        Job.objects.filter(state=JobState.QUEUED).order_by("created_at").values("created_at")
    ).first()
    if oldest is None:
        return 0.0
    return max(0.0, ((now or timezone.now()) - oldest["created_at"]).total_seconds())


periodic("core.reap_lost_jobs", when=every_minute, slot="%Y-%m-%dT%H:%M", func=reap_lost_jobs)
periodic("core.purge_old_jobs", when=at_local(3, 30), slot="%Y-%m-%d", func=purge_old_jobs)
