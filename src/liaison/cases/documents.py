"""Documents uploaded to a case's timeline, encrypted at rest with the field keys
(cases.protect): the storage (a disk, a bucket) only ever holds ciphertext, and a document
is decrypted only when it is served to someone allowed to read it. Documents stored before
encryption came in are served as they are until `liaison rotate-keys` seals them."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction

from . import protect
from .models import TimelineEntry


def store(entry: TimelineEntry, data: bytes) -> None:
    """Writes the document sealed with the current key; the entry keeps the name, size and
    SHA-256 of the document itself."""
    entry.file.save(entry.file_name, ContentFile(protect.seal(data)), save=False)


def content(entry: TimelineEntry) -> bytes:
    """The document as uploaded. Raises FileNotFoundError when the storage lost it."""
    with entry.file.open("rb") as handle:
        stored = handle.read()
    return protect.unseal(stored) if protect.is_sealed(stored) else stored


def reseal(entry: TimelineEntry) -> bool:
    """Seals the document again with the current key, under a new name (a storage may not
    overwrite in place); the old file is removed once the new name is committed. False
    when there was nothing to do."""
    old_name = entry.file.name
    with entry.file.open("rb") as handle:
        stored = handle.read()
    if protect.sealed_with_current_key(stored):
        return False
    data = protect.unseal(stored) if protect.is_sealed(stored) else stored
    storage = entry.file.storage
    new_name = storage.save(
        entry.file.field.generate_filename(entry, entry.file_name),
        ContentFile(protect.seal(data)),
    )
    # Timeline entries are never saved twice (a correction is a new entry): the new file's
    # name is written by an UPDATE, which keeps everything else of the entry as it was.
    TimelineEntry.objects.filter(pk=entry.pk).update(file=new_name)
    transaction.on_commit(lambda: storage.delete(old_name))
    return True
