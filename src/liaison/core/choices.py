"""Kinds and statuses shared by every domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    ICO_OFFICER = "ico_officer", _("International Cooperation Office officer")
    REQUESTER = "requester", _("Institution requester")
    COMMISSIONER_OFFICE = "commissioner_office", _("Commissioner General's office")
    OVERSEAS_OFFICER = "overseas_officer", _("Overseas officer")
    ANALYST = "analyst", _("Analyst")
    AUDITOR = "auditor", _("Auditor")
    PARTNER_LIAISON = "partner_liaison", _("Partner liaison (foreign officer)")


class InstitutionKind(models.TextChoices):
    HEADQUARTERS = "headquarters", _("Headquarters")
    OFFICE = "office", _("Office or bureau")
    REGIONAL_AGENCY = "regional_agency", _("Regional police agency")
    EDUCATION = "education", _("Education and training institution")
    HOSPITAL = "hospital", _("Hospital")
    OTHER = "other", _("Other")


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    TRANSITION = "transition", _("State changed")
    # A status recorded by mistake set right, outside the workflow's table (a death that
    # was not one); a right of its own, and found apart from the moves in the audit trail.
    CORRECTION = "correction", _("Status corrected")
    VIEW = "view", _("Viewed personal data")
    EXPORT = "export", _("Exported")
    IMPORT = "import", _("Imported")
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Login failed")
    LOCKOUT = "lockout", _("Account locked")
    UNLOCK = "unlock", _("Account unlocked")
    LOGOUT = "logout", _("Logged out")
    TOKEN_CREATE = "token_create", _("API token created")
    TOKEN_REVOKE = "token_revoke", _("API token revoked")
    ACCESS_DENIED = "access_denied", _("Access refused")


class JobState(models.TextChoices):
    """Where a background job stands (core.jobs). A job is active until it is done,
    failed or cancelled; a retrying job waits for its next attempt."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    RETRYING = "retrying", _("Waiting to retry")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class AccessPurpose(models.TextChoices):
    """Why someone opens or exports personal data (EU LED art. 25: the log of a
    consultation or disclosure keeps its justification). "Other" needs a few words."""

    INVESTIGATION = "investigation", _("Investigation")
    VICTIM_SUPPORT = "victim_support", _("Victim support")
    CONSULAR_ASSISTANCE = "consular_assistance", _("Consular assistance")
    PARTNER_REQUEST = "partner_request", _("Partner request")
    LEGAL_PROCEEDINGS = "legal_proceedings", _("Legal proceedings")
    AUDIT = "audit", _("Audit")
    OTHER = "other", _("Other")


class DisposalOutcome(models.TextChoices):
    """What retention did to a record whose period ended (core.retention)."""

    ANONYMISED = "anonymised", _("Personal data removed, facts kept")
    DELETED = "deleted", _("Deleted")
