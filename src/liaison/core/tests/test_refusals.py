"""Refusals and reads of the audit trail itself, recorded: a refusal made inside a
transaction that rolls back stays recorded; the auditor's list, entry, API search and
export; a password change with a wrong current password; attempts on a locked account
(the password step's own are in test_lockout.py)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from liaison.core import audit, mfa
from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent, User
from liaison.core.permissions import Perm, require
from liaison.core.refusals import RefusalAuditMiddleware
from liaison.core.tests.factories import PASSWORD
from liaison.core.tests.second_factor import authenticator_for
from liaison.core.tests.test_second_factor import SECOND_STEP, password_only

pytestmark = pytest.mark.django_db


def test_a_refusal_inside_a_transaction_that_rolls_back_stays_recorded(personas):
    def view(request):
        try:
            with transaction.atomic():
                User.objects.filter(pk=personas.analyst.pk).update(first_name="Changed")
                require(personas.analyst, Perm.WORK_CASES)
        except PermissionDenied:
            return HttpResponse(status=403)
        return HttpResponse()

    request = RequestFactory().post("/cases/1/do/edit/")
    request.user = personas.analyst
    request.resolver_match = None
    assert RefusalAuditMiddleware(view)(request).status_code == 403
    assert User.objects.get(pk=personas.analyst.pk).first_name != "Changed"
    refusal = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
    assert (refusal.actor, refusal.object_type) == (personas.analyst, "cases.work")


def test_outside_a_request_a_refusal_is_recorded_at_once(personas):
    with pytest.raises(PermissionDenied):
        require(personas.analyst, Perm.WORK_CASES)
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).count() == 1


def test_the_auditors_reads_of_the_trail_are_recorded(personas, client_for):
    entry = audit.record(AuditAction.LOGIN, actor=personas.ico)
    client = client_for(personas.auditor)
    assert client.get(reverse("core:audit_list"), {"action": "login"}).status_code == 200
    assert client.get(reverse("core:audit_detail", args=[entry.pk])).status_code == 200
    assert client.get("/api/v1/audit", {"action": "login"}).status_code == 200
    assert client.get(reverse("core:audit_list"), {"export": "csv"}).status_code == 200
    reads = AuditEvent.objects.filter(actor=personas.auditor).order_by("pk")
    assert [(r.action, r.object_type, r.object_id, r.reason) for r in reads] == [
        ("view", "core.auditevent", "", "filters: action=login"),
        ("view", "core.auditevent", str(entry.pk), ""),
        ("view", "core.auditevent", "", "filters: action=login"),
        ("export", "core.auditevent", "", "filters: none"),
    ]


def test_a_password_change_with_a_wrong_current_password_is_a_refusal(personas, client_for):
    response = client_for(personas.ico).post(
        reverse("core:profile"),
        {
            "action": "password",
            "current_password": "not the password",
            "new_password": "a long new passphrase 2026",
            "confirm_password": "a long new passphrase 2026",
        },
    )
    assert response.status_code == 400
    refusal = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
    assert (refusal.actor, refusal.object_type, refusal.object_id, refusal.reason) == (
        personas.ico,
        "core.user:password",
        str(personas.ico.pk),
        "wrong current password",
    )
    assert "not the password" not in str(refusal.changes)


def test_a_password_change_with_the_right_password_is_no_refusal(personas, client_for):
    client_for(personas.ico).post(
        reverse("core:profile"),
        {
            "action": "password",
            "current_password": PASSWORD,
            "new_password": "a long new passphrase 2026",
            "confirm_password": "a different one",
        },
    )
    assert not AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).exists()


def test_the_right_code_for_an_account_locked_meanwhile_is_recorded_as_an_attempt(personas):
    device = authenticator_for(personas.ico)
    client = password_only("ico")
    User.objects.filter(pk=personas.ico.pk).update(locked_at=timezone.now())  # elsewhere
    response = client.post(SECOND_STEP, {"code": mfa.current_code(device)})
    assert response.status_code == 302 and response.url == reverse("core:login")
    attempt = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (attempt.object_id, attempt.reason, attempt.actor_label) == (
        str(personas.ico.pk),
        "locked: second factor",
        "ico",
    )
