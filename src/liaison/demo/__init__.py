"""Demo data for every domain, loaded in the order the layers go (the directory, then
agreements, then cases: the Joint Task Force MOU decides which cases it is the basis of).
Safe to run again: it updates what exists and never resets a password that was already
set. It lives at the project level because it writes to every domain."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management import call_command
from django.db import transaction

from liaison.core import audit
from liaison.core.choices import AuditAction

from . import directory
from .agreements import load_agreement_demo_data
from .cases import load_case_demo_data

DEMO_FILE = Path(__file__).parent / "data" / "knpa.json"


def load_demo_data(path: Path = DEMO_FILE) -> tuple[dict[str, int], dict[str, str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    call_command("sync_countries", verbosity=0)
    with transaction.atomic():
        institutions = directory.institutions(data["institutions"])
        partners = directory.partners(data["partners"])
        contacts = directory.contacts(data["contacts"], partners)
        logins = directory.users(data["users"], institutions, partners)
        counts = {
            "institutions": len(institutions),
            "partners": len(partners),
            "contacts": contacts,
            "users": len(logins),
        }
        audit.record(
            AuditAction.IMPORT,
            actor=None,
            actor_label="liaison demo-data",
            object_type="demo-data",
            object_repr=", ".join(f"{k}: {v}" for k, v in counts.items()),
        )
        counts["agreements"] = load_agreement_demo_data()["agreements_total"]
    counts["cases"] = load_case_demo_data()["cases_total"]
    return counts, logins
