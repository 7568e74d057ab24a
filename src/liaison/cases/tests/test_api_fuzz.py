"""Every operation of the OpenAPI schema, fuzzed by schemathesis from the schema itself,
in-process against the WSGI app with real data behind it: no answer is a server error and
every answer matches the schema (OWASP ASVS 5.0 V1/V2: input is validated, never trusted).

The seed is fixed and the examples per operation bounded, so a run is the same every time
and lasts about a minute on two cores; a failure names the operation, the request and what
was wrong with the answer."""

from __future__ import annotations

import time
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, seed
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

from liaison.core.services import api_token_create
from liaison.core.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

# The officer's pass goes wide, with valid and invalid input; the analyst's checks the
# other answers (names left out, more refusals) with valid input only: invalid input is
# refused before the role matters. Most of the time goes into building each operation's
# strategies, so fewer modes save more than fewer examples.
PASSES = {
    "ico": (14, (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)),
    "analyst": (8, (GenerationMode.POSITIVE,)),
}
SEED = 20261202
CHECKS = [not_a_server_error, response_schema_conformance]


def _fuzz(
    schema, token: str, records: dict[str, dict], examples: int, modes
) -> tuple[int, Counter, list[str]]:
    """Run every operation with valid and invalid input; return the number of operations,
    the answers' status codes counted, and the failures as text. `records` gives, by path
    prefix, the path parameters of records that exist, so that an operation on one record
    reaches its code instead of answering 404 to a random id."""
    headers = {"Authorization": f"Bearer {token}"}
    operations = 0
    statuses: Counter = Counter()
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        path = operation.path.removeprefix("/api/v1")
        known = next((ids for prefix, ids in records.items() if path.startswith(prefix)), {})
        for mode in modes:
            strategy = operation.as_strategy(
                generation_mode=mode, path_parameters=_existing(path, known)
            )
            _fuzz_operation(operation, strategy, mode, headers, examples, statuses, failures)
    return operations, statuses, failures


def _existing(path: str, ids: dict) -> dict | None:
    wanted = {name: value for name, value in ids.items() if "{" + name + "}" in path}
    return wanted or None


def _fuzz_operation(
    operation, strategy, mode, headers, examples: int, statuses: Counter, failures: list[str]
) -> None:
    @seed(SEED)
    @hypothesis_settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        response = case.call(headers=headers)
        statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (Failure, FailureGroup) as error:  # keep going: report every operation
            failures.append(f"{operation.label} ({mode.value}): {error}")

    try:
        run()
    except Unsatisfiable:  # nothing to send wrong: an operation without input
        assert mode == GenerationMode.NEGATIVE


@pytest.fixture
def wsgi_app():
    """The WSGI app, served on the test's own database connection: as Django's test client
    does, the connection is not closed at the end of each request (that would end the
    test's transaction on PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _schema(app, token: str):
    return schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", app, headers={"Authorization": f"Bearer {token}"}
    )


@pytest.fixture
def records(personas, open_case, same_phone_report, cambodia_police, task_force_mou):
    """A record of each kind, by the API path it lives under (longest prefix first)."""
    contact = ContactFactory(partner_body=cambodia_police)
    return {
        "/institutions/": {"pk": personas.ico.institution_id},
        "/users/": {"pk": personas.requester.pk},
        "/partners/countries/": {"code": cambodia_police.country.code},
        "/partners/bodies/": {"body_id": cambodia_police.pk},
        "/partners/contacts/": {"contact_id": contact.pk},
        "/agreements/": {"pk": task_force_mou.pk},
        "/cases/reports/": {"pk": same_phone_report.pk},
        "/cases/": {"pk": open_case.pk},
    }


@pytest.mark.parametrize("role", ["ico", "analyst"])
def test_no_operation_answers_a_server_error_or_breaks_its_schema(
    role, personas, records, wsgi_app
):
    """As an ICO officer, who may do nearly everything, and as an analyst, who reads facts
    without names (other answers, other schemas' optional fields left empty)."""
    _, token = api_token_create(actor=getattr(personas, role), name="schemathesis")
    started = time.monotonic()
    operations, statuses, failures = _fuzz(_schema(wsgi_app, token), token, records, *PASSES[role])
    seconds = time.monotonic() - started
    print(
        f"schemathesis as {role}: {operations} operations, {statuses.total()} requests, "
        f"{seconds:.0f} s, answers {dict(sorted(statuses.items()))}"
    )
    assert operations > 30
    assert not failures, "\n\n".join(failures[:20]) + f"\n\n({len(failures)} failures)"
