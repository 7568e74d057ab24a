"""`liaison rotate-keys`: new keys re-encrypt and re-hash every passport number, and exact
passport search keeps working before, during and after, also once old keys are retired."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from liaison.cases import keys as rotate_keys
from liaison.cases import protect
from liaison.cases.models import Case, Report, Victim
from liaison.cases.services import search

pytestmark = pytest.mark.django_db

NUMBER = "M12345678"  # the passport in the cases conftest's report


def found(number=NUMBER):
    return list(Case.objects.filter(search.by_passport(number)))


def run(*args) -> str:
    out = io.StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


def secrets_in_file() -> list[str]:
    ring = json.loads(protect.key_file().read_text())
    return [*ring["keys"].values(), *ring["hash_keys"].values()]


def test_create_writes_a_key_file_and_refuses_to_overwrite_it():
    assert not protect.key_file().exists()
    output = run("--create")
    assert protect.key_file().exists()
    assert json.loads(protect.key_file().read_text())["current"] == "k1"
    for secret in secrets_in_file():
        assert secret not in output
    with pytest.raises(CommandError, match="already exists"):
        run("--create")


def test_rotation_without_a_key_file_says_how_to_create_one():
    with pytest.raises(CommandError, match="--create"):
        run()


def test_rotation_re_encrypts_and_re_hashes_and_search_keeps_working(open_case):
    victim = open_case.victims.get()
    before = (victim.passport_ciphertext, victim.passport_hash)
    assert found() == [open_case]
    output = run()
    assert "k2" in output
    for secret in secrets_in_file():
        assert secret not in output
    victim.refresh_from_db()
    assert (victim.passport_ciphertext, victim.passport_hash) != before
    assert victim.passport_hash == protect.blind_index(NUMBER, "k2")
    assert victim.passport_number() == NUMBER
    assert Report.objects.get().passport_hash == protect.blind_index(NUMBER, "k2")
    assert found() == [open_case]


def test_search_finds_a_row_not_yet_re_hashed_during_a_rotation(open_case):
    rotate_keys.add_key()  # the new key is current; the row still has its k1 hash
    assert found() == [open_case]
    assert Victim.objects.get().passport_number() == NUMBER


def test_after_old_keys_are_retired_numbers_still_decrypt_and_are_found(open_case):
    run()
    output = run("--retire-old")
    ring = json.loads(protect.key_file().read_text())
    assert list(ring["keys"]) == ["k3"] and list(ring["hash_keys"]) == ["k3"]
    assert "k1, k2" in output
    assert Victim.objects.get().passport_number() == NUMBER
    assert Report.objects.get().passport_number() == NUMBER
    assert found() == [open_case]
    assert found("M 1234 5679") == []


def test_retiring_first_re_encrypts_a_row_written_with_an_old_key(open_case):
    """A product process that had not reloaded the keys may still write with the old key;
    retiring catches such a row before the old key is gone."""
    rotate_keys.add_key()
    rotate_keys.reencrypt()
    ring = json.loads(protect.key_file().read_text())
    from cryptography.fernet import Fernet

    old_token = Fernet(ring["keys"]["k1"].encode()).encrypt(NUMBER.encode()).decode()
    Victim.objects.update(passport_ciphertext=old_token, passport_hash="stale")
    rotate_keys.retire_old()
    victim = Victim.objects.get()
    assert victim.passport_number() == NUMBER
    assert victim.passport_hash == protect.blind_index(NUMBER)


def test_an_administrator_rotates_the_keys_as_a_job_and_search_keeps_working(
    open_case, personas, client_for, queue, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from liaison.core.models import Job

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(personas.admin).post(
            reverse("core:job_start", kwargs={"kind": "cases.rotate_keys"})
        )
    assert response.status_code == 302
    queue.run_pending()
    job = Job.objects.get(kind="cases.rotate_keys")
    assert job.state == "done" and job.summary.startswith("Key k2 is current;")
    assert Victim.objects.get().passport_hash == protect.blind_index(NUMBER, "k2")
    assert found() == [open_case]


def test_a_process_reads_the_key_file_again_once_another_process_changed_it(open_case):
    assert protect.key_ring().current == "k1"
    ring = json.loads(protect.key_file().read_text())
    # Written by another process (the worker, another node): nothing tells this one.
    protect.write_ring(protect.new_key_entry(ring, "k9"))
    assert protect.key_ring().current == "k9"
    assert protect.blind_index(NUMBER) == protect.blind_index(NUMBER, "k9")


def test_a_rotation_cancelled_half_way_leaves_every_number_readable_and_found(
    open_case, personas, queue, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from liaison.core import jobs
    from liaison.core.models import Job

    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.enqueue("cases.rotate_keys", requested_by=personas.admin)
    cache.set(f"job:{job.pk}:cancel", 1, 60)  # asked to stop before its first batch ends
    queue.run_pending()
    job = Job.objects.get(pk=job.pk)
    assert job.state == "cancelled" and "running it again finishes it" in job.summary
    assert protect.key_ring().current == "k2"  # the new key is in, not every row yet
    assert Victim.objects.get().passport_number() == NUMBER
    assert found() == [open_case]
