"""The notifications page and the badge: each person sees and clears only their own."""

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison.agreements.choices import ReminderKind
from liaison.agreements.models import Reminder

pytestmark = pytest.mark.django_db


def remind(agreement, user, subject="Result report due", kind=ReminderKind.RESULT_REPORT):
    return Reminder.objects.create(
        agreement=agreement,
        kind=kind,
        due_on=timezone.localdate(),
        recipient=user,
        subject=subject,
        body="Please report.",
        sent_at=timezone.now(),
    )


def test_anonymous_visitors_are_sent_to_sign_in(client):
    names = (
        "agreements:notifications",
        "agreements:notifications_read",
        "agreements:notifications_badge",
    )
    for name in names:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert reverse("core:login") in response["Location"]


def badge(client) -> str:
    return client.get(reverse("agreements:notifications_badge")).content.decode()


def test_a_person_sees_only_their_own_notifications_with_the_count_in_the_top_bar(
    client_for, personas, draft
):
    mine = remind(draft, personas.requester, "Mine")
    remind(draft, personas.ico, "Not mine")
    client = client_for(personas.requester)

    response = client.get(reverse("agreements:notifications"))

    assert response.status_code == 200
    assert list(response.context["items"]) == [mine]
    page = response.content.decode()
    assert "Not mine" not in page
    assert reverse("agreements:notifications_badge") in page
    assert ">1</span>" in badge(client)


def test_a_role_without_agreements_has_no_notifications_page_and_no_badge(
    client_for, personas, draft
):
    client = client_for(personas.auditor)
    assert client.get(reverse("agreements:notifications")).status_code == 403
    assert "notifications-link" not in client.get(reverse("home")).content.decode()
    assert badge(client).strip() == ""


def test_marking_one_as_read_clears_it_and_leaves_the_others(client_for, personas, draft):
    first = remind(draft, personas.requester, "First")
    second = remind(draft, personas.requester, "Second", kind=ReminderKind.ANNUAL_REPORT)
    client = client_for(personas.requester)

    response = client.post(reverse("agreements:notifications_read"), {"reminder": first.pk})

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None
    assert ">1</span>" in badge(client)


def test_marking_all_as_read_never_touches_someone_elses(client_for, personas, draft):
    remind(draft, personas.requester)
    theirs = remind(draft, personas.ico)
    client = client_for(personas.requester)

    client.post(reverse("agreements:notifications_read"))
    client.post(reverse("agreements:notifications_read"), {"reminder": theirs.pk})

    assert not Reminder.objects.filter(recipient=personas.requester, read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "notifications-badge" not in badge(client)


def test_reading_notifications_needs_a_post(client_for, personas):
    response = client_for(personas.requester).get(reverse("agreements:notifications_read"))
    assert response.status_code == 405
