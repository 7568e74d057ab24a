"""What the round-trip test reads back from a restored system, printed as JSON:
`python -m liaison.ops.tests.restored CASE_REFERENCE` in that system's environment."""

import hashlib
import json
import os
import sys

import django


def main(reference: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    django.setup()
    # Models are imported once Django is set up, as in any script outside manage.py.
    from django.contrib.auth import get_user_model
    from django.core.files.storage import default_storage

    from liaison.cases.models import Case
    from liaison.ops.tests.reading import audit_trail, table_counts

    case = Case.objects.get(reference=reference)
    statement = case.timeline.get(kind="document")
    with default_storage.open(statement.file.name, "rb") as stored:
        content = stored.read()
    report = {
        "tables": table_counts(),
        "audit": audit_trail(),
        "passport": case.victims.get().passport_number(),
        "categories": case.categories,
        "officers": sorted(case.officers.values_list("username", flat=True)),
        "statement_sha256": hashlib.sha256(content).hexdigest(),
        "statement_recorded_sha256": statement.file_sha256,
        "permissions": sorted(
            f"{user.username}:{perm}"
            for user in get_user_model().objects.all()
            for perm in user.get_group_permissions()
        ),
    }
    sys.stdout.write(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1])
