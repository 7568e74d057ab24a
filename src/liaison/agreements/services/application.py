"""Applying for an agreement: the draft application, the two-month rule and its only
exception, submission (reported to the Commissioner General), occasions."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core import audit
from liaison.core.models import User
from liaison.core.permissions import Perm, refuse, require

from .. import permissions, rules, workflow
from ..choices import AgreementStatus
from ..models import Agreement, Occasion

APPLICATION_FIELDS = [
    "title",
    "agreement_type",
    "counterpart_id",
    "country_id",
    "institution_id",
    "purpose",
    "scope_areas",
    "planned_signing_on",
    "occasion_id",
    "expires_on",
    "renewal",
    "notes",
]
EDITABLE = {name.removesuffix("_id") for name in APPLICATION_FIELDS} - {"country"}


def _refuse_late(agreement: Agreement, today: datetime.date) -> None:
    planned = agreement.planned_signing_on
    if planned is None or agreement.has_exception:
        return
    if not rules.is_on_time(submitted=agreement.submitted_on or today, planned=planned):
        raise ValidationError({"planned_signing_on": rules.late_application_message(planned)})


def _set_fields(agreement: Agreement, fields: dict) -> None:
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(agreement, name, value)
    agreement.scope_areas = list(dict.fromkeys(agreement.scope_areas or []))
    if agreement.counterpart_id:
        agreement.country_id = agreement.counterpart.country_id


def _grant(agreement: Agreement, actor: User, reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"exception_reason": _("An exception needs a written reason.")})
    agreement.exception_granted_by = actor
    agreement.exception_granted_at = timezone.now()
    agreement.exception_reason = reason.strip()


@transaction.atomic
def agreement_apply(*, actor: User, exception_reason: str = "", **fields) -> Agreement:
    """A new draft application. Refused when the planned signing is already less than two
    calendar months away, unless the International Cooperation Office creates it with an
    exception and its reason."""
    require(actor, Perm.APPLY_AGREEMENTS)
    agreement = Agreement(created_by=actor, status=AgreementStatus.DRAFT)
    _set_fields(agreement, fields)
    if agreement.institution_id is None and actor.institution_id:
        agreement.institution_id = actor.institution_id
    if agreement.institution_id and not permissions.acts_for(actor, agreement):
        raise ValidationError({"institution": _("You can only apply for your own institution.")})
    if exception_reason.strip():
        if not permissions.can_grant_exception(actor):
            refuse(actor, what="agreements.exception")
        _grant(agreement, actor, exception_reason)
    agreement.full_clean(exclude=["created_by"])
    _refuse_late(agreement, timezone.localdate())
    agreement.save()
    audit.record_created(agreement, actor=actor)
    return agreement


@transaction.atomic
def agreement_update(
    *, actor: User, agreement: Agreement, expected_version: int | None = None, **fields
) -> Agreement:
    """Edits a draft, or an application sent back for revision."""
    locked = workflow.lock(agreement, expected_version)
    if not permissions.can_edit_application(actor, locked):
        if not permissions.acts_for(actor, locked):
            refuse(actor, what="agreements.edit")
        raise ValidationError(
            _("An application can be edited only as a draft or when a revision is requested.")
        )
    before = audit.snapshot(locked, APPLICATION_FIELDS)
    _set_fields(locked, fields)
    if not permissions.acts_for(actor, locked):
        raise ValidationError({"institution": _("You can only apply for your own institution.")})
    locked.full_clean()
    _refuse_late(locked, timezone.localdate())
    locked.save()
    audit.record_updated(locked, before, actor=actor)
    return locked


@transaction.atomic
def agreement_grant_exception(*, actor: User, agreement: Agreement, reason: str) -> Agreement:
    """The International Cooperation Office lets a late application through; the exception,
    who granted it and why stay on the record and in every report."""
    if not permissions.can_grant_exception(actor):
        refuse(actor, what="agreements.exception")
    locked = workflow.lock(agreement)
    if locked.status not in (AgreementStatus.DRAFT, AgreementStatus.REVISION_REQUESTED):
        raise ValidationError(_("An exception is granted before the application is submitted."))
    if locked.has_exception:
        raise ValidationError(_("An exception was already granted."))
    before = audit.snapshot(
        locked, ["exception_granted_by_id", "exception_granted_at", "exception_reason"]
    )
    _grant(locked, actor, reason)
    locked.save()
    audit.record_updated(locked, before, actor=actor, reason=reason.strip())
    return locked


def agreement_submit(
    *, actor: User, agreement: Agreement, expected_version: int | None = None
) -> Agreement:
    """Submits (or resubmits) the application; it is reported to the Commissioner General."""
    return workflow.agreement_transition(
        actor=actor,
        agreement=agreement,
        to_status=AgreementStatus.SUBMITTED,
        expected_version=expected_version,
    )


@transaction.atomic
def occasion_create(
    *,
    actor: User,
    name_en: str,
    starts_on,
    name_ko: str = "",
    place: str = "",
    description: str = "",
    is_illustrative: bool = False,
) -> Occasion:
    require(actor, Perm.REVIEW_AGREEMENTS)
    occasion = Occasion(
        name_en=name_en,
        name_ko=name_ko,
        starts_on=starts_on,
        place=place,
        description=description,
        is_illustrative=is_illustrative,
    )
    occasion.full_clean()
    occasion.save()
    audit.record_created(occasion, actor=actor)
    return occasion
