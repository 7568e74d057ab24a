"""Every write of the agreements domain. Each service is keyword-only, takes the acting
user as `actor`, checks the right, validates, writes and records its audit entry in one
transaction. The web pages, the API and the management commands all call these."""

from ..rules import submission_deadline
from ..workflow import agreement_transition
from .application import (
    agreement_apply,
    agreement_grant_exception,
    agreement_submit,
    agreement_update,
    occasion_create,
)
from .conclusion import (
    agreement_agree_final_text,
    agreement_decide,
    agreement_record_review,
    agreement_sign,
    agreement_start_review,
)
from .documents import document_upload
from .importing import agreements_import
from .life import (
    activity_counts,
    activity_record,
    agreement_expire,
    agreement_renew,
    annual_report_submit,
    effectiveness_assess,
    effectiveness_overview,
    result_report_submit,
    termination_decide,
    termination_recommend,
)
from .reminders import notifications_mark_read, reminders_send

__all__ = [
    "activity_counts",
    "activity_record",
    "agreement_agree_final_text",
    "agreement_apply",
    "agreement_decide",
    "agreement_expire",
    "agreement_grant_exception",
    "agreement_record_review",
    "agreement_renew",
    "agreement_sign",
    "agreement_start_review",
    "agreement_submit",
    "agreement_transition",
    "agreement_update",
    "agreements_import",
    "annual_report_submit",
    "document_upload",
    "effectiveness_assess",
    "effectiveness_overview",
    "notifications_mark_read",
    "occasion_create",
    "reminders_send",
    "result_report_submit",
    "submission_deadline",
    "termination_decide",
    "termination_recommend",
]
