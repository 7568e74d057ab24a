"""Demo cases: the overseas posts of the public reports, the Bokor Mountain homicide as the
report tells it, and illustrative cases generated deterministically.

Facts from seeds/001 and seeds/003: the Korea–Cambodia Joint Task Force inside the
Cambodian National Police (Phnom Penh, MOU signed 10 November 2025); the Korean Desk in the
Philippine National Police (Manila, since 2012, three officers); two officers with the Thai
police; at the embassy in Phnom Penh one resident officer and two liaison officers; the
homicide of university student "A" in the Bokor Mountain area, Kampot Province, in August,
by three suspects of Chinese nationality, with a joint autopsy in Cambodia and the
repatriation of the remains discussed at the bilateral meeting. Everything else is
illustrative and marked so.
The illustrative cases come from the generator (liaison.generator), filed under the
posts and police bodies of case_filing."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from liaison.agreements.models import Agreement
from liaison.cases import derived, names
from liaison.cases.choices import (
    CaseStatus,
    Category,
    Channel,
    EntryKind,
    Priority,
    ProcedureStatus,
    ReportStatus,
    RequestKind,
    SuspectRole,
    VictimStatus,
)
from liaison.cases.models import (
    Case,
    CaseTransition,
    PartnerRequest,
    Report,
    Suspect,
    TimelineEntry,
    Victim,
)
from liaison.cases.services import targets
from liaison.core import audit
from liaison.core.choices import AuditAction, Role
from liaison.generator.cases import generate
from liaison.generator.context import Filing
from liaison.generator.tables import COUNTRIES
from liaison.partners.choices import PartnerKind
from liaison.partners.models import Country, PartnerBody
from liaison.personnel.models import Post, PostingRole, PostKind

DEMO_CASES = 2000
DEMO_SEED = 2012  # the year the first Korean Desk opened
C = Category
S = CaseStatus
V = VictimStatus
D = datetime.date
UTC = datetime.UTC

# --- posts (seeds/001, seeds/003) ---------------------------------------------------------

JTF_NAME = "Korea–Cambodia Joint Task Force"
# kind, name_en, name_ko, country, city, host body (English name), zone, officers
POSTS = [
    (PostKind.JOINT_TASK_FORCE, JTF_NAME, "한-캄보디아 합동 태스크포스", "KH", "Phnom Penh",
     "Cambodian National Police", "Asia/Phnom_Penh", []),
    (PostKind.KOREAN_DESK, "Korean Desk, Philippine National Police", "필리핀 코리안데스크",
     "PH", "Manila", "Philippine National Police", "Asia/Manila",
     [("ph.desk1", PostingRole.HEAD), ("ph.desk2", PostingRole.DESK_OFFICER),
      ("ph.desk3", PostingRole.DESK_OFFICER)]),
    (PostKind.LIAISON_OFFICE, "Korean officers with the Royal Thai Police", "태국 경찰 파견관",
     "TH", "Bangkok", "Royal Thai Police", "Asia/Bangkok",
     [("th.officer1", PostingRole.LIAISON_OFFICER), ("th.officer2", PostingRole.LIAISON_OFFICER)]),
    (PostKind.POLICE_ATTACHE, "Police attaché, Embassy of Korea in Phnom Penh",
     "주캄보디아 대사관 경찰주재관", "KH", "Phnom Penh", None, "Asia/Phnom_Penh",
     [("kh.resident", PostingRole.RESIDENT_OFFICER), ("kh.liaison1", PostingRole.LIAISON_OFFICER),
      ("kh.liaison2", PostingRole.LIAISON_OFFICER)]),
]  # fmt: skip
JTF_OPENED = D(2025, 11, 10)  # the MOU and the opening ceremony (seeds/003)
DESK_OPENED = D(2012, 1, 1)  # "established in the Philippines in 2012"; the day is not public


def _partner(country_code: str, name_en: str | None = None) -> PartnerBody | None:
    """The country's police body, created (illustrative) when the directory lacks one."""
    bodies = PartnerBody.objects.filter(country_id=country_code, kind=PartnerKind.POLICE)
    if name_en:
        found = bodies.filter(name_en=name_en).first()
        if found:
            return found
    found = bodies.order_by("pk").first()
    if found is None and Country.objects.filter(code=country_code).exists():
        found = PartnerBody.objects.create(
            kind=PartnerKind.POLICE,
            name_en=name_en or f"Police of {Country.objects.get(code=country_code).name_en}",
            country_id=country_code,
            is_illustrative=True,
        )
    return found


