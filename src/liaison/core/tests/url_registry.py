"""Every URL of the product and every operation of its API, each with who may use it, who
may not, and who has the right but not the record: the four-way permission test
(test_url_permissions.py) asks each in turn, and fails when a URL is missing here.

A probe names its URL pattern (as `get_resolver()` walks it) or its API operation
("METHOD path" under /api/v1/), builds a concrete URL from the `world` of test data, and
names its personas by their attribute on `world` (the `personas` of liaison/conftest.py,
plus `manila`, the officer of another post, and `thai_partner`, the liaison of another
agency). `refused` is a persona whose role lacks the right; `out_of_scope` one whose role
has it but not for this record. Where either does not apply, `why` says so.

The product's rule, asserted for each: a role without the right is refused with 403 (and
the refusal audited); a record out of the user's scope is not found, 404, so that its
existence is not revealed. Nothing answers 404 to a role without the right: one's own API
tokens are looked up before any right is asked, so `DELETE tokens/{pk}` has no refused
role, only another person's token out of scope.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.urls import reverse

World = SimpleNamespace


@dataclass(frozen=True)
class Probe:
    route: str  # the URL pattern, or "METHOD path" of an API operation
    url: Callable[[World], str]
    permitted: str
    refused: str | None
    out_of_scope: str | None
    why: str = ""  # why `refused` or `out_of_scope` is None
    method: str = "get"
    # The body sent: form fields for pages, JSON for the API (files as multipart). An API
    # body must pass the schema, or the refusal would be a 422 rather than a 403.
    body: Callable[[World], dict] | None = None
    multipart: bool = False
    # For a persona permitted to use it, what the URL needs in the session (an import's
    # problem report lives only in the session that ran the import).
    session: Callable[[World], dict] | None = None
    # Answers anonymous requests (sign-in, the probes of the load balancer).
    public: bool = False
    public_statuses: tuple[int, ...] = (200,)
    # What the permitted persona gets, when not the usual (200 for a read; for a write,
    # any answer but a refusal or a fault: test_url_permissions.WRITE_ANSWERS).
    answers: tuple[int, ...] = ()
    labels: tuple[str, ...] = field(default=())

    @property
    def api(self) -> bool:
        return " " in self.route or self.route.startswith("api/")

    @property
    def id(self) -> str:
        return " ".join([self.route, *self.labels])


def r(name: str, *args) -> Callable[[World], str]:
    """The URL named `name`, its arguments read from the world (a callable each) or given."""

    def build(w: World) -> str:
        return reverse(name, args=[a(w) if callable(a) else a for a in args])

    return build


def api(path: str) -> Callable[[World], str]:
    """An API URL: `path` under /api/v1/, formatted with the world's attributes."""
    return lambda w: "/api/v1/" + path.format(w=w)


CASE = lambda w: w.case.pk  # noqa: E731
VICTIM = lambda w: w.victim.pk  # noqa: E731
REPORT = lambda w: w.report.pk  # noqa: E731
AGREEMENT = lambda w: w.agreement.pk  # noqa: E731
JOB = lambda w: w.job.pk  # noqa: E731

LIST_SCOPE = "a list: it holds only what is in the reader's scope (the domain's own tests)"
EVERY_RECORD = "every role with this right sees every such record"
OWN = "every signed-in person may use it for their own"
SIGNED_IN = "every signed-in person"

# --- pages -----------------------------------------------------------------------------

