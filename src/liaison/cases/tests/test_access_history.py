"""Who has seen this case's victims: the case page's panel, read from the audit trail
(VIEW entries on the case, its victims and its reports), newest first, by page, for those
who may see the victims; opening it is recorded as a read of the audit trail."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from liaison.cases.access_review import victim_data_looks
from liaison.cases.services import people
from liaison.core import audit
from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def panel(client, case, **params):
    response = client.get(reverse("cases:access_history", args=[case.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_officer_sees_who_viewed_the_victims_newest_first(
    personas, client_for, open_case, received_report
):
    victim = open_case.victims.first()
    start = timezone.now() - datetime.timedelta(hours=3)
    with time_machine.travel(start, tick=False):
        client_for(personas.commissioner).get(reverse("cases:detail", args=[open_case.pk]))
    with time_machine.travel(start + datetime.timedelta(hours=1), tick=False):
        people.passport_reveal(actor=personas.ico, person=victim, purpose="investigation")
    with time_machine.travel(start + datetime.timedelta(hours=2), tick=False):
        audit.record_viewed(received_report, actor=personas.admin)
    unrelated = audit.record(AuditAction.UPDATE, actor=personas.ico, obj=open_case)

    looks = list(victim_data_looks(open_case))
    assert [e.actor_label for e in looks] == ["admin", "ico", "commissioner"]
    assert unrelated not in looks
    html = panel(client_for(personas.overseas), open_case)
    assert html.index("admin") < html.index("ico") < html.index("commissioner")
    assert f"Victim {victim.display_name}" in html and "The case" in html
    assert "Commissioner General" in html  # the role, in words


def test_the_panel_pages_twenty_looks_at_a_time(personas, client_for, open_case):
    for _ in range(25):
        audit.record_viewed(open_case, actor=personas.ico)
    client = client_for(personas.overseas)
    first, second = panel(client, open_case), panel(client, open_case, page=2)
    assert first.count("data-look>") == 20 and second.count("data-look>") == 5
    assert "Page 1 of 2" in first and 'data-access-page="next"' in first
    assert "Page 2 of 2" in second and 'data-access-page="previous"' in second


def test_opening_the_panel_is_recorded_and_is_not_a_look_at_the_victims(
    personas, client_for, open_case
):
    panel(client_for(personas.overseas), open_case)
    read = AuditEvent.objects.get(actor=personas.overseas, object_type="core.auditevent")
    assert read.action == AuditAction.VIEW
    assert read.reason == f"case={open_case.pk}&page=1"
    assert not victim_data_looks(open_case).filter(actor=personas.overseas).exists()


def test_the_purpose_shown_is_the_reason_recorded(personas, client_for, open_case):
    audit.record(
        AuditAction.VIEW, actor=personas.ico, obj=open_case, reason="family enquiry of 3 May"
    )
    assert "family enquiry of 3 May" in panel(client_for(personas.overseas), open_case)


def test_the_case_page_offers_the_panel_only_to_those_who_see_the_victims(
    personas, client_for, open_case
):
    url = reverse("cases:detail", args=[open_case.pk])
    assert 'id="access-panel"' in client_for(personas.overseas).get(url).content.decode()
    assert 'id="access-panel"' not in client_for(personas.analyst).get(url).content.decode()
    response = client_for(personas.analyst).get(
        reverse("cases:access_history", args=[open_case.pk])
    )
    assert response.status_code == 403