def _officer(username: str):
    user, _created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "full_name": f"{username} (illustrative officer)",
            "role": Role.OVERSEAS_OFFICER,
            "email": f"{username}@demo.liaison.invalid",
        },
    )
    if _created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def ensure_posts(*, with_officers: bool = True) -> dict[str, Post]:
    """The four posts of the public reports, by kind key ('jtf', 'manila', 'thai',
    'embassy'). Officers are illustrative accounts without a password; the demo user
    "overseas" serves at the Joint Task Force."""
    keys = ["jtf", "manila", "thai", "embassy"]
    found = {}
    for key, (kind, name_en, name_ko, code, city, host, zone, officers) in zip(
        keys, POSTS, strict=True
    ):
        post, _created = Post.objects.get_or_create(
            name_en=name_en,
            defaults={
                "kind": kind,
                "name_ko": name_ko,
                "country_id": code,
                "city": city,
                "host_body": _partner(code, host) if host else None,
                "time_zone": zone,
            },
        )
        found[key] = post
        if with_officers:
            started = D(2025, 3, 1) if key != "jtf" else JTF_OPENED
            for username, role in officers:
                post.postings.get_or_create(
                    officer=_officer(username), defaults={"role": role, "started_on": started}
                )
    if with_officers:
        overseas = get_user_model().objects.filter(username="overseas").first()
        if overseas is not None:
            found["jtf"].postings.get_or_create(
                officer=overseas,
                defaults={"role": PostingRole.TASK_FORCE_MEMBER, "started_on": JTF_OPENED},
            )
        # The desk has existed since 2012 (seeds/001); its first posting records that.
        found["manila"].postings.get_or_create(
            officer=_officer("ph.desk.2012"),
            defaults={
                "role": PostingRole.HEAD,
                "started_on": DESK_OPENED,
                "ended_on": D(2014, 12, 31),
            },
        )
    return found


# --- the Bokor Mountain homicide (seeds/001) ----------------------------------------------

BOKOR_TITLE = "Homicide of university student A, Bokor Mountain area (Kampot)"


def _aware(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args), timezone=datetime.UTC)


def case_filing(posts: dict[str, Post]) -> Filing:
    """The posts and police bodies generated cases are filed under: the Joint Task Force
    takes cases only since it opened, the other posts have always; each country's police
    body is created (illustrative) when the directory lacks one."""
    partners = {code: getattr(_partner(code), "pk", None) for code in COUNTRIES}
    by_country: dict[str, list[tuple[datetime.date, int]]] = {}
    for post in posts.values():
        since = JTF_OPENED if post.kind == PostKind.JOINT_TASK_FORCE else D(1990, 1, 1)
        by_country.setdefault(post.country_id, []).append((since, post.pk))
    return Filing(posts=by_country, partners=partners)


def load_bokor_case(posts: dict[str, Post], actor) -> Case | None:
    """The homicide as the public report tells it. Not illustrative: the victim ("A", name
    withheld), the place, the month, three suspects of Chinese nationality (names withheld),
    the joint autopsy and the repatriation of the remains discussed at the bilateral
    meeting. Times of day, the report and the status history are illustrative."""
    if Case.objects.filter(title=BOKOR_TITLE).exists():
        return None
    cnp = _partner("KH", "Cambodian National Police")
    reported = _aware(2025, 8, 18, 3, 0)  # the day in August is not public
    mou = Agreement.objects.filter(
        title="MOU on the South Korea–Cambodia Joint Task Force", signed_on__isnull=False
    ).first()
    in_force = mou if mou and mou.signed_on <= reported.date() else None
    basis = (
        ""
        if in_force
        else " No agreement is linked as legal basis: the South Korea–Cambodia Joint Task Force "
        "MOU was signed on 10 November 2025, after these events."
    )
    case = Case.objects.create(
        reference=f"~bokor{reported:%Y%m%d}",
        title=BOKOR_TITLE,
        summary="From the public report (seeds/001): Korean university student A was killed in "
        "the Bokor Mountain area of Kampot Province, Cambodia, in August; all three suspects "
        "are Chinese nationals. A joint autopsy in Cambodia and the swift repatriation of A's "
        "remains were to be discussed at the bilateral meeting with the Cambodian police on 23 "
        "October. Details beyond the report (times, the report itself, the status history) "
        "are illustrative." + basis,
        categories=[C.HOMICIDE],
        priority=Priority.URGENT,
        status=S.SUSPECTS_IDENTIFIED,
        first_reported_at=reported,
        country_id="KH",
        province="Kampot",
        place="Bokor Mountain area",
        place_time_zone="Asia/Phnom_Penh",
        post=posts["embassy"],
        partner_body=cnp,
        agreement=in_force,
        triaged_at=reported + datetime.timedelta(minutes=40),
        investigation_at=reported + datetime.timedelta(days=1),
        suspects_identified_at=reported + datetime.timedelta(days=6),
        created_by=actor,
        version=4,
        is_illustrative=False,
    )
    case.reference = f"C-2025-{case.pk:06d}"
    targets.apply(case)
    case.save()
    _bokor_people(case, reported, actor, cnp)
    derived.case_changed(case, derived.NEW)
    return case


