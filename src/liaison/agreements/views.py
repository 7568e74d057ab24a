"""Pages of the agreements domain: the registry, one agreement with its timeline and the
actions open to the person looking, the application form, deadlines, occasions and the
printable summary. Each view parses input, calls one service or selector, renders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core import import_pages
from liaison.core.formstyle import bootstrapify
from liaison.core.listing import build_listing, export_audited, wants_export
from liaison.core.models import Institution
from liaison.core.permissions import Perm, can, refuse, require
from liaison.core.routing import reads_from_replica
from liaison.core.views import apply_errors, save_form

from . import dashboard as agreement_dashboard
from . import forms, permissions, rules, selectors, services, workflow
from .choices import IN_FORCE_STATUSES, AgreementStatus, AgreementType, ScopeArea
from .conf import effectiveness_thresholds, result_report_due_days
from .models import Occasion
from .services.conclusion import CRITERION_KEYS
from .services.importing import IMPORT_COLUMNS, IMPORT_STATUSES

NAV = {"active_nav": "agreements"}
S = AgreementStatus


@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_AGREEMENTS)
    listing, queryset = build_listing(
        request,
        selectors.agreements_for(request.user),
        form_class=forms.AgreementFilterForm,
        form_kwargs={"user": request.user},
        columns=selectors.COLUMNS,
        apply_filters=selectors.agreement_filter,
        default_sort="-signed_on",
    )
    if fmt := wants_export(request):
        return export_audited(request, queryset, selectors.COLUMNS, fmt=fmt, filename="agreements")
    return render(
        request,
        "agreements/list.html",
        {
            **NAV,
            "listing": listing,
            "can_export": can(request.user, Perm.EXPORT_DATA),
            "can_apply": permissions.can_apply(request.user),
            "can_import": permissions.can_review(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def agreement_import(request: HttpRequest) -> HttpResponse:
    """The office's earlier registry, imported all or nothing (as the partner directory)."""
    return import_pages.import_page(
        request,
        perm=Perm.REVIEW_AGREEMENTS,
        run=lambda table: services.agreements_import(actor=request.user, table=table),
        template="agreements/import.html",
        success_message=_("%(n)s agreements are imported."),
        success_url=reverse("agreements:list"),
        report_url_name="agreements:import_report",
        job_kind="agreements.import",
        context={
            **NAV,
            "columns": IMPORT_COLUMNS,
            "statuses": IMPORT_STATUSES,
            "types": AgreementType.values,
            "scope_areas": ScopeArea.values,
        },
    )


@require_GET
def import_report(request: HttpRequest, token: str) -> HttpResponse:
    return import_pages.import_report(
        request, perm=Perm.REVIEW_AGREEMENTS, token=token, filename="agreement-import-problems.csv"
    )


def _institutions_for(user):
    if user.role == "requester":
        return Institution.objects.filter(pk__in=user.institution.subtree_ids())
    return Institution.objects.filter(is_active=True)


def _application_fields(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "exception_reason"}


@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    require(user, Perm.APPLY_AGREEMENTS)
    agreement = selectors.get_agreement_for_user(user, pk) if pk else None
    if agreement is not None and not permissions.can_edit_application(user, agreement):
        raise PermissionDenied(_("This application cannot be edited now."))
    initial = {"institution": user.institution_id}
    if agreement is not None:
        initial = {
            f: getattr(agreement, f)
            for f in (
                "title",
                "agreement_type",
                "counterpart",
                "institution",
                "purpose",
                "scope_areas",
                "planned_signing_on",
                "occasion",
                "notes",
            )
        }
    form = forms.ApplicationForm(
        request.POST or None,
        initial=initial,
        user=user,
        institutions=_institutions_for(user),
        allow_exception=agreement is None and permissions.can_grant_exception(user),
    )
    saved = save_form(
        request,
        form,
        lambda data: (
            services.agreement_update(actor=user, agreement=agreement, **_application_fields(data))
            if agreement
            else services.agreement_apply(actor=user, **data)
        ),
    )
    if saved:
        messages.success(request, _("The application is saved."))
        return redirect("agreements:detail", pk=saved.pk)
    planned = agreement.planned_signing_on if agreement else None
    if form.is_bound:
        planned = getattr(form, "cleaned_data", {}).get("planned_signing_on")
    return render(
        request,
        "agreements/form.html",
        {
            **NAV,
            "form": bootstrapify(form),
            "agreement": agreement,
            "deadline": rules.submission_deadline(planned) if planned else None,
            "today": timezone.localdate(),
        },
        status=400 if request.method == "POST" else 200,
    )


