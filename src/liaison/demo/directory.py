"""The demo directory: the home agency's institutions, its partners, their contact
persons and one account per role. Updates what exists; never resets a password that was
already set."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from django.conf import settings

from liaison.core.models import Institution, User
from liaison.partners.models import Contact, Country, PartnerBody


def logins_file() -> Path:
    return Path(settings.VAR_DIR) / "demo-logins.json"


def institutions(rows: list[dict]) -> dict[str, Institution]:
    by_code: dict[str, Institution] = {}
    for row in rows:
        institution, _ = Institution.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_ko": row["name_ko"],
                "name_en": row["name_en"],
                "kind": row["kind"],
                "parent": by_code.get(row["parent"]) if row["parent"] else None,
                "is_illustrative": row.get("illustrative", False),
            },
        )
        by_code[row["code"]] = institution
    return by_code


def partners(rows: list[dict]) -> dict:
    by_key = {}
    for row in rows:
        country = Country.objects.get(code=row["country"]) if row.get("country") else None
        body, _ = PartnerBody.objects.update_or_create(
            name_en=row["name_en"],
            country=country,
            defaults={
                "kind": row["kind"],
                "name_ko": row.get("name_ko", ""),
                "name_local": row.get("name_local", ""),
                "abbreviation": row.get("abbreviation", ""),
                "is_illustrative": row.get("illustrative", False),
            },
        )
        by_key[row["key"]] = body
    return by_key


def contacts(rows: list[dict], partners: dict) -> int:
    for row in rows:
        Contact.objects.update_or_create(
            partner_body=partners[row["partner"]],
            full_name=row["full_name"],
            defaults={
                "rank": row.get("rank", ""),
                "post": row["post"],
                "email": row.get("email", ""),
                "phone": row.get("phone", ""),
                "is_illustrative": row.get("illustrative", False),
            },
        )
    return len(rows)


def users(rows: list[dict], institutions: dict, partners: dict) -> dict[str, str]:
    """Creates the demo accounts; returns username → password for those whose password
    this installation generated (kept in var/ so that later runs print the same)."""
    path = logins_file()
    known = json.loads(path.read_text()) if path.exists() else {}
    for row in rows:
        user, created = User.objects.update_or_create(
            username=row["username"],
            defaults={
                "full_name": row["full_name"],
                "role": row["role"],
                "email": f"{row['username']}@demo.liaison.invalid",
                "institution": institutions.get(row.get("institution") or ""),
                "partner_body": partners.get(row.get("partner") or ""),
                "language": row.get("language", "ko"),
                "time_zone": row.get("time_zone", settings.TIME_ZONE),
            },
        )
        if created or not user.has_usable_password():
            known[row["username"]] = known.get(row["username"]) or secrets.token_urlsafe(9)
            user.set_password(known[row["username"]])
            user.save(update_fields=["password"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(known, indent=2))
    path.chmod(0o600)
    return {row["username"]: known.get(row["username"], "(changed by its user)") for row in rows}