def _bokor_people(case: Case, reported, actor, cnp) -> None:
    report = Report.objects.create(
        reference=f"~bokor-r{case.pk}",
        channel=Channel.EMBASSY,
        received_at=reported,
        country_id="KH",
        province="Kampot",
        place="Bokor Mountain area",
        place_time_zone="Asia/Phnom_Penh",
        categories=[C.HOMICIDE],
        narrative="Illustrative report: the embassy relays that a Korean university student "
        "was found dead in the Bokor Mountain area.",
        life_at_risk=True,
        person_name_latin="A",
        person_name_keys=names.name_keys("A"),
        status=ReportStatus.ATTACHED,
        case=case,
        post=case.post,
        recorded_by=actor,
        is_illustrative=True,
    )
    report.reference = f"R-2025-{report.pk:06d}"
    report.save(update_fields=["reference"])
    victim = Victim.objects.create(
        case=case,
        name_ko="A(실명 비공개)",
        name_latin="A (name withheld)",
        name_keys=names.name_keys("A"),
        status=V.DECEASED,
        status_since=reported,
        autopsy_status=ProcedureStatus.AGREED,
        remains_status=ProcedureStatus.REQUESTED,
        is_illustrative=False,
    )
    victim.status_changes.create(to_status=V.DECEASED, at=reported, actor=actor)
    for number in (1, 2, 3):
        Suspect.objects.create(
            case=case,
            name_latin=f"Suspect {number} (name withheld)",
            name_keys=names.name_keys(f"Suspect {number}"),
            nationality_id="CN",
            roles=[SuspectRole.PERPETRATOR],
            notes="Chinese national accused of the murder (public report). Arrest status not "
            "stated in the report.",
            is_illustrative=False,
        )
    previous = S.RECEIVED
    for to_status, at in (
        (S.TRIAGED, case.triaged_at),
        (S.INVESTIGATION, case.investigation_at),
        (S.SUSPECTS_IDENTIFIED, case.suspects_identified_at),
    ):
        CaseTransition.objects.create(
            case=case, from_status=previous, to_status=to_status, at=at, actor=actor
        )
        TimelineEntry(
            case=case, kind=EntryKind.STATUS, at=at, author=actor, is_illustrative=True,
            body=f"{S(previous).label} → {S(to_status).label}",
        ).save()  # fmt: skip
        previous = to_status
    meeting = _aware(2025, 10, 23, 1, 0)
    TimelineEntry(
        case=case,
        kind=EntryKind.NOTE,
        at=meeting,
        author=actor,
        body="Bilateral meeting with the Cambodian police (Conrad Hotel, Yeouido, Seoul, "
        "23 October): the swift repatriation of A's remains following a joint autopsy in "
        "Cambodia is on the agenda (seeds/001).",
        is_illustrative=False,
    ).save()
    if cnp is not None:
        PartnerRequest.objects.create(
            case=case,
            kind=RequestKind.REPATRIATION,
            partner_body=cnp,
            subject="Joint autopsy in Cambodia and swift repatriation of A's remains",
            sent_at=meeting,
            sent_by=actor,
        )


# --- loading ------------------------------------------------------------------------------


def load_case_demo_data(*, cases: int = DEMO_CASES) -> dict[str, int]:
    """Posts, the Bokor Mountain case and `cases` illustrative cases (2021 to today).
    Safe to run again: what exists is left as it is."""
    actor = get_user_model().objects.filter(username="ico.officer").first()
    with transaction.atomic():
        posts = ensure_posts()
        bokor = load_bokor_case(posts, actor)
    existing = Case.objects.filter(is_illustrative=True).count()
    counts = {}
    if existing < cases:
        counts = generate(
            cases=cases - existing,
            people=(cases - existing) * 2,
            actor=actor,
            seed=DEMO_SEED + existing,
            start=D(2021, 1, 1),
            filing=case_filing(posts),
            loose_reports=40 if existing == 0 else 0,
        )
    summary = {
        "posts": len(posts),
        "bokor_case": int(bokor is not None),
        "cases_created": counts.get("cases.Case", 0),
        "cases_total": Case.objects.count(),
    }
    audit.record(
        AuditAction.IMPORT,
        actor=None,
        actor_label="liaison demo-data",
        object_type="cases.case",
        object_repr=", ".join(f"{k}: {v}" for k, v in summary.items()),
    )
    return summary
