"""The demo directory: the home agency's institutions, its partners, their contact
persons and one account per role. Updates what exists; never resets a password that was
already set."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from django.conf import settings

from liaison.core import mfa
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


def users(rows: list[dict], institutions: dict, partners: dict) -> dict[str, dict[str, str]]:
    """Creates the demo accounts, each enrolled with an authenticator; returns username →
    {"password", "totp_secret"} for what this installation generated (kept in var/ so that
    later runs print the same, and so that a person or a script can sign in)."""
    path = logins_file()
    known = {name: _login(entry) for name, entry in _read(path).items()}
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
        login = known.setdefault(row["username"], {})
        if created or not user.has_usable_password():
            login["password"] = login.get("password") or secrets.token_urlsafe(9)
            user.set_password(login["password"])
            user.save(update_fields=["password"])
        if not mfa.is_enrolled(user):
            login["totp_secret"] = mfa.authenticator_enrol_for_demo(user)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(known, indent=2))
    path.chmod(0o600)
    changed = "(changed by its user)"
    return {
        row["username"]: {
            "password": known[row["username"]].get("password", changed),
            "totp_secret": known[row["username"]].get("totp_secret", changed),
        }
        for row in rows
    }


def _read(path: Path) -> dict:
    return json.loads(path.read_text()) if path.exists() else {}


def _login(entry: str | dict) -> dict[str, str]:
    # Files written before the second factor held the password alone.
    return {"password": entry} if isinstance(entry, str) else dict(entry)
