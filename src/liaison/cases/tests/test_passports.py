"""Passport numbers are not stored in clear, yet an exact search finds them."""

import pytest
from django.db import connection

from liaison.cases import protect
from liaison.cases.models import Case, Victim
from liaison.cases.services import search

pytestmark = pytest.mark.django_db


def test_the_number_is_encrypted_at_rest_and_found_by_exact_search(open_case):
    victim = open_case.victims.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM cases_victim WHERE id = %s", [victim.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert "M12345678" not in row
    assert list(Case.objects.filter(search.by_passport("m1234 5678"))) == [open_case]
    assert not Case.objects.filter(search.by_passport("M12345679")).exists()


def test_the_key_file_lives_outside_the_database(settings, open_case):
    assert settings.LIAISON_FIELD_KEYS_FILE.exists()
    protect.reload_keys()
    settings.LIAISON_FIELD_KEYS_FILE = settings.LIAISON_FIELD_KEYS_FILE.with_name("other.json")
    protect.reload_keys()  # a new, different key: the old ciphertext no longer opens
    victim = Victim.objects.get(case=open_case)
    with pytest.raises(Exception, match="cannot be decrypted"):
        victim.passport_number()


def test_the_masked_form_shows_only_the_last_two_characters(open_case):
    assert open_case.victims.get().passport_masked.endswith("78")
    assert "M123" not in open_case.victims.get().passport_masked
