"""Demo agreements: the nine MOUs prepared for the IPS in October, the Cambodia Korean Desk
MOU, the South Korea–Cambodia Joint Task Force MOU (facts from the public reports), and
illustrative historical agreements — generated deterministically — up to 96 in all.
Safe to run again: records are found by title and left as they are."""

from __future__ import annotations

import datetime
import itertools
import random

from django.db import transaction
from django.utils import timezone

from liaison.agreements.choices import ActivityKind, AgreementStatus, ScopeArea, TerminationDecision
from liaison.agreements.models import (
    Agreement,
    AgreementTransition,
    AnnualReport,
    CooperationActivity,
    EffectivenessDecision,
    Occasion,
)
from liaison.core import audit
from liaison.core.choices import AuditAction
from liaison.core.models import Institution, User
from liaison.partners.choices import PartnerKind
from liaison.partners.models import Country, PartnerBody

S = AgreementStatus
D = datetime.date
TOTAL = 96  # the agency's security-cooperation MOUs since 1996 (seeds/000)
SEED = 1996

# counterpart name, country, name_ko, status reached by the demo
IPS = [
    ("French National Police", "FR", "프랑스 국가경찰", S.SIGNED),
    ("Netherlands Police", "NL", "네덜란드 경찰", S.APPROVED),
    ("Ministry of Public Security of Vietnam", "VN", "베트남 공안부", S.SIGNED),
    ("Philippine National Police", "PH", "필리핀 국가경찰", S.DRAFT_REVIEW),
    ("Cambodian National Police", "KH", "캄보디아 국가경찰", S.DRAFT_REVIEW),
    ("Royal Malaysia Police", "MY", "말레이시아 왕립경찰", S.UNDER_VALIDITY_REVIEW),
    ("Ministry of Public Security of Lao PDR", "LA", "라오스 공안부", S.REVISION_REQUESTED),
    ("Ministry of Internal Affairs of Kazakhstan", "KZ", "카자흐스탄 내무부", S.SUBMITTED),
    ("Public Security Directorate of Jordan", "JO", "요르단 공공안전국", S.SUBMITTED),
]
PATH = [
    S.DRAFT,
    S.SUBMITTED,
    S.UNDER_VALIDITY_REVIEW,
    S.DRAFT_REVIEW,
    S.APPROVED,
    S.SIGNED,
    S.ACTIVE,
]


def _body(name_en: str, country_code: str | None, name_ko: str = "") -> PartnerBody:
    country = Country.objects.filter(code=country_code).first() if country_code else None
    body = PartnerBody.objects.filter(name_en=name_en).first()
    if body is None:
        body = PartnerBody.objects.create(
            name_en=name_en,
            name_ko=name_ko,
            country=country,
            is_illustrative=False,
            kind=PartnerKind.POLICE if country else PartnerKind.INTERNATIONAL_ORGANISATION,
        )
    return body


def _institution(code: str) -> Institution:
    return (
        Institution.objects.filter(code=code).first() or Institution.objects.order_by("pk").first()
    )


def _history(agreement: Agreement, statuses: list[str], start: datetime.datetime) -> None:
    """Transition rows for a demo record walked along `statuses`, a few days apart."""
    at = start
    for before, after in itertools.pairwise(statuses):
        at += datetime.timedelta(days=9)
        AgreementTransition.objects.create(
            agreement=agreement,
            from_status=before,
            to_status=after,
            at=at,
            reason="Demo data" if agreement.is_illustrative else "",
        )


def _path_to(status: str) -> list[str]:
    if status == S.REVISION_REQUESTED:
        return [S.DRAFT, S.SUBMITTED, S.UNDER_VALIDITY_REVIEW, S.REVISION_REQUESTED]
    return PATH[: PATH.index(status) + 1]


def _create(title: str, status: str, *, history_start: datetime.datetime, **fields):
    agreement, created = Agreement.objects.get_or_create(
        title=title, defaults={"status": status, **fields}
    )
    if created:
        path = (
            fields.pop("_path", None) or _path_to(status)
            if status in PATH or status == S.REVISION_REQUESTED
            else [S.DRAFT, status]
        )
        _history(agreement, path, history_start)
        agreement.version = len(path) - 1
        agreement.save(update_fields=["version"])
    return agreement, created