PAGES: list[Probe] = [
    # the project and core
    Probe("", r("home"), "requester", None, None, why=SIGNED_IN),
    # Signed in already, the sign-in page sends the person on.
    Probe(
        "login/",
        r("core:login"),
        "requester",
        None,
        None,
        why="sign-in",
        public=True,
        answers=(302,),
    ),
    Probe(
        "language/",
        r("core:set_language"),
        "requester",
        None,
        None,
        why="the language can be chosen before signing in",
        method="post",
        body=lambda w: {"language": "ko", "next": "/"},
        public=True,
        public_statuses=(302,),
    ),
    Probe("logout/", r("core:logout"), "requester", None, None, why=SIGNED_IN, method="post"),
    Probe("profile/", r("core:profile"), "requester", None, None, why=OWN),
    Probe(
        "profile/tokens/<int:pk>/revoke/",
        r("core:token_revoke", lambda w: w.token.pk),
        "requester",
        None,
        "ico",
        why=OWN,
        method="post",
    ),
    # The second factor: the second step and enrolment send a verified person on; the
    # re-authentication form and new recovery codes are every person's own.
    Probe(
        "login/second-factor/",
        r("core:second_factor"),
        "requester",
        None,
        None,
        why=OWN,
        answers=(302,),
    ),
    Probe("login/enrol/", r("core:mfa_enrol"), "requester", None, None, why=OWN, answers=(302,)),
    Probe("login/again/", r("core:reauthenticate"), "requester", None, None, why=OWN),
    Probe(
        "profile/recovery-codes/",
        r("core:recovery_codes_regenerate"),
        "requester",
        None,
        None,
        why=OWN,
        method="post",
    ),
    # Passkeys: the ceremonies' JSON endpoints (a form body is not JSON: 400, never a fault),
    # and one's own passkey removed; another person's is not found.
    Probe(
        "login/passkey/begin/",
        r("core:passkey_verify_begin"),
        "requester",
        None,
        None,
        why=OWN,
        method="post",
    ),
    Probe(
        "login/passkey/complete/",
        r("core:passkey_verify_complete"),
        "requester",
        None,
        None,
        why=OWN,
        method="post",
    ),
    Probe(
        "profile/passkeys/begin/",
        r("core:passkey_register_begin"),
        "requester",
        None,
        None,
        why=OWN,
        method="post",
    ),
    Probe(
        "profile/passkeys/complete/",
        r("core:passkey_register_complete"),
        "requester",
        None,
        None,
        why=OWN,
        method="post",
    ),
    Probe(
        "profile/passkeys/<int:pk>/remove/",
        r("core:passkey_remove", lambda w: w.passkey.pk),
        "requester",
        None,
        "ico",
        why=OWN,
        method="post",
    ),
    Probe(
        "users/<int:pk>/second-factors/reset/",
        r("core:user_second_factors_reset", lambda w: w.requester.pk),
        "admin",
        "ico",
        None,
        why=EVERY_RECORD,
        method="post",
    ),
    Probe("users/", r("core:user_list"), "admin", "ico", None, why=EVERY_RECORD),
    Probe("users/new/", r("core:user_create"), "admin", "ico", None, why=EVERY_RECORD),
    Probe(
        "users/<int:pk>/",
        r("core:user_edit", lambda w: w.requester.pk),
        "admin",
        "ico",
        None,
        why=EVERY_RECORD,
    ),
    Probe(
        "users/<int:pk>/unlock/",
        r("core:user_unlock", lambda w: w.requester.pk),
        "admin",
        "ico",
        None,
        why=EVERY_RECORD,
        method="post",
    ),
    Probe(
        "institutions/", r("core:institution_list"), "requester", "auditor", None, why=LIST_SCOPE
    ),
    Probe(
        "institutions/new/", r("core:institution_create"), "admin", "ico", None, why=EVERY_RECORD
    ),
    Probe(
        "institutions/<int:pk>/",
        r("core:institution_detail", lambda w: w.institution.pk),
        "requester",
        "auditor",
        None,
        why=EVERY_RECORD,
    ),
    Probe(
        "institutions/<int:pk>/edit/",
        r("core:institution_edit", lambda w: w.institution.pk),
        "admin",
        "ico",
        None,
        why=EVERY_RECORD,
    ),
    Probe("audit/", r("core:audit_list"), "auditor", "ico", None, why=EVERY_RECORD),
    Probe(
        "audit/<int:pk>/",
        r("core:audit_detail", lambda w: w.audit_event.pk),
        "auditor",
        "ico",
        None,
        why=EVERY_RECORD,
    ),
    Probe("jobs/", r("core:job_list"), "requester", None, None, why=OWN),
    Probe(
        "jobs/start/<str:kind>/",
        r("core:job_start", "cases.recount_figures"),
        "ico",
        "overseas",
        None,
        why="a maintenance job has no record to be out of scope of",
        method="post",
    ),
    Probe(
        "jobs/<uuid:pk>/",
        r("core:job_detail", JOB),
        "requester",
        None,
        "ico",
        why="a job is its requester's (and the job managers')",
    ),
    Probe(
        "jobs/<uuid:pk>/progress/",
        r("core:job_progress", JOB),
        "requester",
        None,
        "ico",
        why="a job is its requester's (and the job managers')",
    ),
    Probe(
        "jobs/<uuid:pk>/cancel/",
        r("core:job_cancel", JOB),
        "requester",
        None,
        "ico",
        why="a job is its requester's (and the job managers')",
        method="post",
    ),
    Probe(
        "jobs/<uuid:pk>/retry/",
        r("core:job_retry", JOB),
        "admin",
        "requester",
        "ico",
        method="post",
    ),
    # The file of a job is its requester's alone: an administrator managing jobs is out
    # of its scope.
    Probe(
        "jobs/<uuid:pk>/file/",
        r("core:job_file", JOB),
        "requester",
        None,
        "admin",
        why="a job's file is its requester's alone",
    ),
    Probe(
        "healthz",
        r("health"),
        "requester",
        None,
        None,
        why="the load balancer's probe",
        public=True,
    ),
    Probe("healthz/live", r("health_live"), "requester", None, None, why="probe", public=True),
    Probe("healthz/ready", r("health_ready"), "requester", None, None, why="probe", public=True),
    # The metrics ask for their own token, not a person: without it, 401 to everyone.
    Probe(
        "metrics",
        r("metrics"),
        "requester",
        None,
        None,
        why="the scraper's token, not a role",
        public=True,
        public_statuses=(401,),
        answers=(401,),
    ),
    # Nothing is at the API's root (django-ninja answers 404 there, naming the docs).
    Probe("api/v1/", lambda w: "/api/v1/", "requester", None, None, why=SIGNED_IN, answers=(404,)),
    Probe("api/v1/docs", lambda w: "/api/v1/docs", "requester", None, None, why=SIGNED_IN),
    Probe(
        "api/v1/openapi.json",
        lambda w: "/api/v1/openapi.json",
        "requester",
        None,
        None,
        why=SIGNED_IN,
    ),
    # partners
    Probe("partners/", r("partners:body_list"), "partner", "auditor", None, why=LIST_SCOPE),
    Probe("partners/new/", r("partners:body_create"), "ico", "overseas", None, why=EVERY_RECORD),
    Probe("partners/import/", r("partners:body_import"), "ico", "overseas", None, why=EVERY_RECORD),
    Probe(
        "partners/import/report/<str:token>/",
        r("partners:import_report", "t0ken"),
        "ico",
        "overseas",
        "admin",
        session=lambda w: {"import-report-t0ken": "row,problem\n"},
    ),
    Probe(
        "partners/<int:pk>/",
        r("partners:body_detail", lambda w: w.cnp.pk),
        "partner",
        "auditor",
        "thai_partner",
    ),
    Probe(
        "partners/<int:pk>/edit/",
        r("partners:body_edit", lambda w: w.cnp.pk),
        "ico",
        "overseas",
        None,
        why=EVERY_RECORD,
    ),
    Probe(
        "partners/<int:pk>/status/",
        r("partners:body_status", lambda w: w.cnp.pk),
        "ico",
        "overseas",
        None,
        why=EVERY_RECORD,
        method="post",
    ),
    Probe("partners/contacts/", r("partners:contact_list"), "ico", "partner", None, why=LIST_SCOPE),
    Probe(
        "partners/contacts/new/",
        r("partners:contact_create"),
        "ico",
        "overseas",
        None,
        why=EVERY_RECORD,
    ),
    Probe(
        "partners/contacts/<int:pk>/",
        r("partners:contact_detail", lambda w: w.contact.pk),
        "overseas",
        "partner",
        None,
        why=EVERY_RECORD,
    ),
    Probe(
        "partners/contacts/<int:pk>/edit/",
        r("partners:contact_edit", lambda w: w.contact.pk),
        "ico",
        "overseas",
        None,
        why=EVERY_RECORD,
    ),
    Probe(
        "partners/countries/",
        r("partners:country_list"),
        "partner",
        "auditor",
        None,
        why=LIST_SCOPE,
    ),
    Probe(
        "partners/countries/<str:code>/",
        r("partners:country_detail", lambda w: w.cnp.country.code),
        "partner",
        "auditor",
        None,
        why="a country is reference data; the bodies it lists are the reader's (LIST_SCOPE)",
    ),
    # agreements
    Probe("agreements/", r("agreements:list"), "requester", "auditor", None, why=LIST_SCOPE),
    Probe(
        "agreements/new/", r("agreements:create"), "requester", "analyst", None, why=EVERY_RECORD
    ),
    Probe("agreements/import/", r("agreements:import"), "ico", "requester", None, why=EVERY_RECORD),
    Probe(
        "agreements/import/report/<str:token>/",
        r("agreements:import_report", "t0ken"),
        "ico",
        "requester",
        "admin",
        session=lambda w: {"import-report-t0ken": "row,problem\n"},
    ),
    Probe(
        "agreements/dashboard/",
        r("agreements:dashboard"),
        "requester",
        "auditor",
        None,
        why=LIST_SCOPE,
    ),
    Probe(
        "agreements/deadlines/",
        r("agreements:deadlines"),
        "requester",
        "auditor",
        None,
        why=LIST_SCOPE,
    ),
    Probe(
        "agreements/effectiveness/",
        r("agreements:effectiveness"),
        "requester",
        "auditor",
        None,
        why=LIST_SCOPE,
    ),
    Probe(
        "agreements/notifications/",
        r("agreements:notifications"),
        "requester",
        "auditor",
        None,
        why=OWN,
    ),
    Probe(
        "agreements/notifications/badge/",
        r("agreements:notifications_badge"),
        "requester",
        None,
        None,
        why="in every page's top bar: zero for those who see no agreements",
    ),
    Probe(
        "agreements/notifications/read/",
        r("agreements:notifications_read"),
        "requester",
        "auditor",
        None,
        why=OWN,
        method="post",
    ),
    Probe(
        "agreements/occasions/",
        r("agreements:occasion_list"),
        "requester",
        "auditor",
        None,
        why=LIST_SCOPE,
    ),
    Probe(
        "agreements/occasions/<int:pk>/",
        r("agreements:occasion_detail", lambda w: w.occasion.pk),
        "requester",
        "auditor",
        None,
        why="an occasion is public; the applications it lists are the reader's",
    ),
    Probe(
        "agreements/<int:pk>/",
        r("agreements:detail", AGREEMENT),
        "requester",
        "auditor",
        "outsider",
    ),
    Probe(
        "agreements/<int:pk>/edit/",
        r("agreements:edit", AGREEMENT),
        "requester",
        "analyst",
        "outsider",
    ),
    Probe(
        "agreements/<int:pk>/summary/",
        r("agreements:summary", AGREEMENT),
        "requester",
        "auditor",
        "outsider",
    ),
    Probe(
        "agreements/<int:pk>/documents/<int:document_pk>/",
        r("agreements:document", AGREEMENT, lambda w: w.agreement_document.pk),
        "requester",
        "auditor",
        "outsider",
    ),
    # cases: intake
    Probe("cases/reports/", r("cases:report_list"), "overseas", "requester", None, why=LIST_SCOPE),
    Probe(
        "cases/reports/new/", r("cases:report_new"), "overseas", "analyst", None, why=EVERY_RECORD
    ),
    Probe(
        "cases/reports/quick/",
        r("cases:quick_intake"),
        "overseas",
        "analyst",
        None,
        why=EVERY_RECORD,
    ),
    Probe(
        "cases/reports/duplicates/",
        r("cases:report_duplicates"),
        "overseas",
        "analyst",
        None,
        why=LIST_SCOPE,
        method="post",
    ),
    Probe(
        "cases/reports/unprocessed/", r("cases:unprocessed"), "overseas", "analyst", None, why=OWN
    ),
    Probe(
        "cases/reports/<int:pk>/",
        r("cases:report_detail", REPORT),
        "overseas",
        "requester",
        "manila",
    ),
    Probe(
        "cases/reports/<int:pk>/edit/",
        r("cases:report_edit", REPORT),
        "overseas",
        "analyst",
        "manila",
    ),
    Probe(
        "cases/reports/<int:pk>/<slug:action>/",
        r("cases:report_action", REPORT, "dismiss"),
        "overseas",
        "analyst",
        "manila",
        method="post",
    ),
    # cases: the list and saved filters
    Probe("cases/", r("cases:list"), "overseas", "requester", None, why=LIST_SCOPE),
    Probe(
        "cases/filters/",
        r("cases:filter_save"),
        "overseas",
        "requester",
        None,
        why=OWN,
        method="post",
        body=lambda w: {"name": "Mine", "query": "status=new"},
    ),
    Probe(
        "cases/search/passport/",
        r("cases:passport_search"),
        "overseas",
        "analyst",
        None,
        why=LIST_SCOPE,
        method="post",
        body=lambda w: {"passport": "M12345678"},
    ),
    Probe(
        "cases/filters/<int:pk>/delete/",
        r("cases:filter_delete", lambda w: w.saved_filter.pk),
        "overseas",
        "requester",
        "manila",
        method="post",
    ),
    # cases: one case
    Probe("cases/<int:pk>/", r("cases:detail", CASE), "overseas", "requester", "manila"),
    Probe("cases/<int:pk>/summary/", r("cases:summary", CASE), "overseas", "requester", "manila"),
    Probe(
        "cases/<int:pk>/do/<slug:action>/<int:item>/",
        r("cases:item_action", CASE, "victim_edit", VICTIM),
        "overseas",
        "analyst",
        "manila",
        method="post",
    ),
    # Correcting a recorded death is a right of its own, beyond working the case.
    Probe(
        "cases/<int:pk>/do/<slug:action>/<int:item>/",
        r("cases:item_action", CASE, "victim_correct_death", VICTIM),
        "ico",
        "overseas",
        "manila",
        method="post",
        labels=("victim_correct_death",),
    ),
    Probe(
        "cases/<int:pk>/form/<slug:action>/<int:item>/",
        r("cases:item_action_form", CASE, "victim_status", VICTIM),
        "overseas",
        "analyst",
        "manila",
    ),
    Probe(
        "cases/<int:pk>/passport/<slug:kind>/<int:item>/",
        r("cases:passport", CASE, "victim", VICTIM),
        "overseas",
        "commissioner",
        "manila",
        method="post",
    ),
    Probe(
        "cases/<int:pk>/documents/<int:entry>/",
        r("cases:document", CASE, lambda w: w.case_document.pk),
        "overseas",
        "analyst",
        "manila",
    ),
    # cases: analysis and exchange
    Probe("cases/dashboard/", r("cases:dashboard"), "analyst", "requester", None, why=LIST_SCOPE),
    Probe("cases/targets/", r("cases:targets"), "ico", "overseas", None, why=EVERY_RECORD),
    Probe("cases/export/htcds/", r("cases:htcds_export"), "ico", "analyst", None, why=LIST_SCOPE),
    # posts
    Probe("posts/", r("posts:post_list"), "overseas", "requester", None, why=LIST_SCOPE),
    Probe("posts/new/", r("posts:post_create"), "ico", "overseas", None, why=EVERY_RECORD),
    Probe(
        "posts/<int:pk>/",
        r("posts:post_detail", lambda w: w.post.pk),
        "overseas",
        "requester",
        None,
        why="every post's page is open to case readers; the cases it lists are the reader's",
    ),
    Probe(
        "posts/<int:pk>/edit/",
        r("posts:post_edit", lambda w: w.post.pk),
        "ico",
        "overseas",
        None,
        why=EVERY_RECORD,
    ),
    Probe(
        "posts/<int:pk>/postings/",
        r("posts:posting_add", lambda w: w.post.pk),
        "ico",
        "overseas",
        None,
        why=EVERY_RECORD,
        method="post",
    ),
    Probe(
        "posts/<int:pk>/postings/<int:posting_pk>/end/",
        r("posts:posting_end", lambda w: w.post.pk, lambda w: w.posting.pk),
        "ico",
        "overseas",
        None,
        why=EVERY_RECORD,
        method="post",
    ),
]

