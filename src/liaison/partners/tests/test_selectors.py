"""Reads that depend on who asks: the home card and the scoped getters."""

import pytest
from django.http import Http404

from liaison.core.tests.factories import ContactFactory
from liaison.partners import selectors
from liaison.partners.models import PartnerBody


def test_the_home_card_counts_active_bodies_countries_and_contacts(personas, directory):
    PartnerBody.objects.filter(pk=directory.thai_police.pk).update(is_active=False)
    ContactFactory(partner_body=directory.cnp, left_post_on="2024-01-01")
    assert selectors.directory_summary(personas.ico) == {
        "police_bodies": 2,
        "international_organisations": 1,
        "countries": 1,
        "contacts": 1,
        "by_country": [{"label": "Cambodia", "count": 2}],
    }


def test_the_home_card_shows_no_contact_count_to_a_requester(personas, directory):
    summary = selectors.directory_summary(personas.requester)
    assert summary.pop("by_country")[0] == {"label": "Cambodia", "count": 2}
    assert summary == {
        "police_bodies": 3,
        "international_organisations": 1,
        "countries": 2,
    }


def test_the_home_card_of_a_partner_liaison_counts_only_their_body(personas, directory):
    assert selectors.directory_summary(personas.partner) == {
        "police_bodies": 1,
        "international_organisations": 0,
        "countries": 1,
        "by_country": [{"label": "Cambodia", "count": 1}],
    }


def test_the_home_card_is_empty_for_the_auditor(personas, directory):
    assert selectors.directory_summary(personas.auditor) == {
        "police_bodies": 0,
        "international_organisations": 0,
        "countries": 0,
        "by_country": [],
    }


def test_a_body_outside_the_scope_is_not_found(personas, directory):
    assert selectors.get_body_for_user(personas.partner, directory.cnp.pk) == directory.cnp
    with pytest.raises(Http404):
        selectors.get_body_for_user(personas.partner, directory.thai_police.pk)


def test_contacts_are_not_found_for_roles_without_personal_data(personas, directory):
    assert selectors.get_contact_for_user(personas.overseas, directory.cnp_contact.pk)
    for who in ("requester", "analyst", "partner", "auditor"):
        with pytest.raises(Http404):
            selectors.get_contact_for_user(getattr(personas, who), directory.cnp_contact.pk)
