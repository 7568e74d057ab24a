"""The partner directory as the tests see it: the Cambodian National Police (the partner
liaison's own body) with a unit and two contacts, the Royal Thai Police, and INTERPOL."""

from types import SimpleNamespace

import pytest

from liaison.core.models import AuditEvent
from liaison.core.tests.factories import ContactFactory, CountryFactory, PartnerBodyFactory
from liaison.partners.choices import PartnerKind


@pytest.fixture
def thailand(db):
    return CountryFactory(
        code="TH", alpha3="THA", numeric="764", name_en="Thailand", name_ko="태국"
    )


@pytest.fixture
def directory(personas, cambodia_police, thailand):
    cnp = cambodia_police
    thai_police = PartnerBodyFactory(
        name_en="Royal Thai Police", name_ko="태국 왕립경찰", abbreviation="RTP", country=thailand
    )
    return SimpleNamespace(
        cnp=cnp,
        cnp_unit=PartnerBodyFactory(
            name_en="Anti-Human Trafficking Department",
            parent=cnp,
            country=cnp.country,
            abbreviation="AHTJP",
        ),
        thai_police=thai_police,
        interpol=PartnerBodyFactory(
            name_en="INTERPOL",
            name_ko="인터폴",
            abbreviation="ICPO",
            kind=PartnerKind.INTERNATIONAL_ORGANISATION,
            country=None,
        ),
        cnp_contact=ContactFactory(partner_body=cnp, full_name="Sok Dara", phone="+85512345678"),
        thai_contact=ContactFactory(
            partner_body=thai_police, full_name="Somchai Prasert", phone="+66812345678"
        ),
    )


@pytest.fixture
def last_audit():
    """The newest audit entry, for asserting the exact row an action wrote."""
    return lambda: AuditEvent.objects.order_by("-id").first()
