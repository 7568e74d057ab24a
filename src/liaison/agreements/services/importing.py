"""Bulk import of the agreements the office concluded before Liaison, from its registry
as CSV or XLSX: every row checked first, all of them written or none (core.importing)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core import audit
from liaison.core.choices import AuditAction
from liaison.core.importing import ImportFileError, ImportResult, run_import
from liaison.core.models import Institution, User
from liaison.core.permissions import Perm, require
from liaison.partners.models import Country, PartnerBody

from .. import conf
from ..choices import AgreementStatus, AgreementType, ScopeArea
from ..models import Agreement

S = AgreementStatus
IMPORT_COLUMNS = [
    "reference",
    "title",
    "counterpart",
    "country",
    "institution",
    "agreement_type",
    "scope_areas",
    "status",
    "signed_on",
    "expires_on",
]
IMPORT_REQUIRED_COLUMNS = ["title", "counterpart", "institution", "status", "signed_on"]
# A registry holds concluded agreements; applications in progress are entered in Liaison.
IMPORT_STATUSES = [S.SIGNED, S.ACTIVE, S.EXPIRED, S.TERMINATED]
# XLSX cells hold dates as datetimes, which read_table writes with a time of day.
DATE_FORMATS = ["%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d", "%Y.%m.%d"]


def _choice(value: str, choices: Sequence[str], what: str) -> str:
    value = value.strip().lower().replace(" ", "_")
    if value not in choices:
        raise forms.ValidationError(
            _("Unknown %(what)s “%(value)s”; use one of: %(choices)s.")
            % {"what": what, "value": value, "choices": ", ".join(choices)}
        )
    return value


class AgreementImportRowForm(forms.Form):
    """One row of the registry file; the field names are the file's column names."""

    reference = forms.CharField(max_length=60, required=False)
    title = forms.CharField(max_length=300)
    counterpart = forms.CharField(max_length=200)
    country = forms.CharField(max_length=10, required=False)
    institution = forms.CharField(max_length=40)
    agreement_type = forms.CharField(max_length=30, required=False)
    scope_areas = forms.CharField(required=False)
    status = forms.CharField(max_length=30)
    signed_on = forms.DateField(input_formats=DATE_FORMATS)
    expires_on = forms.DateField(input_formats=DATE_FORMATS, required=False)

    def __init__(self, *args, lookups: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.lookups = lookups  # read once for the whole file

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"].strip()
        if reference and reference in self.lookups["references"]:
            raise forms.ValidationError(
                _("An agreement with the reference “%(ref)s” is already in the registry.")
                % {"ref": reference}
            )
        return reference

    def clean_country(self) -> Country | None:
        code = self.cleaned_data["country"].strip().upper()
        if not code:
            return None
        if code not in self.lookups["countries"]:
            raise forms.ValidationError(
                _("No country has the ISO code “%(code)s”; use two letters such as KH.")
                % {"code": code}
            )
        return self.lookups["countries"][code]

    def clean_institution(self) -> Institution:
        code = self.cleaned_data["institution"].strip().lower()
        if code not in self.lookups["institutions"]:
            raise forms.ValidationError(
                _("No institution has the code “%(code)s”.") % {"code": code}
            )
        return self.lookups["institutions"][code]

    def clean_agreement_type(self) -> str:
        value = self.cleaned_data["agreement_type"] or AgreementType.MOU
        return _choice(value, AgreementType.values, _("agreement type"))

    def clean_scope_areas(self) -> list[str]:
        values = [v for v in self.cleaned_data["scope_areas"].split(";") if v.strip()]
        return [_choice(v, ScopeArea.values, _("scope area")) for v in values]

    def clean_status(self) -> str:
        return _choice(self.cleaned_data["status"], IMPORT_STATUSES, _("status"))

    def clean(self):
        super().clean()
        data = self.cleaned_data
        name, country = data.get("counterpart", "").strip().lower(), data.get("country")
        if name and "country" not in self.errors:
            matches = [
                b
                for b in self.lookups["bodies"].get(name, [])
                if country is None or b.country_id in (None, country.code)
            ]
            if not matches:
                self.add_error(
                    "counterpart",
                    _("No partner body is named or abbreviated “%(name)s”%(where)s.")
                    % {"name": name, "where": f" ({country.code})" if country else ""},
                )
            elif len(matches) > 1:
                self.add_error(
                    "counterpart",
                    _(
                        "“%(name)s” names several partner bodies; add the country or use the "
                        "full English name."
                    )
                    % {"name": name},
                )
            else:
                data["counterpart"] = matches[0]
        expires, status = data.get("expires_on"), data.get("status")
        today = timezone.localdate()
        if status == S.EXPIRED and not (expires and expires <= today):
            self.add_error("expires_on", _("An expired agreement needs its past expiry date."))
        if status in (S.SIGNED, S.ACTIVE) and expires and expires < today:
            self.add_error(
                "status", _("It expired on %(date)s: use the status expired.") % {"date": expires}
            )
        return data


def _lookups() -> dict:
    bodies: dict[str, list[PartnerBody]] = {}
    for body in PartnerBody.objects.all():
        for key in {body.name_en.strip().lower(), body.abbreviation.strip().lower()} - {""}:
            bodies.setdefault(key, []).append(body)
    return {
        "bodies": bodies,
        "countries": {c.code: c for c in Country.objects.all()},
        "institutions": {i.code: i for i in Institution.objects.all()},
        "references": set(
            Agreement.objects.exclude(external_reference="").values_list(
                "external_reference", flat=True
            )
        ),
    }


def _normalized(table: list[dict[str, str]]) -> list[dict[str, str]]:
    """The table with headers such as “Agreement type” read as agreement_type."""
    table = [{k.strip().replace(" ", "_"): v for k, v in row.items()} for row in table]
    if table:
        header = set(table[0])
        missing = [c for c in IMPORT_REQUIRED_COLUMNS if c not in header]
        unknown = sorted(h for h in header - set(IMPORT_COLUMNS) if h)
        if missing or unknown:
            raise ImportFileError(
                _("The columns must be: %(all)s (missing: %(missing)s; unknown: %(unknown)s).")
                % {
                    "all": ", ".join(IMPORT_COLUMNS),
                    "missing": ", ".join(missing) or "—",
                    "unknown": ", ".join(unknown) or "—",
                }
            )
    return table


@transaction.atomic
def agreements_import(*, actor: User, table: list[dict[str, str]]) -> ImportResult:
    """Creates an agreement for every row of the registry file, or none; one IMPORT
    audit entry names them all."""
    require(actor, Perm.REVIEW_AGREEMENTS)
    table = _normalized(table)
    created: list[Agreement] = []
    seen: set[str] = set()

    def save_row(data: dict) -> None:
        reference = data.pop("reference")
        if reference and reference in seen:
            raise ValidationError(
                {
                    "reference": _("The reference “%(ref)s” is twice in the file.")
                    % {"ref": reference}
                }
            )
        seen.add(reference)
        status, signed_on = data["status"], data["signed_on"]
        data["country"] = data["country"] or data["counterpart"].country
        agreement = Agreement(
            **data,
            external_reference=reference,
            created_by=actor,
            ended_on=data["expires_on"] if status == S.EXPIRED else None,
            # A registry entry still "signed" owes its result report like any other.
            result_report_due=signed_on + datetime.timedelta(days=conf.result_report_due_days())
            if status == S.SIGNED
            else None,
        )
        agreement.full_clean()
        agreement.save()
        created.append(agreement)

    result = run_import(
        table,
        row_form=AgreementImportRowForm,
        save_row=save_row,
        form_kwargs={"lookups": _lookups()},
    )
    if result.ok:
        audit.record(
            AuditAction.IMPORT,
            actor=actor,
            object_type="agreements.agreement",
            object_repr=f"{result.created} agreements",
            changes={"created": result.created, "ids": [a.pk for a in created]},
        )
    return result
