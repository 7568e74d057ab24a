"""The accounts and the audit trail are read through one selector each by their page and
their API: the same filters give the same records to the same user."""

import re

import pytest
from django.urls import reverse

from liaison.core import audit
from liaison.core.choices import AuditAction, Role

pytestmark = pytest.mark.django_db


def linked(client, url: str, params: dict, pattern: str) -> set[int]:
    response = client.get(url, params)
    assert response.status_code == 200
    return {int(pk) for pk in re.findall(pattern, response.content.decode())}


def from_api(client, url: str, params: dict) -> set[int]:
    response = client.get(url, {**params, "limit": 100})
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


@pytest.mark.parametrize(
    "filters", [{}, {"role": Role.OVERSEAS_OFFICER}, {"q": "ico"}, {"institution": "npa-hq"}]
)
def test_the_users_page_and_the_api_give_the_same_accounts(
    personas, institutions, client_for, filters
):
    if "institution" in filters:
        filters = {"institution": institutions.hq.pk}
    client = client_for(personas.admin)
    on_the_page = linked(client, reverse("core:user_list"), filters, r'href="/users/(\d+)/"')
    api_filters = {("institution_id" if k == "institution" else k): v for k, v in filters.items()}
    assert on_the_page == from_api(client, "/api/v1/users", api_filters)
    assert on_the_page


@pytest.mark.parametrize(
    "filters",
    [{}, {"action": AuditAction.ACCESS_DENIED}, {"q": "analyst"}, {"object_type": "demo"}],
    ids=str,
)
def test_the_audit_page_and_the_api_give_the_same_entries(personas, client_for, filters):
    audit.record(AuditAction.ACCESS_DENIED, actor=personas.analyst, object_type="demo", reason="x")
    audit.record(AuditAction.IMPORT, actor=personas.ico, object_type="demo")
    client = client_for(personas.auditor)
    on_the_page = linked(client, reverse("core:audit_list"), filters, r'href="/audit/(\d+)/"')
    assert on_the_page == from_api(client, "/api/v1/audit", filters)
    assert on_the_page