def _action_forms(user, agreement) -> dict:
    """The forms of the actions this user may take on this agreement now."""
    a, status = agreement, agreement.status
    f = {}
    if permissions.can_upload(user, a):
        f["upload"] = forms.DocumentForm()
    if (
        permissions.can_grant_exception(user)
        and not a.has_exception
        and status in (S.DRAFT, S.REVISION_REQUESTED)
    ):
        f["exception"] = forms.ExceptionForm()
    if permissions.can_review(user) and status in (S.SUBMITTED, S.UNDER_VALIDITY_REVIEW):
        f["review"] = forms.ReviewForm(initial={"version": a.version})
    if permissions.can_review(user) and status == S.DRAFT_REVIEW:
        f["final_text"] = forms.FinalTextForm(agreement=a)
    if permissions.can_decide(user) and status == S.DRAFT_REVIEW:
        f["decide"] = forms.DecisionForm(initial={"version": a.version})
    if permissions.acts_for(user, a) and status == S.APPROVED:
        f["sign"] = forms.SignForm()
    if permissions.can_report(user, a) and status == S.SIGNED:
        f["result_report"] = forms.ResultReportForm()
    if permissions.can_record_activity(user, a) and status in IN_FORCE_STATUSES:
        f["activity"] = forms.ActivityForm(initial={"occurred_on": timezone.localdate()})
    if permissions.can_report(user, a) and status in IN_FORCE_STATUSES:
        f["annual_report"] = forms.AnnualReportForm()
    if permissions.can_review(user) and status == S.ACTIVE:
        f["recommend_termination"] = forms.TerminationRecommendForm()
    if permissions.can_decide(user) and status == S.TERMINATION_RECOMMENDED:
        f["decide_termination"] = forms.TerminationDecisionForm()
    return f


def _detail(request, agreement, *, bound: tuple[str, object] | None = None, status=200):
    user = request.user
    action_forms = _action_forms(user, agreement)
    if bound:
        action_forms[bound[0]] = bound[1]
    for form in action_forms.values():
        bootstrapify(form)
    moves = [
        {
            "to": target,
            "label": rule.label,
            "needs_reason": rule.needs_reason,
            "blocked": workflow.refusal_message(agreement, target),
        }
        for target, rule in workflow.available_moves(user, agreement)
        if rule.label
    ]
    assessment = services.effectiveness_assess(agreement) if agreement.signed_on else None
    return render(
        request,
        "agreements/detail.html",
        {
            **NAV,
            "agreement": agreement,
            "timeline": selectors.timeline(agreement),
            "moves": moves,
            "forms": action_forms,
            "assessment": assessment,
            "reviews": agreement.reviews.select_related("reviewer"),
            "documents": agreement.documents.select_related("uploaded_by"),
            "deadline": rules.submission_deadline(agreement.planned_signing_on)
            if agreement.planned_signing_on
            else None,
            "can_edit": permissions.can_edit_application(user, agreement),
            "decisions": agreement.effectiveness_decisions.all(),
            "annual_reports": agreement.annual_reports.all(),
        },
        status=status,
    )


@require_GET
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.get_agreement_for_user(request.user, pk))


