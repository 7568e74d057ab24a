"""The accounts and the audit trail are read through one selector each by their page and
their API: the same filters give the same records to the same user."""

import pytest
from django.urls import reverse

from liaison.core import audit
from liaison.core.choices import AuditAction, Role
from liaison.core.models import AuditEvent
from liaison.core.tests.read_path import ids_in_api, ids_on_page

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "filters", [{}, {"role": Role.OVERSEAS_OFFICER}, {"q": "ico"}, {"institution": "npa-hq"}]
)
def test_the_users_page_and_the_api_give_the_same_accounts(
    personas, institutions, client_for, filters
):
    if "institution" in filters:
        filters = {"institution": institutions.hq.pk}
    client = client_for(personas.admin)
    on_the_page = ids_on_page(client, reverse("core:user_list"), filters, r'href="/users/(\d+)/"')
    api_filters = {("institution_id" if k == "institution" else k): v for k, v in filters.items()}
    assert on_the_page == ids_in_api(client, "/api/v1/users", api_filters)
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
    on_the_page = ids_on_page(client, reverse("core:audit_list"), filters, r'href="/audit/(\d+)/"')
    in_the_api = ids_in_api(client, "/api/v1/audit", filters)
    # Each read is recorded first and shows the trail before it: the API's shows the page's.
    page_read = AuditEvent.objects.filter(object_type="core.auditevent").order_by("pk").first()
    assert on_the_page == in_the_api - {page_read.pk}
    assert on_the_page
