"""A partner liaison's lists offer filter choices of their own agency and country only: on
every page of the product they can open, no dropdown names another partner body or another
country (the directory, the agreements registry …)."""

from __future__ import annotations

import pytest
from django import forms

from liaison.agreements.choices import AgreementStatus
from liaison.agreements.tests.factories import AgreementFactory
from liaison.cases.tests.conftest import (  # noqa: F401 — the fixtures the world asks for
    _keys_and_media_in_tmp,
    open_case,
    philippines,
    posts,
    received_report,
    task_force_mou,
)
from liaison.core.listing import ListFilterForm
from liaison.core.tests.factories import CountryFactory, PartnerBodyFactory
from liaison.core.tests.test_url_permissions import _ask
from liaison.core.tests.test_url_permissions import shared_world as shared_world
from liaison.core.tests.test_url_permissions import world as world
from liaison.core.tests.url_registry import REGISTRY
from liaison.partners.models import Country, PartnerBody

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_partners(world):
    """Agreements, directory entries and countries of two other agencies."""
    for code, alpha3, numeric, name in (
        ("KZ", "KAZ", "398", "Kazakhstan"),
        ("TH", "THA", "764", "Thailand"),
    ):
        body = PartnerBodyFactory(
            name_en=f"Police of {name}",
            country=CountryFactory(code=code, alpha3=alpha3, numeric=numeric, name_en=name),
        )
        AgreementFactory(
            counterpart=body,
            country=body.country,
            institution=world.seoul,
            status=AgreementStatus.ACTIVE,
        )


def _filter_choices(response) -> dict[str, set]:
    """The partner bodies and countries each list's filter form offers, by field."""
    contexts = response.context if isinstance(response.context, list) else [response.context]
    values = [v for context in contexts if context for d in context.dicts for v in d.values()]
    offered: dict[str, set] = {}
    for value in values:
        form = getattr(value, "form", value)  # a list's form sits in its Listing
        if not isinstance(form, ListFilterForm):
            continue
        for name, field in form.fields.items():
            model = getattr(field, "queryset", None) is not None and field.queryset.model
            if isinstance(field, forms.ModelChoiceField) and model in (PartnerBody, Country):
                offered[f"{type(form).__name__}.{name}"] = set(field.queryset)
    return offered


def test_every_filter_a_partner_liaison_can_open_offers_only_their_agency_and_country(
    client_for, world, other_partners
):
    liaison = world.partner
    own = {liaison.partner_body, liaison.partner_body.country}
    client = client_for(liaison)
    seen = set()
    for probe in REGISTRY:
        if probe.api or probe.method != "get" or probe.public:
            continue
        response = _ask(client, probe, world)
        if response.status_code != 200:
            continue
        for field, choices in _filter_choices(response).items():
            seen.add(field)
            assert choices <= own, f"{probe.route} {field}: {choices - own}"
    # The lists the liaison reaches, each with its dropdowns of bodies and countries.
    assert {
        "PartnerBodyFilterForm.country",
        "AgreementFilterForm.country",
        "AgreementFilterForm.counterpart",
    } <= seen


def test_the_office_still_chooses_among_every_agreement_counterpart(
    client_for, world, other_partners
):
    from django.urls import reverse

    response = client_for(world.ico).get(reverse("agreements:list"))
    form = response.context["listing"].form
    names = {body.name_en for body in form.fields["counterpart"].queryset}
    assert {"Police of Kazakhstan", "Police of Thailand", "Cambodian National Police"} <= names
    assert {c.code for c in form.fields["country"].queryset} >= {"KZ", "TH", "KH"}
