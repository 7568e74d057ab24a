"""`liaison rotate-keys`: the field-encryption keys of passport and ID numbers and of case
documents.

    liaison rotate-keys --create          write a first key file (refuses to overwrite one)
    liaison rotate-keys                   add a key, make it current, re-encrypt (AES-256-GCM)
                                          every number, sealed intake field and case document,
                                          and re-hash the numbers
    liaison rotate-keys --retire-old      … then remove every other key from the file

The key file lives outside the database (settings.LIAISON_FIELD_KEYS_FILE); keys are never
printed. Exact passport search keeps working throughout: a search hashes the number under
every key in the file, so a row not yet re-hashed is still found, and every key in the file
still decrypts. Every running process re-reads the key file when it changes. The same
rotation runs as a job from the jobs page ("Rotate the passport keys")."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from liaison.cases import keys, protect


class Command(BaseCommand):
    help = (
        "Creates or rotates the keys that encrypt passport and ID numbers and case documents "
        "(keys are never printed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--create", action="store_true", help="Write a first key file.")
        parser.add_argument(
            "--retire-old",
            action="store_true",
            help="After rotating, remove the old keys from the file.",
        )
        parser.add_argument("--batch", type=int, default=1000, help="Rows per transaction.")

    def handle(self, *args, create=False, batch=1000, **options):
        path = protect.key_file()
        try:
            if create:
                keys.create_ring()
                self.stdout.write(f"Key file written: {path} (key k1).")
                return
            if batch < 1:
                raise CommandError("--batch is at least 1.")
            done = keys.rotate(
                batch=batch, retire=options["retire_old"], actor_label="liaison rotate-keys"
            )
        except keys.KeyFileError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"New key {done['key']} added to {path} and made current.")
        self.stdout.write(
            "Passport and ID numbers, sealed intake fields and case documents re-encrypted: "
            f"{done['changed']}."
        )
        if done["retired"]:
            self.stdout.write(f"Old keys removed from the file: {', '.join(done['retired'])}.")
