"""Who may do what: one table from role to capabilities, checked everywhere through `can`
and `require`. Object scope (which records) lives in each domain's selectors."""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .choices import Role
from .models import User
from .refusals import refused


class Perm(StrEnum):
    VIEW_DIRECTORY = "partners.view"
    MANAGE_DIRECTORY = "partners.manage"
    VIEW_CONTACTS = "partners.view_contacts"
    VIEW_INSTITUTIONS = "core.view_institutions"
    MANAGE_INSTITUTIONS = "core.manage_institutions"
    MANAGE_USERS = "core.manage_users"
    VIEW_AUDIT = "core.view_audit"
    EXPORT_DATA = "core.export"
    USE_API_TOKENS = "core.api_tokens"
    VIEW_AGREEMENTS = "agreements.view"
    APPLY_AGREEMENTS = "agreements.apply"  # applications, documents, result/annual reports
    REVIEW_AGREEMENTS = "agreements.review"  # validity/draft review, exceptions, termination
    DECIDE_AGREEMENTS = "agreements.decide"  # the Commissioner General's decisions
    VIEW_CASES = "cases.view"  # case facts without personal data (analysts)
    VIEW_CASE_PERSONAL = "cases.view_personal"  # names, contacts, narratives; views audited
    VIEW_PASSPORTS = "cases.view_passports"  # passport numbers in clear; views audited
    WORK_CASES = "cases.work"  # intake, triage, people, timeline, tasks, transitions
    MANAGE_CASE_SETTINGS = "cases.settings"  # posts and response-time targets
    # Undo what the workflow never undoes, such as a death recorded by mistake; audited.
    CORRECT_CASE_RECORDS = "cases.correct"
    # Everyone's background jobs: failed ones, their errors, retries, maintenance runs.
    MANAGE_JOBS = "core.manage_jobs"
    # The retention schedule (what is due for destruction) and legal holds; audited.
    MANAGE_RETENTION = "core.retention"


_STAFF_BASICS = {Perm.VIEW_DIRECTORY, Perm.VIEW_INSTITUTIONS, Perm.USE_API_TOKENS}
# Overseas officers work only the cases of their own posts (cases.permissions.case_scope).
_CASEWORK = {Perm.VIEW_CASES, Perm.VIEW_CASE_PERSONAL, Perm.VIEW_PASSPORTS, Perm.WORK_CASES}

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.ADMINISTRATOR: frozenset(Perm),
    Role.ICO_OFFICER: frozenset(
        _STAFF_BASICS
        | {Perm.MANAGE_DIRECTORY, Perm.VIEW_CONTACTS, Perm.EXPORT_DATA}
        | {Perm.VIEW_AGREEMENTS, Perm.APPLY_AGREEMENTS, Perm.REVIEW_AGREEMENTS}
        | _CASEWORK
        | {Perm.MANAGE_CASE_SETTINGS, Perm.CORRECT_CASE_RECORDS, Perm.MANAGE_RETENTION}
    ),
    # A requester's agreements are those of their own institution (agreements selectors).
    Role.REQUESTER: frozenset(_STAFF_BASICS | {Perm.VIEW_AGREEMENTS, Perm.APPLY_AGREEMENTS}),
    Role.COMMISSIONER_OFFICE: frozenset(
        _STAFF_BASICS
        | {Perm.VIEW_CONTACTS, Perm.EXPORT_DATA}
        | {Perm.VIEW_AGREEMENTS, Perm.DECIDE_AGREEMENTS}
        | {Perm.VIEW_CASES, Perm.VIEW_CASE_PERSONAL}
    ),
    Role.OVERSEAS_OFFICER: frozenset(
        _STAFF_BASICS | {Perm.VIEW_CONTACTS, Perm.VIEW_AGREEMENTS} | _CASEWORK
    ),
    # Analysts see case facts and figures, never who the people are.
    Role.ANALYST: frozenset(
        _STAFF_BASICS | {Perm.EXPORT_DATA, Perm.VIEW_AGREEMENTS, Perm.VIEW_CASES}
    ),
    # The auditor reads the audit trail and nothing else.
    Role.AUDITOR: frozenset({Perm.VIEW_AUDIT}),
    # A foreign officer sees only what was shared with their own agency (see selectors).
    # Agreements: only those with their own agency, read-only.
    Role.PARTNER_LIAISON: frozenset({Perm.VIEW_DIRECTORY, Perm.VIEW_AGREEMENTS}),
}


def can(user, perm: Perm) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return perm in ROLE_PERMISSIONS.get(user.role, frozenset())


def require(user, perm: Perm) -> None:
    """Raises PermissionDenied (403) and records the refusal when `user` lacks `perm`."""
    if not can(user, perm):
        refuse(user, what=str(perm))


def refuse(user, *, what: str):
    refused(user, what=what, reason="permission")  # recorded with the request's route
    raise PermissionDenied(_("Your role does not allow this."))


def signed_in_user(request) -> User:
    """The request's user, known to be signed in (every view but sign-in requires it)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def permissions_of(user) -> list[str]:
    if not getattr(user, "is_authenticated", False):
        return []
    return sorted(ROLE_PERMISSIONS.get(user.role, frozenset()))
