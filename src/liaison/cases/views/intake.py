"""Intake pages: the full report, the quick intake of a night call, completing a report,
the report list and one report with its possible duplicates and what is done with it
(attach to a case, open a case, dismiss).

Nothing typed is lost: every intake POST is stored as it came (its own transaction) before
it is processed; when processing fails the officer gets the form back, filled in, with the
number under which the office has it, and the page lists such submissions to take up."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core import audit, mfa
from liaison.core.formstyle import bootstrapify
from liaison.core.listing import build_listing, export_audited, wants_export
from liaison.core.permissions import Perm, can, require
from liaison.core.text import storable
from liaison.core.views import apply_errors

from .. import names, permissions, selectors
from ..choices import Category, ReportStatus
from ..fields import has_category
from ..forms import intake as forms
from ..models import Case, IntakeSubmission, Report
from ..services import intake
from .passport_search import kept_searches, passport_search_context

log = logging.getLogger("liaison.cases.intake")
NAV = {"active_nav": "cases"}
# The session key that tells the next page to forget the browser's copy of a saved form.
SAVED_DRAFT = "intake_saved_draft"


# Reading reports -------------------------------------------------------------------------


def _report_for(user, pk: int, *, write: bool = False) -> Report:
    """The report, or 403 when the role sees no reports (or may not work them) and 404
    when this one is outside the user's scope, so that its existence is not revealed."""
    require(user, Perm.VIEW_CASES)
    reports = Report.objects.select_related("country", "case", "post", "recorded_by")
    report = permissions.report_scope(reports, user).filter(pk=pk).first()
    if report is None:
        raise Http404
    if write:
        require(user, Perm.WORK_CASES)
    return report


def _search(text: str, *, personal: bool) -> Q:
    """A reference for everyone; a name (any script or spelling) or a phone number only for
    those who may see who the people are."""
    condition = Q(reference__icontains=text)
    if personal:
        key = names.query_key(text)
        if len(key) >= 2:
            condition |= Q(person_name_keys__contains=key)
        digits = names.digits(text)
        if len(digits) >= 6:
            condition |= Q(person_phone_key__contains=names.identifier_key("phone", digits))
            condition |= Q(reporter_contact__icontains=text)
    return condition


def _filter(queryset, data: dict, *, personal: bool):
    if text := (data.get("q") or "").strip():
        queryset = queryset.filter(_search(text, personal=personal))
    for name in ("status", "channel", "country"):
        if data.get(name):
            queryset = queryset.filter(**{name: data[name]})
    if data.get("category"):
        queryset = queryset.filter(has_category("categories", data["category"]))
    if data.get("flag") == "to_complete":
        queryset = queryset.filter(is_quick_intake=True)
    elif data.get("flag") == "urgent":
        queryset = queryset.filter(life_at_risk=True, status=ReportStatus.NEW)
    if data.get("date_from"):
        queryset = queryset.filter(received_at__date__gte=data["date_from"])
    if data.get("date_to"):
        queryset = queryset.filter(received_at__date__lte=data["date_to"])
    if found := data.get("passport_search"):
        queryset = queryset.filter(passport_hash__in=found.hashes)
    return queryset


@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, Perm.VIEW_CASES)
    personal = permissions.sees_personal_data(user)
    columns = forms.report_columns(personal=personal)
    listing, queryset = build_listing(
        request,
        permissions.report_scope(Report.objects.select_related("country", "case"), user),
        form_class=forms.ReportFilterForm,
        form_kwargs={
            "personal": personal,
            "passports": permissions.sees_passports(user),
            "passport_searches": kept_searches(request.session),
        },
        columns=columns,
        apply_filters=lambda queryset, data: _filter(queryset, data, personal=personal),
        default_sort="-received_at",
    )
    if fmt := wants_export(request):
        if personal and (again := mfa.reauthentication_required(request)):
            return again
        columns = forms.report_columns(personal=personal, export=True)
        queryset = queryset.select_related("post")
        token = request.GET.get("passport_search")
        request.GET = selectors.filters_recorded(request.GET, kept_searches(request.session))
        return export_audited(
            request,
            queryset,
            columns,
            fmt=fmt,
            filename="reports",
            may_queue=not token,  # a job has no session to find the search in
        )
    for report in listing.page:
        report.category_labels = [Category(code).label for code in report.categories]
    return render(
        request,
        "cases/intake/list.html",
        {
            **NAV,
            "listing": listing,
            "personal": personal,
            **passport_search_context(user, listing.form),
            "can_export": can(user, Perm.EXPORT_DATA),
            "can_work": can(user, Perm.WORK_CASES),
            "unprocessed_count": intake.unprocessed_submissions(user).count()
            if can(user, Perm.WORK_CASES)
            else 0,
        },
    )


