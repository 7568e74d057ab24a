"""Suspects' passport and ID numbers recorded before they were encrypted: each is sealed
with the current field key and hashed for exact search, its clear value replaced by the
masked form and its search key emptied, and the number's folded form taken out of its
case's search column. The key file is read only when there is something to seal, so a
new installation migrates before its key file exists."""

from django.db import migrations

from liaison.cases import protect

DOCUMENT_KINDS = ["passport"]  # cases.choices.DOCUMENT_KINDS when this was written


def seal_documents(apps, schema_editor):
    Identifier = apps.get_model("cases", "Identifier")
    clear = Identifier.objects.filter(kind__in=DOCUMENT_KINDS, passport_ciphertext="")
    folded: dict[int, set[str]] = {}  # per case, the numbers as its search column holds them
    for identifier in clear.select_related("suspect").iterator(chunk_size=1000):
        number = protect.normalise_document_number(identifier.value)
        folded.setdefault(identifier.suspect.case_id, set()).add(identifier.key)
        identifier.passport_ciphertext = protect.encrypt(number)
        identifier.passport_hash = protect.blind_index(number)
        identifier.passport_last2 = number[-2:]
        identifier.value = ("••••••" + number[-2:]) if number else ""
        identifier.key = ""
        identifier.save(
            update_fields=["passport_ciphertext", "passport_hash", "passport_last2", "value", "key"]
        )
    Case = apps.get_model("cases", "Case")
    for case in Case.objects.filter(pk__in=folded).only("pk", "search_keys"):
        kept = [word for word in case.search_keys.split() if word not in folded[case.pk]]
        Case.objects.filter(pk=case.pk).update(search_keys=" ".join(kept))


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_identifier_documents_sealed")]

    operations = [migrations.RunPython(seal_documents, migrations.RunPython.noop)]
