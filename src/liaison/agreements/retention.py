"""How long an agreement's documents are kept once it has ended (core.retention): the
drafts and signed copies carry the names and signatures of the officers who negotiated
and signed them. Counted from the day it was terminated or expired; the agreement itself,
its reviews, activities and reports stay, for the annual figures and the history of the
partnership. A legal hold on the agreement keeps its documents."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from liaison.core import retention
from liaison.core.choices import DisposalOutcome

from .choices import AgreementStatus
from .models import Agreement, AgreementDocument, agreement_reference


def destroy_documents(agreement: Agreement) -> Iterable[str]:
    documents = AgreementDocument.objects.filter(agreement=agreement)
    files = list(documents.values_list("file", flat=True))
    documents.delete()
    return [name for name in files if name]


retention.rule(
    retention.Rule(
        name="agreements.ended_agreement",
        label=_("Documents of agreements that ended"),
        model=Agreement,
        counted_from="ended_on",
        counted_from_label=_("termination or expiry"),
        outcome=DisposalOutcome.ANONYMISED,
        destroy=destroy_documents,
        covers=lambda: Agreement.objects.filter(
            status__in=[AgreementStatus.TERMINATED, AgreementStatus.EXPIRED]
        ),
        describe=lambda agreement: agreement.reference,
    )
)
retention.holdable(
    "agreements.agreement",
    describe=lambda pk: agreement_reference(int(pk)),
    url=lambda pk: reverse("agreements:detail", args=[pk]),
)
