"""The four-way permission test, for every page and every API operation of the product
(url_registry.py): an anonymous request is sent to sign in (401 from the API), a role
without the right is refused with 403, a role with the right but not the record gets 404
(the product never reveals that a record it does not show exists), and the permitted
persona gets the page's normal answer. A URL missing from the registry fails the suite."""

from __future__ import annotations

import copy
import datetime
import json
import re
from contextlib import ExitStack
from types import SimpleNamespace

import pytest
from django.contrib.sessions.backends.base import SessionBase
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from liaison.agreements import services as agreement_services
from liaison.agreements.choices import DocumentKind
from liaison.agreements.models import Occasion
from liaison.agreements.tests.factories import AgreementFactory, pdf
from liaison.api import api
from liaison.cases import protect
from liaison.cases.services import intake, timeline
from liaison.cases.tests.conftest import (
    build_open_case,
    build_philippines,
    build_posts,
    build_received_report,
    build_task_force_mou,
    report_data,
)
from liaison.conftest import build_cambodia_police, build_institutions, build_personas
from liaison.core import audit, services
from liaison.core.choices import AuditAction, Role
from liaison.core.models import AuditEvent, Job, SavedFilter
from liaison.core.tests.factories import (
    ContactFactory,
    PartnerBodyFactory,
    UserFactory,
    stored_passkey,
)
from liaison.core.tests.url_registry import OPERATIONS, REGISTRY, Probe, url_patterns

pytestmark = pytest.mark.django_db

# What a permitted write may answer: done (200/201/204), sent on (302), or told what to fix
# in what it sent (400, 409, 422). Never refused, never hidden, never a fault.
WRITE_ANSWERS = {200, 201, 204, 302, 400, 409, 422}


