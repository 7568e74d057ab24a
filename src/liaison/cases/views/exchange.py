"""Exchange with other organisations: the HTCDS export of victims and perpetrators."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.core import audit, mfa, purpose
from liaison.core.choices import AuditAction
from liaison.core.listing import purpose_refused
from liaison.core.permissions import Perm, require

from .. import htcds
from ..models import Case

FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", htcds.as_xlsx),
    "zip": ("application/zip", htcds.as_zip),
}


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=gettext_lazy("format"),
        choices=[("xlsx", "XLSX"), ("zip", gettext_lazy("CSV files (zip)"))],
        required=False,
    )
    country = forms.CharField(label=gettext_lazy("country"), max_length=2, required=False)
    reported_from = forms.DateField(label=gettext_lazy("reported from"), required=False)
    reported_to = forms.DateField(label=gettext_lazy("reported to"), required=False)

    def cases(self, user):
        data = self.cleaned_data
        cases = Case.objects.visible_to(user)
        if data["country"]:
            cases = cases.filter(country_id=data["country"].upper())
        if data["reported_from"]:
            cases = cases.filter(first_reported_at__date__gte=data["reported_from"])
        if data["reported_to"]:
            cases = cases.filter(first_reported_at__date__lte=data["reported_to"])
        return cases


@login_required
def htcds_export(request):
    """Victims and perpetrators in HTCDS v2 columns; names only of victims who consented."""
    require(request.user, Perm.VIEW_CASE_PERSONAL)
    require(request.user, Perm.EXPORT_DATA)
    if again := mfa.reauthentication_required(request):
        return again
    form = ExportForm(request.GET)
    if not form.is_valid():
        errors = "; ".join(f"{field}: {' '.join(e)}" for field, e in form.errors.items())
        return HttpResponse(_("The export filters are invalid: %(e)s") % {"e": errors}, status=400)
    fmt = form.cleaned_data["format"] or "xlsx"
    asked = purpose.purpose_form(request, request.GET)
    if not asked.is_valid():
        return purpose_refused(request, asked, export=fmt)
    purpose.remember(request, asked.stated)
    export = htcds.build(form.cases(request.user))
    audit.record(
        AuditAction.EXPORT,
        actor=request.user,
        object_type="cases.victim",
        object_repr=f"HTCDS export ({fmt}): {len(export.victims)} victims, {export.named} named "
        f"with consent; {len(export.perpetrators)} perpetrators",
        reason="filters: "
        + (
            "&".join(f"{k}={v}" for k, v in request.GET.items() if k not in purpose.FIELDS)
            or "none"
        ),
        purpose=asked.stated,
    )
    content_type, render = FORMATS[fmt]
    response = HttpResponse(render(export), content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="htcds-{stamp}.{fmt}"'
    return response
