"""Field encryption in AES-256-GCM (CJIS 5.10.1.2.2 asks for 256-bit keys): what is written
names its format and key; what Fernet wrote before still reads, and `liaison rotate-keys`
re-encrypts it. Case documents are stored encrypted and decrypted only when served."""

import io
import json

import pytest
from cryptography.fernet import Fernet
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from liaison.agreements.tests.factories import PDF_BYTES
from liaison.cases import keys, protect
from liaison.cases.choices import EntryKind
from liaison.cases.models import IntakeSubmission, Report, TimelineEntry, Victim
from liaison.cases.services import intake, search, timeline

pytestmark = pytest.mark.django_db

NUMBER = "M12345678"  # the victim's passport in the cases conftest's report


def fernet_token(value: str, key_id: str = "k1") -> str:
    """A value as the product wrote it before AES-256-GCM."""
    ring = json.loads(protect.key_file().read_text())
    return Fernet(ring["keys"][key_id].encode()).encrypt(value.encode()).decode()


def rotate(*args) -> str:
    out = io.StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


def test_a_number_is_written_in_aes_256_gcm_naming_its_key(open_case):
    victim = open_case.victims.get()
    assert victim.passport_ciphertext.startswith("a256gcm1:k1:")
    assert victim.passport_number() == NUMBER
    # A fresh nonce each time: the same number never gives the same ciphertext.
    assert protect.encrypt(NUMBER) != protect.encrypt(NUMBER)


def test_a_changed_ciphertext_is_refused_not_read(open_case):
    token = open_case.victims.get().passport_ciphertext
    head, body = token.rsplit(":", 1)
    altered = head + ":" + ("A" if body[0] != "A" else "B") + body[1:]
    with pytest.raises(protect.UnreadableCiphertext, match="cannot be decrypted"):
        protect.decrypt(altered)
    # Nor can a value be passed off as sealed under another key: the header is sealed too.
    keys.add_key()
    with pytest.raises(protect.UnreadableCiphertext):
        protect.decrypt(token.replace("a256gcm1:k1:", "a256gcm1:k2:"))


def test_a_fernet_value_still_reads_and_rotation_moves_it_to_aes_256_gcm(open_case):
    Victim.objects.update(passport_ciphertext=fernet_token(NUMBER))
    assert Victim.objects.get().passport_number() == NUMBER
    assert list(open_case.__class__.objects.filter(search.by_passport(NUMBER))) == [open_case]
    rotate("--retire-old")
    victim = Victim.objects.get()
    assert victim.passport_ciphertext.startswith("a256gcm1:k2:")
    assert victim.passport_number() == NUMBER
    assert Report.objects.get().passport_ciphertext.startswith("a256gcm1:k2:")


def test_rotation_reseals_the_passport_of_a_stored_intake_submission(personas):
    submission = intake.submission_record(
        actor=personas.ico, payload={"passport_number": NUMBER, "narrative": "held"}
    )
    IntakeSubmission.objects.filter(pk=submission.pk).update(
        payload={"passport_number:sealed": fernet_token(NUMBER), "narrative": "held"}
    )
    rotate("--retire-old")
    submission.refresh_from_db()
    assert submission.payload["passport_number:sealed"].startswith("a256gcm1:k2:")
    assert intake.submission_fields(submission)["passport_number"] == NUMBER


def upload(personas, case, data=PDF_BYTES, name="statement.pdf"):
    return timeline.entry_add(
        actor=personas.overseas,
        case=case,
        kind=EntryKind.DOCUMENT,
        upload=ContentFile(data, name=name),
    )


def stored_bytes(entry: TimelineEntry) -> bytes:
    entry.refresh_from_db()
    with entry.file.storage.open(entry.file.name, "rb") as handle:
        return handle.read()


def download(client, case, entry) -> bytes:
    response = client.get(reverse("cases:document", args=[case.pk, entry.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_a_document_is_stored_encrypted_and_served_as_uploaded(open_case, personas, client_for):
    entry = upload(personas, open_case)
    stored = stored_bytes(entry)
    assert stored.startswith(b"a256gcm1:k1:") and b"%PDF" not in stored
    assert download(client_for(personas.overseas), open_case, entry) == PDF_BYTES


def test_a_document_stored_in_clear_before_is_sealed_by_rotation_and_still_served(
    open_case, personas, client_for, django_capture_on_commit_callbacks
):
    entry = upload(personas, open_case)
    old_name = entry.file.name
    with entry.file.storage.open(old_name, "wb") as handle:  # as it was stored before
        handle.write(PDF_BYTES)
    client = client_for(personas.overseas)
    assert download(client, open_case, entry) == PDF_BYTES
    with django_capture_on_commit_callbacks(execute=True):
        rotate("--retire-old")
    stored = stored_bytes(entry)
    assert stored.startswith(b"a256gcm1:k2:") and b"%PDF" not in stored
    assert entry.file.name != old_name and not entry.file.storage.exists(old_name)
    assert download(client, open_case, entry) == PDF_BYTES
