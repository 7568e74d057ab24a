"""An agreement's documents are destroyed once it has been ended longer than its period
(core.retention, agreements/retention.py): the files leave the storage, the agreement and
its history stay; a legal hold on the agreement keeps them."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from liaison.agreements.choices import AgreementStatus
from liaison.agreements.models import Agreement, AgreementDocument
from liaison.core import retention
from liaison.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def ended(agreement, *, days_ago: int) -> Agreement:
    Agreement.objects.filter(pk=agreement.pk).update(
        status=AgreementStatus.EXPIRED,
        ended_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )
    return Agreement.objects.get(pk=agreement.pk)


def test_the_documents_of_an_agreement_ended_longer_than_its_period_are_destroyed(draft):
    days = retention.RULES["agreements.ended_agreement"].days
    agreement = ended(draft, days_ago=days + 1)
    stored = [d.file.name for d in agreement.documents.all()]
    assert stored and all(default_storage.exists(name) for name in stored)

    done = retention.run()

    assert done.destroyed == {"agreements.ended_agreement": 1}
    assert not AgreementDocument.objects.filter(agreement=agreement).exists()
    assert not any(default_storage.exists(name) for name in stored)
    kept = Agreement.objects.get(pk=agreement.pk)
    assert (kept.title, kept.status) == (draft.title, AgreementStatus.EXPIRED)
    entry = AuditEvent.objects.get(actor_label=retention.ACTOR_LABEL)
    assert entry.object_repr == agreement.reference
    assert entry.changes["retention"]["files_deleted"] == len(stored)


def test_an_agreement_ended_recently_or_on_hold_keeps_its_documents(draft, personas):
    days = retention.RULES["agreements.ended_agreement"].days
    recent = ended(draft, days_ago=days - 1)
    assert retention.run().total == 0

    held = ended(recent, days_ago=days + 1)
    retention.hold_place(actor=personas.admin, obj=held, reason="Treaty dispute")
    assert retention.run().total == 0
    assert AgreementDocument.objects.filter(agreement=held).exists()