def _document(actor, case, body: str, name: str):
    """A photo on the case's timeline (a JPEG's signature: uploads are checked by content)."""
    upload = ContentFile(b"\xff\xd8\xffjpeg", name=name)
    return timeline.entry_add(actor=actor, case=case, kind="document", body=body, upload=upload)


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for the module's two hundred tests and rolled back after the
    last, as Django's `setUpTestData` does: each test runs in a savepoint inside it (the
    `db` fixture), so what one test writes is gone for the next. The settings the suite's
    per-test fixtures would give it are set here for the module, with its own field key
    and media folder, since records and files are kept from test to test."""
    folder = tmp_path_factory.mktemp("world")
    with ExitStack() as stack:
        stack.enter_context(django_db_blocker.unblock())
        stack.callback(protect.reload_keys)  # once the key file below is forgotten
        stack.enter_context(
            override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                LIAISON_FIELD_KEYS_FILE=folder / "keys" / "field-keys.json",
                MEDIA_ROOT=folder / "media",
                LIAISON_METRICS_TOKEN="the-scraper's-token",
            )
        )
        protect.reload_keys()
        stack.enter_context(translation.override("en"))
        stack.enter_context(transaction.atomic())
        yield _build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(db, shared_world):
    """The shared world, copied: a test that changes a record in memory changes its own."""
    return copy.deepcopy(shared_world)


def _build_world() -> SimpleNamespace:
    """One record of each kind the URLs name, and the personas to ask for them."""
    institutions = build_institutions()
    cambodia_police = build_cambodia_police()
    p = build_personas(institutions, cambodia_police)
    stations = build_posts(p, cambodia_police, build_philippines())
    case = build_open_case(
        p,
        build_received_report(p, stations, cambodia_police),
        cambodia_police,
        build_task_force_mou(cambodia_police, institutions),
    )
    thai = PartnerBodyFactory(name_en="Royal Thai Police", abbreviation="RTP")
    report = intake.report_receive(
        actor=p.overseas,
        data=report_data(cambodia_police.country, post=stations.task_force, city="Bavet"),
    )
    agreement = AgreementFactory(
        counterpart=cambodia_police,
        country=cambodia_police.country,
        institution=institutions.university,
        created_by=p.requester,
    )
    agreement_document = agreement_services.document_upload(
        actor=p.requester, agreement=agreement, kind=DocumentKind.DRAFT, upload=pdf()
    )
    job = Job.objects.create(kind="cases.recount_figures", requested_by=p.requester)
    job.result_file = default_storage.save(f"jobs/{job.pk}/figures.csv", ContentFile(b"a,b\n"))
    job.result_file_name = "figures.csv"
    job.save(update_fields=["result_file", "result_file_name"])
    token, _raw = services.api_token_create(actor=p.requester, name="script")
    audit.record(AuditAction.LOGIN, actor=p.requester)
    return SimpleNamespace(
        **vars(p),
        manila=stations.manila_officer,
        manila_post=stations.manila,
        thai_partner=UserFactory(
            username="thai", role=Role.PARTNER_LIAISON, institution=None, partner_body=thai
        ),
        cnp=cambodia_police,
        contact=ContactFactory(partner_body=cambodia_police, full_name="Sok Dara"),
        institution=institutions.university,
        seoul=institutions.seoul,
        audit_event=AuditEvent.objects.order_by("-pk").first(),
        token=token,
        passkey=stored_passkey(p.requester),
        job=job,
        case=case,
        victim=case.victims.first(),
        case_document=_document(p.overseas, case, "Photo of the compound gate", "gate.jpg"),
        report=report,
        saved_filter=SavedFilter.objects.create(
            owner=p.overseas, list_name="cases", name="Urgent", query="priority=urgent"
        ),
        agreement=agreement,
        agreement_document=agreement_document,
        occasion=Occasion.objects.create(
            name_en="International Police Summit",
            starts_on=timezone.localdate() + datetime.timedelta(days=90),
        ),
        post=stations.task_force,
        posting=stations.task_force.postings.first(),
        pdf=pdf,
    )


def _ask(client, probe: Probe, world):
    url = probe.url(world)
    body = probe.body(world) if probe.body else {}
    if probe.api and probe.method != "get" and not probe.multipart:
        response = getattr(client, probe.method)(url, json.dumps(body), "application/json")
    else:
        response = getattr(client, probe.method)(url, body)
    return response


def _refusals_of(user) -> int:
    return AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, actor=user).count()


def _signed_in(client_for, user, probe: Probe, world, *, permitted: bool):
    client = client_for(user)
    if permitted and probe.session:
        session: SessionBase = client.session
        session.update(probe.session(world))
        session.save()
    return client


@pytest.mark.parametrize("probe", REGISTRY, ids=lambda p: p.id)
def test_anonymous_no_permission_permitted_and_out_of_scope(client, client_for, world, probe):
    failures = []

    anonymous = _ask(client, probe, world)
    if probe.public:
        if anonymous.status_code not in probe.public_statuses:
            failures.append(f"anonymous: {anonymous.status_code}")
    elif probe.api:
        if anonymous.status_code != 401:
            failures.append(f"anonymous: {anonymous.status_code}, not 401")
    elif anonymous.status_code != 302 or not anonymous.url.startswith("/login/"):
        failures.append(f"anonymous: {anonymous.status_code}, not sent to sign in")

    for persona, wanted, way in (
        (probe.refused, 403, "no permission"),
        (probe.out_of_scope, 404, "out of scope"),
    ):
        if persona is None:
            continue
        signed_in = _signed_in(client_for, getattr(world, persona), probe, world, permitted=False)
        before = _refusals_of(getattr(world, persona))
        got = _ask(signed_in, probe, world).status_code
        if got != wanted:
            failures.append(f"{way} ({persona}): {got}, not {wanted}")
        elif (recorded := _refusals_of(getattr(world, persona)) - before) != 1:
            failures.append(f"{way} ({persona}): {recorded} refusals recorded, not 1")
        if probe.method == "get" and not probe.api:
            # A page that also takes a form refuses its POST as it refuses its GET; one
            # that takes none answers 405 before anything else.
            posted = signed_in.post(probe.url(world), {}).status_code
            if posted not in (wanted, 405):
                failures.append(f"{way} ({persona}), POST: {posted}, not {wanted}")

    user = getattr(world, probe.permitted)
    answer = _ask(_signed_in(client_for, user, probe, world, permitted=True), probe, world)
    expected = set(probe.answers) or ({200} if probe.method == "get" else WRITE_ANSWERS)
    if answer.status_code not in expected:
        failures.append(f"permitted ({probe.permitted}): {answer.status_code}")

    assert not failures, f"{probe.method.upper()} {probe.url(world)}: " + "; ".join(failures)


# --- the registry holds every URL --------------------------------------------------------


def _operations():
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                for method in operation.methods:
                    yield f"{method} " + re.sub("/+", "/", (prefix + path).lstrip("/"))


def _api_route(operation: str) -> str:
    """The URL pattern an operation is served at: `{int:pk}` as Django writes it."""
    path = operation.split(" ", 1)[1]
    return "api/v1/" + re.sub(
        r"\{(?:(\w+):)?(\w+)\}", lambda m: f"<{m[1] + ':' if m[1] else ''}{m[2]}>", path
    )


def test_every_page_is_in_the_registry():
    served_by_operations = {_api_route(op) for op in _operations()}
    routes = set(url_patterns()) - served_by_operations
    missing = sorted(routes - {p.route for p in REGISTRY})
    assert not missing, f"URL patterns missing from url_registry.REGISTRY: {missing}"


def test_every_api_operation_is_in_the_registry():
    missing = sorted(set(_operations()) - {p.route for p in OPERATIONS})
    assert not missing, f"API operations missing from url_registry.OPERATIONS: {missing}"


def test_the_registry_names_only_what_exists():
    known = set(url_patterns()) | set(_operations())
    assert not {p.route for p in REGISTRY} - known


def test_every_missing_persona_is_explained():
    unexplained = [
        p.id for p in REGISTRY if (p.refused is None or p.out_of_scope is None) and not p.why
    ]
    assert not unexplained, f"say why no role is refused or out of scope: {unexplained}"


# --- a record of another, named through one's own ----------------------------------------


@pytest.fixture
def elsewhere(world):
    """The Manila desk's case, with its victim and a document, and the Seoul agency's
    application with its draft: records out of the officer's and the requester's scope."""
    desk = world.manila_post
    report = intake.report_receive(
        actor=world.manila,
        data=report_data(desk.country, post=desk, person_name="박서준", city="Manila"),
    )
    case = intake.case_open(actor=world.manila, reports=[report], title="Held in Pampanga")
    agreement = AgreementFactory(
        counterpart=world.cnp, country=world.cnp.country, institution=world.seoul
    )
    return SimpleNamespace(
        victim=case.victims.get(),
        document=_document(world.manila, case, "Screenshot of the job offer", "offer.jpg"),
        agreement_document=agreement_services.document_upload(
            actor=world.outsider, agreement=agreement, kind=DocumentKind.DRAFT, upload=pdf()
        ),
    )


# Each names one's own record in the URL and another's below it: the product looks the
# second up within the first, so it is not found.
NESTED = {
    "victim of another case, edited": (
        "overseas",
        "post",
        lambda w, e: reverse("cases:item_action", args=[w.case.pk, "victim_edit", e.victim.pk]),
    ),
    "victim of another case, its form": (
        "overseas",
        "get",
        lambda w, e: reverse(
            "cases:item_action_form", args=[w.case.pk, "victim_status", e.victim.pk]
        ),
    ),
    "passport of another case's victim": (
        "overseas",
        "post",
        lambda w, e: reverse("cases:passport", args=[w.case.pk, "victim", e.victim.pk]),
    ),
    "document of another case": (
        "overseas",
        "get",
        lambda w, e: reverse("cases:document", args=[w.case.pk, e.document.pk]),
    ),
    "document of another agreement": (
        "requester",
        "get",
        lambda w, e: reverse("agreements:document", args=[w.agreement.pk, e.agreement_document.pk]),
    ),
}


@pytest.mark.parametrize("name", NESTED)
def test_a_record_of_another_is_not_found_through_ones_own(client_for, world, elsewhere, name):
    persona, method, url = NESTED[name]
    response = getattr(client_for(getattr(world, persona)), method)(url(world, elsewhere))
    assert response.status_code == 404, (name, response.status_code)