def _ips(hq: Institution) -> int:
    occasion, _ = Occasion.objects.get_or_create(
        name_en="International Police Chiefs Meeting (IPS) 2025",
        starts_on=D(2025, 10, 22),
        defaults={
            "name_ko": "국제경찰청장회의(IPS) 2025",
            "place": "Seoul",
            "description": "Nine MOUs prepared for signing (seeds/000). The exact day in "
            "October is illustrative.",
        },
    )
    count = 0
    for name, code, name_ko, status in IPS:
        body = _body(name, code, name_ko)
        fields = {
            "counterpart": body,
            "country": body.country,
            "institution": hq,
            "purpose": "Share information and conduct joint operations to expand cooperation "
            "against transnational crime.",
            "scope_areas": [ScopeArea.INFORMATION_SHARING, ScopeArea.JOINT_OPERATIONS],
            "planned_signing_on": occasion.starts_on,
            "occasion": occasion,
            "submitted_on": D(2025, 8, 20) if status != S.DRAFT else None,
        }
        if status in (S.SIGNED, S.ACTIVE):
            fields |= {
                "signed_on": occasion.starts_on,
                "signing_place": "Seoul",
                "signatory_home": "Commissioner General, KNPA",
                "signatory_partner": f"Head of the {name}",
                "result_report_due": occasion.starts_on + datetime.timedelta(days=30),
            }
        if name.startswith("Public Security Directorate"):
            fields |= {
                "submitted_on": D(2025, 8, 28),
                "exception_reason": "Added to the IPS programme after the deadline (illustrative).",
                "exception_granted_at": timezone.make_aware(datetime.datetime(2025, 8, 27)),
            }
        _, created = _create(
            f"MOU on police cooperation with the {name} (IPS 2025)",
            status,
            history_start=timezone.make_aware(datetime.datetime(2025, 8, 11)),
            **fields,
        )
        count += created
    return count


def _cambodia(hq: Institution) -> int:
    cnp = _body("Cambodian National Police", "KH", "캄보디아 국가경찰")
    created = 0
    _, c = _create(
        "MOU on establishing a Korean Desk in the Cambodian National Police",
        S.UNDER_VALIDITY_REVIEW,
        history_start=timezone.make_aware(datetime.datetime(2025, 10, 24)),
        counterpart=cnp,
        country=cnp.country,
        institution=hq,
        purpose="A team of KNPA officers posted inside the Cambodian National Police to handle "
        "crimes against Korean nationals; discussed at the bilateral meeting of "
        "23 October.",
        scope_areas=[
            ScopeArea.PERSONNEL_DISPATCH,
            ScopeArea.NATIONALS_ABROAD,
            ScopeArea.CASE_COOPERATION,
        ],
        planned_signing_on=D(2026, 3, 2),
        submitted_on=D(2025, 10, 24),
    )
    created += c
    _, c = _create(
        "MOU on the South Korea–Cambodia Joint Task Force",
        S.SIGNED,
        history_start=timezone.make_aware(datetime.datetime(2025, 9, 1)),
        counterpart=cnp,
        country=cnp.country,
        institution=hq,
        purpose="Establish a joint task force stationed within the Cambodian National Police: "
        "receiving reports of incidents involving Korean citizens, rescue of victims, "
        "joint investigation, arrest and extradition of suspects; the operating method "
        "of the task force, information sharing and personnel exchange (seeds/003).",
        scope_areas=[
            ScopeArea.INFORMATION_SHARING,
            ScopeArea.PERSONNEL_DISPATCH,
            ScopeArea.JOINT_OPERATIONS,
            ScopeArea.NATIONALS_ABROAD,
            ScopeArea.FUGITIVES,
        ],
        planned_signing_on=D(2025, 11, 10),
        signed_on=D(2025, 11, 10),
        signing_place="Phnom Penh",
        signatory_home="Yoo Jae-seong",
        signatory_home_title="Acting Commissioner General, Korean National Police Agency",
        signatory_partner="Sar Thet",
        signatory_partner_title="Commissioner General, Cambodian National Police",
        result_report_due=D(2025, 12, 10),
        submitted_on=D(2025, 9, 1),
        exception_reason="Signed during the Foreign Minister's visit (illustrative: the "
        "application date is not public).",
        exception_granted_at=timezone.make_aware(datetime.datetime(2025, 9, 1)),
    )
    return created + c


