"""The jobs pages: a job's progress bar, result and file; everyone's jobs and the failed
ones for administrators, with a retry; maintenance jobs started by a button."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import audit, jobs
from .choices import AuditAction, JobState
from .middleware import AuthenticatedRequest
from .models import Job
from .permissions import Perm, can, refuse
from .refusals import refused
from .selectors import jobs_visible_to

NAV = {"active_nav": "jobs"}


def _job_for(request: AuthenticatedRequest, pk: uuid.UUID) -> Job:
    """The job, if the user asked for it or manages jobs; otherwise 404 (and the refusal
    is recorded), as for any record out of scope."""
    job = get_object_or_404(Job.objects.select_related("requested_by"), pk=pk)
    if not jobs.may_see(request.user, job):
        refused(request.user, what="core.job", object_id=str(pk), reason="out of scope")
        raise Http404
    return job


@require_GET
def job_list(request: AuthenticatedRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    if state and state not in JobState.values:
        state = ""
    queryset = jobs_visible_to(request.user, state=state or None)
    manager = can(request.user, Perm.MANAGE_JOBS)
    startable = [
        k for k in jobs.KINDS.values() if k.startable_with and can(request.user, k.startable_with)
    ]
    return render(
        request,
        "core/jobs/list.html",
        {
            **NAV,
            "jobs": [(job, jobs.label_of(job)) for job in queryset[:200]],
            "state": state,
            "states": JobState.choices,
            "manager": manager,
            "startable": startable,
        },
    )


def _detail_context(request: AuthenticatedRequest, job: Job) -> dict:
    found = jobs.KINDS.get(job.kind)
    return {
        **NAV,
        "job": job,
        "label": jobs.label_of(job),
        "progress": jobs.progress_of(job),
        "cancellable": job.active and found is not None and found.cancellable,
        "manager": can(request.user, Perm.MANAGE_JOBS),
        "mine": job.requested_by_id == request.user.pk,
    }


@require_GET
def job_detail(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    job = _job_for(request, pk)
    jobs.job_seen(user=request.user, job=job)
    return render(request, "core/jobs/detail.html", _detail_context(request, job))


@require_GET
def job_progress(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    """The progress panel, polled by htmx while the job is active."""
    job = _job_for(request, pk)
    if not job.active:
        jobs.job_seen(user=request.user, job=job)
    return render(request, "core/jobs/_panel.html", _detail_context(request, job))


@require_POST
def job_cancel(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    job = _job_for(request, pk)
    if job.active:
        job = jobs.job_cancel(actor=request.user, job=job)
        messages.info(
            request,
            _("The job is cancelled.")
            if job.state == JobState.CANCELLED
            else _("Cancelling: the job stops at its next step."),
        )
    return redirect("core:job_detail", pk=job.pk)


@require_POST
def job_retry(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    job = _job_for(request, pk)
    if not can(request.user, Perm.MANAGE_JOBS):
        refuse(request.user, what=str(Perm.MANAGE_JOBS))
    if job.state in (JobState.FAILED, JobState.CANCELLED):
        jobs.job_retry(actor=request.user, job=job)
        messages.success(request, _("The job is queued again."))
    return redirect("core:job_detail", pk=job.pk)


@require_GET
def job_file(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponseBase:
    """The file the job made, for the person who asked for it only: an export of
    personal data is theirs, not every administrator's."""
    job = _job_for(request, pk)
    if job.requested_by_id != request.user.pk or not job.result_file:
        raise Http404
    audit.record(
        AuditAction.EXPORT,
        actor=request.user,
        object_type="core.job",
        object_id=str(job.pk),
        object_repr=job.result_file_name,
        reason="downloaded the file of a job",
    )
    return FileResponse(jobs.open_file(job), as_attachment=True, filename=job.result_file_name)


@require_POST
def job_start(request: AuthenticatedRequest, kind: str) -> HttpResponse:
    """Starts a maintenance job that needs no input (a key rotation, a recount)."""
    found = jobs.KINDS.get(kind)
    if found is None or found.startable_with is None:
        raise Http404
    if not can(request.user, found.startable_with):
        refuse(request.user, what=str(found.startable_with))
    job = jobs.enqueue(kind, requested_by=request.user, reason="started from the jobs page")
    messages.success(request, _("The job is queued: its progress shows below."))
    return redirect(reverse("core:job_detail", kwargs={"pk": job.pk}))
