"""Pages of the partner directory: partner bodies, contacts, countries, and the bulk import."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core import audit, import_pages, mfa
from liaison.core.formstyle import bootstrapify
from liaison.core.listing import build_listing, export_audited, wants_export
from liaison.core.looks import filters_text, list_viewed
from liaison.core.permissions import Perm, can, require
from liaison.core.views import apply_errors, save_form

from . import selectors, services
from .choices import PartnerKind
from .forms import (
    ContactFilterForm,
    ContactForm,
    CountryFilterForm,
    PartnerBodyDeactivateForm,
    PartnerBodyFilterForm,
    PartnerBodyForm,
)
from .selectors import BODY_COLUMNS, CONTACT_COLUMNS, COUNTRY_COLUMNS

NAV = {"active_nav": "partners"}
RESULTS_TARGET = "list-results"  # the element an htmx search or sort replaces


def _posted(request) -> tuple:
    """The form data of a POST (even an empty one, so it is validated), else nothing."""
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _list_page(request, template: str, context: dict) -> HttpResponse:
    """The whole page, or only its results when htmx asks for them."""
    if request.htmx and request.htmx.target == RESULTS_TARGET:
        template = template.replace("partners/", "partners/partials/", 1)
    return render(request, template, {**NAV, "results_target": RESULTS_TARGET, **context})


# Partner bodies ---------------------------------------------------------------------------


@require_GET
def body_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_DIRECTORY)
    listing, queryset = build_listing(
        request,
        selectors.bodies_for(request.user),
        form_class=PartnerBodyFilterForm,
        form_kwargs={"user": request.user},
        columns=BODY_COLUMNS,
        apply_filters=selectors.body_filter,
        default_sort="name_en",
    )
    if fmt := wants_export(request):
        return export_audited(request, queryset, BODY_COLUMNS, fmt=fmt, filename="partner-bodies")
    return _list_page(
        request,
        "partners/body_list.html",
        {
            "listing": listing,
            "can_export": can(request.user, Perm.EXPORT_DATA),
            "can_manage": can(request.user, Perm.MANAGE_DIRECTORY),
        },
    )


def _body_page(request, body, *, status_form=None, status: int = 200) -> HttpResponse:
    can_manage = can(request.user, Perm.MANAGE_DIRECTORY)
    if can_manage and status_form is None:
        status_form = PartnerBodyDeactivateForm()
    return render(
        request,
        "partners/body_detail.html",
        {
            **NAV,
            "body": body,
            "units": selectors.body_units(request.user, body),
            "contacts": selectors.body_contacts(request.user, body),
            "can_view_contacts": can(request.user, Perm.VIEW_CONTACTS),
            "can_manage": can_manage,
            "status_form": bootstrapify(status_form) if can_manage else None,
        },
        status=status,
    )


@require_GET
def body_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW_DIRECTORY)
    return _body_page(request, selectors.get_body_for_user(request.user, pk))


@require_http_methods(["GET", "POST"])
def body_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, Perm.MANAGE_DIRECTORY)
    body = selectors.get_body_for_user(request.user, pk) if pk else None
    form = PartnerBodyForm(_posted(request)[0], instance=body)
    saved = save_form(
        request,
        form,
        lambda data: (
            services.partner_body_update(actor=request.user, body=body, **data)
            if body
            else services.partner_body_create(actor=request.user, **data)
        ),
    )
    if saved:
        messages.success(request, _("The partner body is saved."))
        return redirect("partners:body_detail", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "partners/body_form.html",
        {**NAV, "form": bootstrapify(form), "body": body},
        status=status,
    )


@require_POST
def body_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivates a body (with a reason) or brings it back into the active list."""
    require(request.user, Perm.MANAGE_DIRECTORY)
    body = selectors.get_body_for_user(request.user, pk)
    reactivate = request.POST.get("action") == "reactivate"
    form = PartnerBodyDeactivateForm(None if reactivate else request.POST)
    try:
        if reactivate:
            services.partner_body_update(actor=request.user, body=body, is_active=True)
            messages.success(request, _("The partner body is active again."))
            return redirect("partners:body_detail", pk=body.pk)
        if form.is_valid():
            services.partner_body_deactivate(
                actor=request.user, body=body, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The partner body is deactivated."))
            return redirect("partners:body_detail", pk=body.pk)
    except ValidationError as error:
        apply_errors(form, error)
    return _body_page(request, body, status_form=form, status=400)


# Bulk import ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def body_import(request: HttpRequest) -> HttpResponse:
    return import_pages.import_page(
        request,
        perm=Perm.MANAGE_DIRECTORY,
        run=lambda table: services.partner_bodies_import(actor=request.user, table=table),
        template="partners/body_import.html",
        success_message=_("%(n)s partner bodies are imported."),
        success_url=reverse("partners:body_list"),
        report_url_name="partners:import_report",
        job_kind="partners.import_bodies",
        context={**NAV, "columns": services.IMPORT_COLUMNS, "kinds": PartnerKind.values},
    )


@require_GET
def import_report(request: HttpRequest, token: str) -> HttpResponse:
    return import_pages.import_report(
        request, perm=Perm.MANAGE_DIRECTORY, token=token, filename="partner-import-problems.csv"
    )


# Contacts ---------------------------------------------------------------------------------


@require_GET
def contact_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_CONTACTS)
    listing, queryset = build_listing(
        request,
        selectors.contacts_for(request.user),
        form_class=ContactFilterForm,
        form_kwargs={"user": request.user},
        columns=CONTACT_COLUMNS,
        apply_filters=selectors.contact_filter,
        default_sort="full_name",
    )
    if fmt := wants_export(request):
        # Foreign officers' names, e-mails and phones.
        if again := mfa.reauthentication_required(request):
            return again
        return export_audited(request, queryset, CONTACT_COLUMNS, fmt=fmt, filename="contacts")
    if listing.page.object_list:
        list_viewed(
            request.user,
            object_type="partners.contact",
            shown=f"contact list: {len(listing.page.object_list)} contacts",
            filters=filters_text(request.GET),
        )
    return _list_page(
        request,
        "partners/contact_list.html",
        {
            "listing": listing,
            "can_export": can(request.user, Perm.EXPORT_DATA),
            "can_manage": can(request.user, Perm.MANAGE_DIRECTORY),
        },
    )


