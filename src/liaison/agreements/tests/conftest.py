"""Agreements at each step of the lifecycle, walked there through the real services."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from liaison.agreements import services
from liaison.agreements.choices import DocumentKind, Rating, ReviewRecommendation
from liaison.agreements.services.conclusion import CRITERION_KEYS

from .factories import AgreementFactory, pdf


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def ratings(value=Rating.STRONG):
    return dict.fromkeys(CRITERION_KEYS, value)


@pytest.fixture
def draft(personas, cambodia_police, institutions):
    """A complete draft of the Police University, on time, with its draft text attached."""
    agreement = AgreementFactory(
        counterpart=cambodia_police,
        country=cambodia_police.country,
        institution=institutions.university,
        created_by=personas.requester,
    )
    services.document_upload(
        actor=personas.requester, agreement=agreement, kind=DocumentKind.DRAFT, upload=pdf()
    )
    agreement.refresh_from_db()
    return agreement


@pytest.fixture
def walk(personas):
    """`walk.to(agreement, "signed")`: moves an agreement along the happy path."""
    p = personas

    def submitted(a):
        return services.agreement_submit(actor=p.requester, agreement=a)

    def draft_review(a):
        a = submitted(a)
        services.agreement_record_review(
            actor=p.ico, agreement=a, ratings=ratings(), recommendation=ReviewRecommendation.PROCEED
        )
        a.refresh_from_db()
        return a

    def approved(a):
        a = draft_review(a)
        services.agreement_agree_final_text(
            actor=p.ico, agreement=a, document=a.documents.get(kind=DocumentKind.DRAFT)
        )
        return services.agreement_decide(actor=p.commissioner, agreement=a, approve=True)

    def signed(a):
        a = approved(a)
        return services.agreement_sign(
            actor=p.requester,
            agreement=a,
            signed_on=timezone.localdate(),
            place="Phnom Penh",
            signatory_home="Yoo Jae-seong",
            signatory_partner="Sar Thet",
            signed_copy=pdf("signed.pdf"),
        )

    def active(a):
        a = signed(a)
        services.result_report_submit(actor=p.requester, agreement=a, summary="Signed at IPS.")
        a.refresh_from_db()
        return a

    steps = {
        "submitted": submitted,
        "draft_review": draft_review,
        "approved": approved,
        "signed": signed,
        "active": active,
    }
    return SimpleNamespace(to=lambda agreement, status: steps[status](agreement))
