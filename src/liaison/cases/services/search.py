"""What a case is found by: everyone's names folded for spelling (names.py), their phone
and account identifiers, and the place, kept in one column per case."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .. import names, protect
from ..choices import DOCUMENT_KINDS
from ..models import Case, Identifier, Report, Suspect, Victim


def case_search_keys(case: Case) -> str:
    parts: list[str] = [case.reference.lower()]
    for victim in case.victims.all():
        parts += [victim.name_keys, victim.phone_key]
    for suspect in case.suspects.prefetch_related("identifiers"):
        parts.append(suspect.name_keys)
        # Passport and ID numbers stay out: they are found only through their keyed hash.
        parts += [i.key for i in suspect.identifiers.all() if i.kind not in DOCUMENT_KINDS]
    parts.append(names.name_keys(case.city, case.province, case.place))
    return " ".join(p for p in parts if p)


def refresh(case: Case) -> None:
    """Rebuilds the case's search column after its people or place changed."""
    Case.objects.filter(pk=case.pk).update(search_keys=case_search_keys(case))


def matching(query: str) -> Q:
    """Cases whose people, identifiers or place match `query`: a name in any script or
    romanisation, a phone number (any format), a handle or wallet, a reference."""
    query = (query or "").strip()
    conditions = Q(pk__in=[])
    key = names.query_key(query)
    if len(key) >= 2:
        conditions |= Q(search_keys__contains=key)
    digits = names.digits(query)
    if len(digits) >= 6 and len(digits) >= len(query.replace(" ", "")) // 2:
        conditions |= Q(search_keys__contains=names.identifier_key("phone", digits))
    raw = names.identifier_key("other", query)
    if len(raw) >= 4:
        conditions |= Q(search_keys__contains=raw)
    return conditions


def by_passport(number: str) -> Q:
    """Cases with a victim or a suspect holding passport or ID `number` (exact, through the
    keyed hash), whether recorded as the person's passport or as a suspect's identifier."""
    return by_passport_hashes(protect.blind_indexes(number))


def by_passport_hashes(hashes) -> Q:
    """by_passport, given the number's keyed hashes (as a passport search keeps them)."""
    victims = Victim.objects.filter(passport_hash__in=hashes).values("case_id")
    suspects = Suspect.objects.filter(passport_hash__in=hashes).values("case_id")
    identified = Identifier.objects.filter(
        kind__in=DOCUMENT_KINDS, passport_hash__in=hashes
    ).values("suspect__case_id")
    return Q(pk__in=victims) | Q(pk__in=suspects) | Q(pk__in=identified)


def reports_by_passport(number: str) -> QuerySet[Report]:
    return Report.objects.filter(passport_hash__in=protect.blind_indexes(number))