@require_GET
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW_CONTACTS)
    contact = selectors.get_contact_for_user(request.user, pk)
    # Opening a person's record is a view of personal data, and is kept in the audit trail.
    audit.record_viewed(contact, actor=request.user)
    return render(
        request,
        "partners/contact_detail.html",
        {
            **NAV,
            "contact": contact,
            "can_manage": can(request.user, Perm.MANAGE_DIRECTORY),
        },
    )


@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, Perm.MANAGE_DIRECTORY)
    contact = selectors.get_contact_for_user(request.user, pk) if pk else None
    initial = {"partner_body": request.GET.get("body")} if contact is None else None
    form = ContactForm(_posted(request)[0], instance=contact, initial=initial, user=request.user)
    saved = save_form(
        request,
        form,
        lambda data: (
            services.contact_update(actor=request.user, contact=contact, **data)
            if contact
            else services.contact_create(actor=request.user, **data)
        ),
    )
    if saved:
        messages.success(request, _("The contact is saved."))
        return redirect("partners:contact_detail", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "partners/contact_form.html",
        {**NAV, "form": bootstrapify(form), "contact": contact},
        status=status,
    )


# Countries --------------------------------------------------------------------------------


@require_GET
def country_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_DIRECTORY)
    listing, _queryset = build_listing(
        request,
        selectors.countries_for(request.user),
        form_class=CountryFilterForm,
        columns=COUNTRY_COLUMNS,
        apply_filters=selectors.country_filter,
        default_sort="name_en",
        per_page=50,
    )
    return _list_page(request, "partners/country_list.html", {"listing": listing})


@require_GET
def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, Perm.VIEW_DIRECTORY)
    country = selectors.get_country(code)
    return render(
        request,
        "partners/country_detail.html",
        {
            **NAV,
            "country": country,
            "bodies": selectors.country_bodies(request.user, country),
            "can_manage": can(request.user, Perm.MANAGE_DIRECTORY),
        },
    )