# --- the API (/api/v1/) ----------------------------------------------------------------

NEXT_YEAR = lambda: (datetime.date.today() + datetime.timedelta(days=400)).isoformat()  # noqa: E731

OPERATIONS: list[Probe] = [
    Probe("GET me", api("me"), "requester", None, None, why=SIGNED_IN),
    Probe("GET institutions", api("institutions"), "requester", "auditor", None, why=LIST_SCOPE),
    Probe(
        "GET institutions/{int:pk}",
        api("institutions/{w.institution.pk}"),
        "requester",
        "auditor",
        None,
        why=EVERY_RECORD,
    ),
    Probe("GET users", api("users"), "admin", "ico", None, why=EVERY_RECORD),
    Probe(
        "POST users",
        api("users"),
        "admin",
        "ico",
        None,
        why=EVERY_RECORD,
        method="post",
        body=lambda w: {"username": "x", "password": "x", "full_name": "X", "role": "analyst"},
    ),
    Probe(
        "GET users/{int:pk}", api("users/{w.requester.pk}"), "admin", "ico", None, why=EVERY_RECORD
    ),
    Probe(
        "PATCH users/{int:pk}",
        api("users/{w.requester.pk}"),
        "admin",
        "ico",
        None,
        why=EVERY_RECORD,
        method="patch",
        body=lambda w: {},
    ),
    Probe("GET audit", api("audit"), "auditor", "ico", None, why=EVERY_RECORD),
    Probe("GET tokens", api("tokens"), "requester", "auditor", None, why=OWN),
    Probe(
        "POST tokens",
        api("tokens"),
        "requester",
        "auditor",
        None,
        why=OWN,
        method="post",
        body=lambda w: {"name": "script"},
    ),
    # Only one's own tokens are looked up: another's is not found, whatever the role.
    Probe(
        "DELETE tokens/{int:pk}",
        api("tokens/{w.token.pk}"),
        "requester",
        None,
        "ico",
        why=OWN,
        method="delete",
    ),
    # partners
    Probe(
        "GET partners/countries",
        api("partners/countries"),
        "partner",
        "auditor",
        None,
        why=LIST_SCOPE,
    ),
    Probe(
        "GET partners/countries/{code}",
        api("partners/countries/{w.cnp.country.code}"),
        "partner",
        "auditor",
        None,
        why="a country is reference data",
    ),
    Probe(
        "GET partners/bodies", api("partners/bodies"), "partner", "auditor", None, why=LIST_SCOPE
    ),
    Probe(
        "POST partners/bodies",
        api("partners/bodies"),
        "ico",
        "overseas",
        None,
        why=EVERY_RECORD,
        method="post",
        body=lambda w: {"kind": "police", "name_en": "New Police"},
    ),
    Probe(
        "GET partners/bodies/{int:body_id}",
        api("partners/bodies/{w.cnp.pk}"),
        "partner",
        "auditor",
        "thai_partner",
    ),
    Probe(
        "PATCH partners/bodies/{int:body_id}",
        api("partners/bodies/{w.cnp.pk}"),
        "ico",
        "overseas",
        None,
        why=EVERY_RECORD,
        method="patch",
        body=lambda w: {},
    ),
    Probe(
        "POST partners/bodies/{int:body_id}/deactivate",
        api("partners/bodies/{w.cnp.pk}/deactivate"),
        "ico",
        "overseas",
        None,
        why=EVERY_RECORD,
        method="post",
        body=lambda w: {"reason": "merged"},
    ),
    Probe(
        "GET partners/contacts", api("partners/contacts"), "ico", "partner", None, why=LIST_SCOPE
    ),
    Probe(
        "POST partners/contacts",
        api("partners/contacts"),
        "ico",
        "overseas",
        None,
        why=EVERY_RECORD,
        method="post",
        body=lambda w: {"partner_body_id": w.cnp.pk, "full_name": "Chan Dara", "post": "Director"},
    ),
    Probe(
        "GET partners/contacts/{int:contact_id}",
        api("partners/contacts/{w.contact.pk}"),
        "overseas",
        "partner",
        None,
        why=EVERY_RECORD,
    ),
    Probe(
        "PATCH partners/contacts/{int:contact_id}",
        api("partners/contacts/{w.contact.pk}"),
        "ico",
        "overseas",
        None,
        why=EVERY_RECORD,
        method="patch",
        body=lambda w: {},
    ),
    # agreements
    Probe("GET agreements/", api("agreements/"), "requester", "auditor", None, why=LIST_SCOPE),
    Probe(
        "POST agreements/",
        api("agreements/"),
        "requester",
        "analyst",
        None,
        why=EVERY_RECORD,
        method="post",
        body=lambda w: {
            "title": "MOU",
            "counterpart_id": w.cnp.pk,
            "planned_signing_on": NEXT_YEAR(),
        },
    ),
    Probe(
        "GET agreements/{int:pk}",
        api("agreements/{w.agreement.pk}"),
        "requester",
        "auditor",
        "outsider",
    ),
    Probe(
        "POST agreements/{int:pk}/submit",
        api("agreements/{w.agreement.pk}/submit"),
        "requester",
        "analyst",
        "outsider",
        method="post",
    ),
    Probe(
        "POST agreements/{int:pk}/transition",
        api("agreements/{w.agreement.pk}/transition"),
        "requester",
        "analyst",
        "outsider",
        method="post",
        body=lambda w: {"to_status": "submitted"},
    ),
    Probe(
        "POST agreements/{int:pk}/exception",
        api("agreements/{w.agreement.pk}/exception"),
        "ico",
        "requester",
        None,
        why="reviewers see every agreement",
        method="post",
        body=lambda w: {"reason": "The minister's visit"},
        multipart=True,
    ),
    Probe(
        "GET agreements/{int:pk}/reviews",
        api("agreements/{w.agreement.pk}/reviews"),
        "requester",
        "auditor",
        "outsider",
    ),
    Probe(
        "POST agreements/{int:pk}/reviews",
        api("agreements/{w.agreement.pk}/reviews"),
        "ico",
        "requester",
        None,
        why="reviewers see every agreement",
        method="post",
        body=lambda w: {"ratings": {}, "recommendation": "proceed"},
    ),
    Probe(
        "GET agreements/{int:pk}/documents",
        api("agreements/{w.agreement.pk}/documents"),
        "requester",
        "auditor",
        "outsider",
    ),
    Probe(
        "POST agreements/{int:pk}/documents",
        api("agreements/{w.agreement.pk}/documents"),
        "requester",
        "analyst",
        "outsider",
        method="post",
        body=lambda w: {"kind": "draft", "file": w.pdf()},
        multipart=True,
    ),
    Probe(
        "GET agreements/{int:pk}/activities",
        api("agreements/{w.agreement.pk}/activities"),
        "requester",
        "auditor",
        "outsider",
    ),
    Probe(
        "POST agreements/{int:pk}/activities",
        api("agreements/{w.agreement.pk}/activities"),
        "requester",
        "analyst",
        "outsider",
        method="post",
        body=lambda w: {"kind": "meeting", "occurred_on": "2026-01-05", "description": "Met"},
    ),
    Probe(
        "GET agreements/{int:pk}/annual-reports",
        api("agreements/{w.agreement.pk}/annual-reports"),
        "requester",
        "auditor",
        "outsider",
    ),
    Probe(
        "POST agreements/{int:pk}/annual-reports",
        api("agreements/{w.agreement.pk}/annual-reports"),
        "requester",
        "analyst",
        "outsider",
        method="post",
        body=lambda w: {"year": 2025, "exchange_status": "active"},
    ),
    Probe(
        "GET agreements/{int:pk}/assessment",
        api("agreements/{w.agreement.pk}/assessment"),
        "requester",
        "auditor",
        "outsider",
    ),
    # cases
    Probe(
        "POST cases/reports",
        api("cases/reports"),
        "overseas",
        "analyst",
        None,
        why="a new report has no scope yet",
        method="post",
        body=lambda w: {"quick": True, "country": w.cnp.country.code, "narrative": "Held"},
    ),
    Probe(
        "GET cases/reports/{int:pk}",
        api("cases/reports/{w.report.pk}"),
        "overseas",
        "requester",
        "manila",
    ),
    Probe(
        "POST cases/reports/{int:pk}/open-case",
        api("cases/reports/{w.report.pk}/open-case"),
        "overseas",
        "analyst",
        "manila",
        method="post",
        body=lambda w: {"title": "Held in Bavet"},
    ),
    Probe(
        "POST cases/reports/{int:pk}/attach",
        api("cases/reports/{w.report.pk}/attach"),
        "overseas",
        "analyst",
        "manila",
        method="post",
        body=lambda w: {"case_id": w.case.pk},
    ),
    Probe("GET cases/", api("cases/"), "overseas", "requester", None, why=LIST_SCOPE),
    Probe(
        "POST cases/search",
        api("cases/search"),
        "overseas",
        "analyst",
        None,
        why=LIST_SCOPE,
        method="post",
        body=lambda w: {"passport": "M12345678"},
        answers=(200,),
    ),
    Probe("GET cases/{int:pk}", api("cases/{w.case.pk}"), "overseas", "requester", "manila"),
    Probe(
        "POST cases/{int:pk}/transitions",
        api("cases/{w.case.pk}/transitions"),
        "overseas",
        "analyst",
        "manila",
        method="post",
        body=lambda w: {"to_status": "triaged"},
    ),
    Probe(
        "GET cases/{int:pk}/timeline",
        api("cases/{w.case.pk}/timeline"),
        "overseas",
        "requester",
        "manila",
    ),
]