def _historical(count: int) -> int:
    bodies = list(PartnerBody.objects.order_by("pk"))
    institutions = list(Institution.objects.order_by("code")) or []
    if not bodies or not institutions:
        return 0
    kinds = list(ActivityKind.values)
    created_total = 0
    today = timezone.localdate()
    for index in range(count):
        # One generator per record, so a record skipped on a later run changes no other.
        rng = random.Random(SEED * 1000 + index)  # noqa: S311 — demo data, not secrets  # nosec B311
        body = bodies[rng.randrange(len(bodies))]
        institution = institutions[rng.randrange(len(institutions))]
        year = 1996 + (index * 29) // max(count, 1)
        signed = D(year, rng.randint(1, 12), rng.randint(1, 28))
        fate = rng.random()
        expires = None
        status = S.ACTIVE
        if fate < 0.08:
            status, expires = S.EXPIRED, signed.replace(year=signed.year + 5)
        elif fate < 0.13:
            status = S.TERMINATED
        elif fate < 0.18:
            status = S.TERMINATION_RECOMMENDED
        ineffective = status != S.ACTIVE or rng.random() < 0.15
        scope = rng.sample(list(ScopeArea.values[:-1]), rng.randint(1, 3))
        title = f"Security cooperation MOU with the {body.name_en} ({year}, #{index + 1:02d})"
        agreement, created = Agreement.objects.get_or_create(
            title=title,
            defaults={
                "counterpart": body,
                "country": body.country,
                "institution": institution,
                "purpose": "Illustrative historical agreement.",
                "scope_areas": scope,
                "planned_signing_on": signed,
                "signed_on": signed,
                "signing_place": "Seoul",
                "signatory_home": "Commissioner General",
                "signatory_partner": "Head of agency",
                "expires_on": expires,
                "status": status,
                "is_illustrative": True,
                "ended_on": expires
                if status == S.EXPIRED
                else (D(2024, 6, 30) if status == S.TERMINATED else None),
            },
        )
        if not created:
            continue
        created_total += 1
        path = [S.APPROVED, S.SIGNED, S.ACTIVE] + ([status] if status != S.ACTIVE else [])
        _history(
            agreement,
            path,
            timezone.make_aware(datetime.datetime.combine(signed, datetime.time(10)))
            - datetime.timedelta(days=18),
        )
        if ineffective:
            active_years = range(max(year, 2018), min(2021, today.year))
        else:
            active_years = range(max(year, 2019), today.year + 1)
        activities = [
            CooperationActivity(
                agreement=agreement,
                kind=kinds[rng.randrange(len(kinds))],
                occurred_on=D(y, rng.randint(1, 12), rng.randint(1, 28)),
                description="Illustrative cooperation record.",
                count=rng.randint(1, 4),
                recorded_at=timezone.now(),
                is_illustrative=True,
            )
            for y in active_years
            for _ in range(rng.randint(1, 3))
            if D(y, 12, 31) >= signed
        ]
        CooperationActivity.objects.bulk_create(
            [a for a in activities if signed <= a.occurred_on <= today]
        )
        if not ineffective:
            for report_year in (today.year - 2, today.year - 1):
                if report_year >= year:
                    AnnualReport.objects.create(
                        agreement=agreement,
                        year=report_year,
                        submitted_at=timezone.now(),
                        exchange_status="Illustrative: regular exchange.",
                        activity_counts={},
                        submitted_by=None,
                    )
        if status in (S.TERMINATION_RECOMMENDED, S.TERMINATED):
            EffectivenessDecision.objects.create(
                agreement=agreement,
                year=2023,
                assessment="no recorded activity in 2022 and 2023 (illustrative)",
                recommendation="No cooperation in recent years.",
                recommended_by=_any_staff(),
                recommended_at=timezone.now(),
                decision=TerminationDecision.TERMINATE if status == S.TERMINATED else "",
                justification="Confirmed with the partner (illustrative)."
                if status == S.TERMINATED
                else "",
            )
    return created_total


def _any_staff():
    return User.objects.filter(role__in=["ico_officer", "administrator"]).order_by("pk").first()


def load_agreement_demo_data() -> dict[str, int]:
    """Loads the demo agreements; returns how many were created this time."""
    with transaction.atomic():
        hq = _institution("npa-hq")
        created = _ips(hq) + _cambodia(hq)
        real = Agreement.objects.filter(is_illustrative=False).count()
        historical = 0 if _any_staff() is None else _historical(max(TOTAL - real, 0))
        counts = {
            "agreements_created": created + historical,
            "agreements_total": Agreement.objects.count(),
        }
        audit.record(
            AuditAction.IMPORT,
            actor=None,
            actor_label="liaison demo-data",
            object_type="agreements.agreement",
            object_repr=", ".join(f"{k}: {v}" for k, v in counts.items()),
        )
    return counts