@require_GET
def agreement_summary(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.get_agreement_for_user(request.user, pk)
    return render(
        request,
        "agreements/summary.html",
        {
            "agreement": agreement,
            "latest_review": agreement.reviews.order_by("-round").first(),
            "transitions": agreement.transitions.select_related("actor"),
            "assessment": services.effectiveness_assess(agreement) if agreement.signed_on else None,
            "printed_at": timezone.localtime(),
        },
    )


@require_GET
def document_download(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    agreement = selectors.get_agreement_for_user(request.user, pk)
    document = get_object_or_404(agreement.documents, pk=document_pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


# Actions: each is a form and one service call. -------------------------------------------


@dataclass(frozen=True)
class Action:
    form: Callable
    run: Callable  # (request, agreement, cleaned_data) -> success message
    # Whether the user's role may take the action on this agreement at all, asked before
    # the form is read: a role without the right is refused (403, audited), not shown the
    # form's errors. Whether the agreement's status allows it is the service's to say.
    allowed: Callable  # (user, agreement) -> bool
    files: bool = False


def _moves_it(user, agreement) -> bool:
    return (
        permissions.acts_for(user, agreement)
        or permissions.can_review(user)
        or permissions.can_decide(user)
    )


def _uploads(user, agreement) -> bool:
    return permissions.acts_for(user, agreement) or permissions.can_review(user)


def _reviews(user, agreement) -> bool:
    return permissions.can_review(user)


def _decides(user, agreement) -> bool:
    return permissions.can_decide(user)


def _move(request, agreement, data):
    services.agreement_transition(
        actor=request.user,
        agreement=agreement,
        to_status=data["to_status"],
        reason=data.get("reason") or "",
        expected_version=data.get("version"),
    )
    return _("The agreement is now '%(s)s'.") % {"s": S(data["to_status"]).label}


def _upload(request, agreement, data):
    services.document_upload(
        actor=request.user,
        agreement=agreement,
        kind=data["kind"],
        upload=data["file"],
        comment=data["comment"],
    )
    return _("The document is stored.")


def _exception(request, agreement, data):
    services.agreement_grant_exception(
        actor=request.user, agreement=agreement, reason=data["reason"]
    )
    return _("The exception is granted and recorded.")


def _review(request, agreement, data):
    services.agreement_record_review(
        actor=request.user,
        agreement=agreement,
        ratings={k: data[k] for k in CRITERION_KEYS},
        comments={k: data[f"{k}_comment"] for k in CRITERION_KEYS},
        recommendation=data["recommendation"],
        summary=data["summary"],
        expected_version=data.get("version"),
    )
    return _("The validity review is recorded.")


def _final_text(request, agreement, data):
    services.agreement_agree_final_text(
        actor=request.user, agreement=agreement, document=data["document"], comment=data["comment"]
    )
    return _("The final text is recorded.")


def _decide(request, agreement, data):
    services.agreement_decide(
        actor=request.user,
        agreement=agreement,
        approve=data["decision"] == "approve",
        note=data["note"],
        expected_version=data.get("version"),
    )
    return _("The decision is recorded.")


def _sign(request, agreement, data):
    services.agreement_sign(
        actor=request.user,
        agreement=agreement,
        signed_on=data["signed_on"],
        place=data["place"],
        signatory_home=data["signatory_home"],
        signatory_home_title=data["signatory_home_title"],
        signatory_partner=data["signatory_partner"],
        signatory_partner_title=data["signatory_partner_title"],
        signed_copy=data["signed_copy"],
        expires_on=data["expires_on"],
        renewal=data["renewal"],
    )
    return _("The signing is recorded. The result report is due in %(n)s days.") % {
        "n": result_report_due_days()
    }


def _result_report(request, agreement, data):
    services.result_report_submit(
        actor=request.user, agreement=agreement, summary=data["summary"], upload=data["file"]
    )
    return _("The result report is submitted; the agreement is active.")


def _activity(request, agreement, data):
    services.activity_record(actor=request.user, agreement=agreement, **data)
    return _("The activity is logged.")


def _annual_report(request, agreement, data):
    services.annual_report_submit(actor=request.user, agreement=agreement, **data)
    return _("The annual report is submitted.")


def _recommend(request, agreement, data):
    services.termination_recommend(
        actor=request.user, agreement=agreement, recommendation=data["recommendation"]
    )
    return _("The termination recommendation is recorded.")


def _decide_termination(request, agreement, data):
    services.termination_decide(actor=request.user, agreement=agreement, **data)
    return _("The decision is recorded.")


ACTIONS = {
    "move": Action(lambda a, *x, **k: forms.ReasonForm(*x, **k), _move, _moves_it),
    "upload": Action(lambda a, *x, **k: forms.DocumentForm(*x, **k), _upload, _uploads, files=True),
    "exception": Action(lambda a, *x, **k: forms.ExceptionForm(*x, **k), _exception, _reviews),
    "review": Action(lambda a, *x, **k: forms.ReviewForm(*x, **k), _review, _reviews),
    "final_text": Action(
        lambda a, *x, **k: forms.FinalTextForm(*x, agreement=a, **k), _final_text, _reviews
    ),
    "decide": Action(lambda a, *x, **k: forms.DecisionForm(*x, **k), _decide, _decides),
    "sign": Action(
        lambda a, *x, **k: forms.SignForm(*x, **k), _sign, permissions.acts_for, files=True
    ),
    "result_report": Action(
        lambda a, *x, **k: forms.ResultReportForm(*x, **k),
        _result_report,
        permissions.can_report,
        files=True,
    ),
    "activity": Action(
        lambda a, *x, **k: forms.ActivityForm(*x, **k), _activity, permissions.can_record_activity
    ),
    "annual_report": Action(
        lambda a, *x, **k: forms.AnnualReportForm(*x, **k), _annual_report, permissions.can_report
    ),
    "recommend_termination": Action(
        lambda a, *x, **k: forms.TerminationRecommendForm(*x, **k), _recommend, _reviews
    ),
    "decide_termination": Action(
        lambda a, *x, **k: forms.TerminationDecisionForm(*x, **k), _decide_termination, _decides
    ),
}


@require_POST
def agreement_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    agreement = selectors.get_agreement_for_user(request.user, pk)
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    if not spec.allowed(request.user, agreement):
        refuse(request.user, what=f"agreements.{action}")
    form = spec.form(agreement, request.POST, request.FILES if spec.files else None)
    if form.is_valid():
        try:
            messages.success(request, spec.run(request, agreement, form.cleaned_data))
            return redirect("agreements:detail", pk=agreement.pk)
        except ValidationError as error:
            apply_errors(form, error)
    agreement.refresh_from_db()
    return _detail(request, agreement, bound=(action, form), status=400)


@require_GET
@reads_from_replica  # figures that may be a moment behind (core/routing.py)
def dashboard(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_AGREEMENTS)
    today = timezone.localdate()
    context = agreement_dashboard.dashboard(request.user, today=today)
    return render(request, "agreements/dashboard.html", {**NAV, **context, "today": today})


@require_GET
def deadlines(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_AGREEMENTS)
    today = timezone.localdate()
    return render(
        request,
        "agreements/deadlines.html",
        {
            **NAV,
            "items": selectors.deadlines(request.user, today=today),
            "today": today,
        },
    )


@require_GET
def occasion_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_AGREEMENTS)
    return render(
        request, "agreements/occasion_list.html", {**NAV, "occasions": Occasion.objects.all()}
    )


@require_GET
def occasion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW_AGREEMENTS)
    occasion = get_object_or_404(Occasion, pk=pk)
    return render(
        request,
        "agreements/occasion_detail.html",
        {
            **NAV,
            "occasion": occasion,
            "rows": selectors.occasion_readiness(request.user, occasion),
            "steps": selectors.READINESS_STEPS,
        },
    )


@require_GET
def effectiveness(request: HttpRequest) -> HttpResponse:
    """Every agreement in force with its assessment for last year; the office acts on it."""
    require(request.user, Perm.VIEW_AGREEMENTS)
    today = timezone.localdate()
    year = today.year - 1
    rows = services.effectiveness_overview(
        selectors.agreements_for(request.user).filter(status__in=IN_FORCE_STATUSES),
        year=year,
        today=today,
    )
    rows.sort(key=lambda r: (r[1].verdict != "ineffective", r[0].pk))
    return render(
        request,
        "agreements/effectiveness.html",
        {
            **NAV,
            "rows": rows,
            "year": year,
            "thresholds": rules.thresholds_text(effectiveness_thresholds()),
        },
    )


@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    """The person's own reminders: unread ones first, then the latest read ones."""
    require(request.user, Perm.VIEW_AGREEMENTS)
    items = list(selectors.notifications_for(request.user)[:100])
    return render(
        request,
        "agreements/notifications.html",
        {
            **NAV,
            "items": items,
            "unread": sum(1 for item in items if item.read_at is None),
        },
    )


@require_GET
def notifications_badge(request: HttpRequest) -> HttpResponse:
    """The unread count in the top bar, fetched by HTMX after the page loads so that no
    page pays a query for it."""
    return render(
        request,
        "agreements/partials/notifications_badge.html",
        {"count": selectors.unread_notification_count(request.user)},
    )


@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Marks one notification (`reminder`) or, without it, all of the person's read."""
    require(request.user, Perm.VIEW_AGREEMENTS)
    form = forms.NotificationReadForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    services.notifications_mark_read(
        actor=request.user, reminder_id=form.cleaned_data.get("reminder")
    )
    return redirect("agreements:notifications")