# --- every action of a case and of an agreement, beside the one of each pattern above ---

# Actions on the case itself; those on a victim are the item actions above. Analysts read
# cases but do not work them.
CASE_ACTIONS = [
    "edit", "triage", "move", "assign", "victim_add", "suspect_add", "notice_add",
    "entry_add", "task_add", "request_send",
]  # fmt: skip

# Who may take each agreement action, and a role that may not. Reviewers (the office) and
# the Commissioner General's office see every agreement: nothing is out of their scope.
AGREEMENT_ACTIONS = {
    "move": ("requester", "analyst"),
    "upload": ("requester", "analyst"),
    "exception": ("ico", "requester"),
    "review": ("ico", "requester"),
    "final_text": ("ico", "requester"),
    "decide": ("commissioner", "ico"),
    "sign": ("requester", "analyst"),
    "result_report": ("requester", "analyst"),
    "activity": ("overseas", "analyst"),
    "annual_report": ("requester", "analyst"),
    "recommend_termination": ("ico", "requester"),
    "decide_termination": ("commissioner", "ico"),
}


def _case_action_probes() -> list[Probe]:
    probes = []
    for action in CASE_ACTIONS:
        for route, name, method in (
            ("cases/<int:pk>/do/<slug:action>/", "cases:action", "post"),
            ("cases/<int:pk>/form/<slug:action>/", "cases:action_form", "get"),
        ):
            probes.append(
                Probe(route, r(name, CASE, action), "overseas", "analyst", "manila",
                      method=method, labels=(action,))
            )  # fmt: skip
    return probes


def _agreement_action_probes() -> list[Probe]:
    probes = []
    for action, (permitted, refused) in AGREEMENT_ACTIONS.items():
        # A requester of another institution has the right to apply but not this one's.
        out_of_scope = "outsider" if permitted == "requester" else None
        probes.append(
            Probe(
                "agreements/<int:pk>/actions/<str:action>/",
                r("agreements:action", AGREEMENT, action),
                permitted,
                refused,
                out_of_scope,
                why="" if out_of_scope else "every agreement is in this role's scope",
                method="post",
                labels=(action,),
            )
        )
    return probes


REGISTRY: list[Probe] = PAGES + OPERATIONS + _case_action_probes() + _agreement_action_probes()


def url_patterns(patterns=None, prefix: str = ""):
    """Every URL pattern of the project as its route text ("cases/<int:pk>/"), walked
    through the includes: what the registry and the anonymous walk must both cover."""
    from django.urls import URLPattern, URLResolver, get_resolver

    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)
