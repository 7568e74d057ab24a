import csv
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from liaison.core import audit, services
from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(personas):
    return audit.record(AuditAction.VIEW, actor=personas.ico, obj=personas.requester)


def test_an_audit_entry_cannot_be_changed_or_deleted_through_the_orm(event):
    event.reason = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="tampered")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_to_update_an_audit_entry(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET reason = 'tampered' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite guards DELETE in the ORM only"
)
def test_postgresql_refuses_to_delete_an_audit_entry(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_an_update_records_only_what_changed_before_and_after(personas):
    services.user_update(actor=personas.admin, user=personas.analyst, full_name="Renamed Analyst")
    entry = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(personas.analyst.pk))
    assert entry.object_type == "core.user"
    assert entry.actor == personas.admin
    assert entry.changes == {
        "full_name": {"before": personas.analyst.full_name, "after": "Renamed Analyst"}
    }


def test_the_auditor_searches_the_trail(client_for, personas, event):
    response = client_for(personas.auditor).get(reverse("core:audit_list"), {"action": "view"})
    assert response.status_code == 200
    assert list(response.context["listing"].page) == [event]


def test_the_auditor_exports_the_trail_and_the_export_is_audited(client_for, personas, event):
    response = client_for(personas.auditor).get(
        reverse("core:audit_list"), {"action": "view", "export": "csv"}
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Time", "Actor", "Role", "Action"]
    assert rows[1][1] == "ico" and len(rows) == 2
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=personas.auditor).exists()


def test_the_auditor_exports_xlsx(client_for, personas, event):
    from openpyxl import load_workbook

    response = client_for(personas.auditor).get(reverse("core:audit_list"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(1, 2).value == "Actor" and sheet.max_row >= 2


@pytest.mark.parametrize("who", ["ico", "admin_less", "requester", "analyst", "partner"])
def test_no_one_but_auditors_and_administrators_reads_the_trail(client_for, personas, who):
    user = getattr(personas, who if who != "admin_less" else "commissioner")
    assert client_for(user).get(reverse("core:audit_list")).status_code == 403


def test_a_refusal_is_itself_audited(client_for, personas):
    client_for(personas.requester).get(reverse("core:audit_list"))
    assert AuditEvent.objects.filter(
        action=AuditAction.ACCESS_DENIED, actor=personas.requester
    ).exists()


def test_the_auditor_sees_nothing_else(client_for, personas):
    client = client_for(personas.auditor)
    assert client.get(reverse("partners:body_list")).status_code == 403
    assert client.get(reverse("core:institution_list")).status_code == 403
    assert client.get(reverse("core:user_list")).status_code == 403


def test_audit_api_for_auditors_only(client_for, personas, event):
    assert client_for(personas.auditor).get("/api/v1/audit?action=view").json()["count"] == 1
    assert client_for(personas.ico).get("/api/v1/audit").status_code == 403


def test_a_bad_date_filter_is_shown_on_the_form_not_a_crash(client_for, personas):
    response = client_for(personas.auditor).get(
        reverse("core:audit_list"), {"date_from": "yesterday"}
    )
    assert response.status_code == 200
    assert "date_from" in response.context["listing"].form.errors