# One report, its possible duplicates and what is done with it ---------------------------


@dataclass
class Work:
    """What an officer may do with a new report, from the duplicates they may see."""

    duplicates: list
    hidden: int  # possible duplicates outside the officer's scope (only counted)

    @property
    def cases(self) -> list[Case]:
        return [d.case for d in self.duplicates if d.case is not None]

    @property
    def reports(self) -> list[Report]:
        return [d.report for d in self.duplicates if d.report is not None]


def _visible(user, found) -> Work:
    shown, hidden = selectors.visible_duplicates(user, found)
    return Work(duplicates=shown, hidden=hidden)


def _work(user, report: Report) -> Work:
    if report.status != ReportStatus.NEW or not permissions.sees_personal_data(user):
        return Work(duplicates=[], hidden=0)
    return _visible(user, intake.possible_duplicates(report))


def _suggested_title(report: Report) -> str:
    what = Category(report.categories[0]).label if report.categories else _("Report")
    return f"{what} — {report.city or report.province or report.country}"


def _action_forms(report: Report, work: Work) -> dict:
    return {
        "attach": forms.AttachForm(cases=work.cases),
        "open": forms.OpenCaseForm(
            reports=work.reports, initial={"title": _suggested_title(report)}
        ),
        "dismiss": forms.DismissForm(),
    }


def _detail(request, report: Report, *, bound: tuple | None = None, status: int = 200):
    user = request.user
    personal = permissions.sees_personal_data(user)
    if personal:
        audit.record_viewed(report, actor=user)
    work = _work(user, report)
    may_work = permissions.can_work_report(user, report)
    action_forms = _action_forms(report, work) if may_work else {}
    if bound:
        action_forms[bound[0]] = bound[1]
    for form in action_forms.values():
        bootstrapify(form)
    here = timezone.get_current_timezone_name()
    return render(
        request,
        "cases/intake/detail.html",
        {
            **NAV,
            "report": report,
            "personal": personal,
            "category_labels": [Category(code).label for code in report.categories],
            "place_zone": report.place_time_zone if report.place_time_zone != here else "",
            "place_zone_label": report.place_time_zone.rsplit("/", 1)[-1].replace("_", " "),
            "work": work,
            "can_edit": may_work,
            "forms": action_forms if report.status == ReportStatus.NEW or bound else {},
            "saved_draft": request.session.pop(SAVED_DRAFT, ""),
        },
        status=status,
    )


@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _report_for(request.user, pk))


def _case_for_attach(user, data: dict) -> Case:
    visible = Case.objects.visible_to(user)
    if data.get("case"):
        case = visible.filter(pk=data["case"]).first()
    else:
        case = visible.filter(reference__iexact=data["case_reference"].strip()).first()
    if case is None:
        raise ValidationError({"case_reference": _("There is no such case that you can see.")})
    return case


def _attach(request, report, data):
    case = _case_for_attach(request.user, data)
    intake.report_attach(actor=request.user, report=report, case=case)
    message = _("The report is attached to case %(ref)s.") % {"ref": case.reference}
    messages.success(request, message)
    return redirect("cases:detail", pk=case.pk)


def _open(request, report, data):
    chosen = Report.objects.filter(pk__in=data.get("also") or [])
    others = permissions.report_scope(chosen, request.user)
    case = intake.case_open(
        actor=request.user,
        reports=[report, *others.exclude(pk=report.pk)],
        title=data["title"],
        priority=data.get("priority") or None,
    )
    messages.success(request, _("Case %(ref)s is opened.") % {"ref": case.reference})
    return redirect("cases:detail", pk=case.pk)


def _dismiss(request, report, data):
    intake.report_dismiss(actor=request.user, report=report, reason=data["reason"])
    messages.success(request, _("The report is dismissed."))
    return redirect("cases:report_detail", pk=report.pk)


ACTIONS = {
    "attach": (lambda work, data: forms.AttachForm(data, cases=work.cases), _attach),
    "open": (lambda work, data: forms.OpenCaseForm(data, reports=work.reports), _open),
    "dismiss": (lambda work, data: forms.DismissForm(data), _dismiss),
}


