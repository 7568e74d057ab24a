"""The response-time targets page: the office sets hours per priority and step, the open
cases' due times follow, and wrong input is refused with the cell named."""

import datetime

import pytest
from django.urls import reverse

from liaison.cases.choices import Milestone, Priority
from liaison.cases.models import ResponseTarget
from liaison.cases.services.targets import DEFAULT_HOURS
from liaison.core.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/cases/targets/"


def table(**changes) -> dict:
    """The whole form as the page posts it: the defaults, with `changes` by field name."""
    data = {f"{m}_{p}": str(h) for (p, m), h in DEFAULT_HOURS.items()}
    data.update({k: str(v) for k, v in changes.items()})
    return data


def test_the_url_is_named_targets():
    assert reverse("cases:targets") == URL


@pytest.mark.parametrize("who", ["overseas", "analyst", "commissioner", "requester", "auditor"])
def test_only_the_office_and_administrators_open_the_targets(client_for, personas, who):
    client = client_for(getattr(personas, who))
    assert client.get(URL).status_code == 403
    assert client.post(URL, table(acknowledge_urgent=2)).status_code == 403
    assert not ResponseTarget.objects.exists()


def test_the_page_shows_every_cell_with_its_current_value_and_default(client_for, personas):
    ResponseTarget.objects.create(
        priority=Priority.URGENT, milestone=Milestone.ACKNOWLEDGE, hours=2
    )
    response = client_for(personas.ico).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="acknowledge_urgent"' in html and 'value="2"' in html
    assert 'name="rescue_request_low"' in html and 'value="240"' in html
    assert "default 1" in html  # the urgent acknowledgement's default, next to the new value


def test_saving_the_targets_moves_the_due_times_of_open_cases(client_for, personas, open_case):
    response = client_for(personas.ico).post(URL, table(acknowledge_urgent=3))
    assert response.status_code == 302
    open_case.refresh_from_db()
    assert open_case.acknowledge_due_at == open_case.first_reported_at + datetime.timedelta(hours=3)
    assert ResponseTarget.objects.get(priority="urgent", milestone="acknowledge").hours == 3
    entry = AuditEvent.objects.get(object_type="cases.responsetarget")
    assert entry.changes == {"acknowledge:urgent": {"before": 1, "after": 3}}


@pytest.mark.parametrize("value", ["0", "1441", "two", "1.5", ""])
def test_a_wrong_number_of_hours_is_refused_with_the_cell_named(client_for, personas, value):
    response = client_for(personas.ico).post(URL, table(rescue_request_high=value))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-error-for="rescue_request_high"' in html
    assert "Request rescue from the partner police — High" in html
    assert not ResponseTarget.objects.exists()  # nothing half-saved
