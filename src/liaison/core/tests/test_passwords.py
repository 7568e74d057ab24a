"""Passwords (ASVS 6.2): no words of this agency or this person, no common password, and
no composition rules."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from liaison.core.models import User
from liaison.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def refused(password, user=None) -> bool:
    try:
        validate_password(password, user)
    except ValidationError:
        return True
    return False


@pytest.mark.parametrize(
    "password",
    [
        "liaisonpolice2026",
        "KoreanNationalAgency!",  # the agency's name
        "my-national-secret-77",  # one of its words
        "경찰청비밀번호입니다1234",
        "password123456",  # on the common-password list
    ],
)
def test_context_words_and_common_passwords_are_refused(password):
    assert refused(password)


def test_the_username_and_the_persons_names_are_refused(db):
    person = UserFactory.build(username="jhkim", full_name="Kim Jihoon", email="jh@x.invalid")
    assert refused("jhkim-winter-sea-harbour", person)
    assert refused("Jihoon-winter-sea-harbour", person)
    assert not refused("winter-sea-harbour-lamp", person)


def test_no_composition_rules_a_long_lowercase_phrase_is_accepted():
    assert not refused("correct horse battery staple")


def test_an_administrator_creating_an_account_is_told_why(client_for, personas):
    response = client_for(personas.admin).post(
        reverse("core:user_create"),
        {
            "username": "newofficer",
            "full_name": "New Officer",
            "email": "new@x.invalid",
            "role": "ico_officer",
            "institution": personas.ico.institution_id,
            "language": "en",
            "time_zone": "Asia/Seoul",
            "is_active": "on",
            "password": "liaisonpolice2026",
        },
    )
    assert response.status_code == 400
    assert "easy to guess here" in response.content.decode()
    assert not User.objects.filter(username="newofficer").exists()