@require_POST
def report_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    report = _report_for(request.user, pk, write=True)
    make_form, run = ACTIONS[action]
    form = make_form(_work(request.user, report), request.POST)
    if form.is_valid():
        try:
            return run(request, report, form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
    report.refresh_from_db()
    return _detail(request, report, bound=(action, form), status=400)


# Taking a report: the full form, the quick intake, completing one ------------------------


@dataclass(frozen=True)
class Kind:
    """One intake form: its page, the key of the browser's copy, and how it is saved."""

    name: str
    template: str

    def form(self, request, data=None, report=None):
        if self.name == "quick":
            return forms.QuickIntakeForm(data, user=request.user)
        return forms.ReportForm(data, user=request.user, report=report)

    def draft_key(self, report=None) -> str:
        return f"report-{report.pk}" if report is not None else self.name

    def save(self, request, form, submission, report=None) -> Report:
        user, data = request.user, form.report_data()
        if self.name == "edit":
            return intake.report_update(
                actor=user,
                report=report,
                data=data,
                expected_version=form.cleaned_data.get("version"),
            )
        return intake.report_receive(
            actor=user, data=data, quick=self.name == "quick", submission=submission
        )


FULL = Kind("full", "cases/intake/report_form.html")
QUICK = Kind("quick", "cases/intake/quick_form.html")
EDIT = Kind("edit", "cases/intake/report_form.html")


def _payload(post) -> dict:
    """The POST as typed, JSON-ready: one value as a string, several as a list; never the
    CSRF token."""
    return {
        key: values if len(values) > 1 else values[0]
        for key, values in post.lists()
        if key != "csrfmiddlewaretoken"
    }


def _ids(text: str) -> list[int]:
    return [int(part) for part in (text or "").split(",") if part.strip().isdigit()]


def _mark_recovered(user, ids: list[int]) -> None:
    # Bookkeeping on the user's own submissions, no rule involved: the new submission
    # carries the report; the earlier failed ones leave the list of unprocessed ones.
    IntakeSubmission.objects.filter(
        pk__in=ids, submitted_by=user, report__isnull=True, recovered_at__isnull=True
    ).update(recovered_at=timezone.now())


def _render_form(request, kind: Kind, form, *, report=None, status=200, **notice):
    return render(
        request,
        kind.template,
        {
            **NAV,
            "form": bootstrapify(form),
            "kind": kind.name,
            "report": report,
            "draft_key": kind.draft_key(report),
            # A form the server filled in (typed, or reopened) is not overwritten by the
            # browser's copy.
            "prefilled": form.is_bound or bool(form.initial.get("recovering")),
            "duplicate_fields": getattr(form, "DUPLICATE_FIELDS", ()),
            **notice,
        },
        status=status,
    )


def _reopened(request, form) -> dict | None:
    """The initial values of a submission that could not be processed, to try again."""
    number = request.GET.get("submission", "")
    if not number:
        return None
    if not number.isdigit():
        raise Http404
    submission = get_object_or_404(intake.unprocessed_submissions(request.user), pk=number)
    initial = {}
    typed = intake.submission_fields(submission)
    for name, field in form.fields.items():
        value = typed.get(name)
        if isinstance(field, django_forms.BooleanField):
            value = bool(value)  # an unticked box is absent from a POST
        elif isinstance(field, django_forms.MultipleChoiceField) and isinstance(value, str):
            value = [value]
        if value is not None:
            initial[name] = value
    initial["recovering"] = ",".join(
        str(i) for i in [*_ids(submission.payload.get("recovering", "")), submission.pk]
    )
    return initial


def _failed(submission, error) -> None:
    log.exception("intake submission %s could not be processed", submission.pk)
    try:
        intake.submission_failed(submission, error)
    except Exception:  # the payload is stored; only the note of the failure is missing
        log.exception("intake submission %s: the failure could not be noted", submission.pk)


def _submit(request, kind: Kind, report=None) -> HttpResponse:
    """Stores the POST first, then processes it; a failure gives the form back, filled."""
    user = request.user
    form = kind.form(request, request.POST, report)
    try:
        submission = intake.submission_record(actor=user, payload=_payload(request.POST))
    except PermissionDenied:
        raise
    except Exception:
        log.exception("intake: a submission could not be stored")
        return _render_form(request, kind, form, report=report, unstored=True, status=503)
    try:
        if form.is_valid():
            saved = kind.save(request, form, submission, report)
            _mark_recovered(user, _ids(form.cleaned_data.get("recovering")))
            request.session[SAVED_DRAFT] = kind.draft_key(report)
            messages.success(request, _saved_message(kind, saved))
            return redirect("cases:report_detail", pk=saved.pk)
    except ValidationError as error:
        apply_errors(form, error)
    except (PermissionDenied, Http404):
        intake.submission_refused(submission)
        raise
    except Exception as error:
        _failed(submission, error)
        form.data = form.data.copy()
        form.data["recovering"] = ",".join(
            str(i) for i in [*_ids(form.data.get("recovering", "")), submission.pk]
        )
        return _render_form(request, kind, form, report=report, failed=submission, status=503)
    intake.submission_refused(submission)
    return _render_form(request, kind, form, report=report, status=400)


def _saved_message(kind: Kind, report: Report) -> str:
    if report.is_quick_intake:
        return _("Report %(ref)s is saved. Complete it when the call is over.") % {
            "ref": report.reference
        }
    return _("Report %(ref)s is saved.") % {"ref": report.reference}


def _intake_page(request, kind: Kind, report=None) -> HttpResponse:
    if request.method == "POST":
        return _submit(request, kind, report)
    form = kind.form(request, report=report)
    if report is not None:
        audit.record_viewed(report, actor=request.user)  # the form shows who and what
        form.initial = forms.ReportForm.initial_for(report)
    else:
        form.initial = form.initial_for_new()
    form.initial |= _reopened(request, form) or {}
    return _render_form(request, kind, form, report=report)


@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.WORK_CASES)
    return _intake_page(request, FULL)


