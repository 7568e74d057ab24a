"""A case's page, its summary, its export and its API answer carry victims and suspects:
no browser or proxy cache may keep them (ASVS 5.0 V14.3.2)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_case_its_summary_export_and_api_answer_are_not_stored(client_for, personas, open_case):
    office = client_for(personas.ico)
    for response in (
        office.get(reverse("cases:detail", args=[open_case.pk])),
        office.get(reverse("cases:summary", args=[open_case.pk])),
        office.get(reverse("cases:list"), {"export": "csv", "purpose": "audit"}),
        office.get(f"/api/v1/cases/{open_case.pk}"),
    ):
        assert response.status_code == 200, response.request["PATH_INFO"]
        assert "no-store" in response["Cache-Control"], response.request["PATH_INFO"]