@require_http_methods(["GET", "POST"])
def quick_intake(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.WORK_CASES)
    return _intake_page(request, QUICK)


@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _intake_page(request, EDIT, _report_for(request.user, pk, write=True))


def _probe(data: dict, exclude: str) -> Report | None:
    """An unsaved report holding what is typed so far, for the duplicate search only."""
    typed = [data.get(name) for name in forms.ReportForm.DUPLICATE_FIELDS if name != "country"]
    if not any(typed):
        return None
    country = data.get("country")
    probe = Report(
        pk=int(exclude) if exclude.isdigit() else None,
        country_id=country.pk if country else None,
        province=data.get("province") or "",
        city=data.get("city") or "",
        person_name=data.get("person_name") or "",
        person_name_latin=data.get("person_name_latin") or "",
        received_at=data.get("received_at") or timezone.now(),
        happened_at=data.get("happened_at"),
    )
    probe.set_passport(data.get("passport_number") or "")
    probe.person_phone_key = names.identifier_key("phone", data.get("person_phone") or "")
    return probe


@require_POST
def report_duplicates(request: HttpRequest) -> HttpResponse:
    """The live duplicate check of the full form (htmx). It only reads."""
    require(request.user, Perm.WORK_CASES)
    form = forms.ReportForm(request.POST, user=request.user)
    form.is_valid()  # the fields typed so far; the others are simply left out
    probe = _probe(form.cleaned_data, request.POST.get("exclude", ""))
    work = _visible(request.user, intake.possible_duplicates(probe)) if probe else None
    return render(request, "cases/intake/partials/duplicates.html", {"work": work, "live": True})


@require_GET
def unprocessed(request: HttpRequest) -> HttpResponse:
    """The officer's submissions that could not be processed, to reopen and save again."""
    require(request.user, Perm.WORK_CASES)
    items = []
    for submission in intake.unprocessed_submissions(request.user)[:100]:
        form_name = str(submission.payload.get("intake_form", ""))
        if form_name == "quick":
            url = reverse("cases:quick_intake")
        elif form_name.startswith("edit:") and form_name[5:].isdigit():
            url = reverse("cases:report_edit", args=[int(form_name[5:])])
        else:
            url = reverse("cases:report_new")
        items.append(
            {
                "submission": submission,
                "url": f"{url}?submission={submission.pk}",
                # Stored before intake cleaned what it keeps: shown, never a page that fails.
                "narrative": storable(str(submission.payload.get("narrative") or "")),
                "failure": storable(submission.failure),
            }
        )
    return render(request, "cases/intake/unprocessed.html", {**NAV, "items": items})
