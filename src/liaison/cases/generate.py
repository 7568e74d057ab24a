"""Illustrative cases generated deterministically, written in bulk (COPY on PostgreSQL,
executemany elsewhere) with the values the services would have computed: search keys,
name keys, passport hashes, due times. It feeds the demo data (cases.demo) and
`liaison bench cases` (cases.bench) at half a million cases."""

from __future__ import annotations

import datetime
import json
import random
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from liaison.personnel.models import Post, PostKind

from . import figures, names, protect
from .choices import (
    ArrestStatus,
    CaseStatus,
    Category,
    Channel,
    EntryKind,
    Exploitation,
    IdentifierKind,
    MeansOfControl,
    NoticeColour,
    NoticeStatus,
    Outcome,
    Platform,
    Priority,
    ProcedureStatus,
    RecruitmentMethod,
    ReportStatus,
    RequestKind,
    ReturnStatus,
    Sex,
    SuspectRole,
    VictimStatus,
)
from .fields import CategoriesField, to_mask
from .models import (
    Case,
    CaseTransition,
    Identifier,
    InterpolNotice,
    PartnerRequest,
    Report,
    Suspect,
    TimelineEntry,
    Victim,
    VictimStatusChange,
)
from .services import targets
from .workflow import REACHED_AT
from .zones import default_zone

S = CaseStatus
V = VictimStatus
D = datetime.date
UTC = datetime.UTC

# --- bulk writing -------------------------------------------------------------------------

_MISSING = object()  # a column every row must give (would fail as NULL)


def _utc_text(value: datetime.datetime) -> str:
    # How Django stores an aware time in SQLite: naive UTC, as text.
    return str(value.astimezone(UTC).replace(tzinfo=None))


class BulkWriter:
    """Rows (dicts of column → value) collected per model and written in batches: COPY on
    PostgreSQL, one executemany INSERT elsewhere. Columns not given take the field's
    default, so a row names only what it knows. Values are converted the way the fields
    would convert them, by a converter chosen once per column (the fields' own
    get_db_prep_save costs more than everything else at a million rows)."""

    def __init__(self, *, now: datetime.datetime):
        self.rows: dict[type[models.Model], list[tuple]] = {}
        self.columns: dict[type[models.Model], list] = {}
        self.specs: dict[type[models.Model], tuple[list, list]] = {}
        self.copy = connection.vendor == "postgresql"
        self.now = now
        self.counts: dict[str, int] = {}

    def _converter(self, f):
        if isinstance(f, CategoriesField):
            return to_mask
        if isinstance(f, models.JSONField):
            return json.dumps
        if self.copy:
            return None  # psycopg takes dates, times and numbers as they are
        if isinstance(f, models.DateTimeField):
            return _utc_text
        if isinstance(f, models.DateField):
            return datetime.date.isoformat
        return None

    def _default(self, f):
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return self.now
        if f.has_default():
            return f.get_default()
        if f.null:
            return None
        if isinstance(f, models.CharField | models.TextField | models.FileField):
            return ""
        raise ValueError(f"{f} needs a value")

    def _setup(self, model):
        # A generated column (Case.priority_rank) is computed by the database, never written.
        fields = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
        pairs, converters = [], []
        for index, f in enumerate(fields):
            convert = self._converter(f)
            try:
                default = self._default(f)
            except ValueError:
                default = _MISSING
            if convert:
                converters.append((index, f.attname, convert))
                if default not in (None, _MISSING):
                    default = convert(default)
            pairs.append((f.attname, default))
        self.columns[model] = fields
        self.specs[model] = (pairs, converters)
        self.rows[model] = []
        return self.specs[model]

    def add(self, model, **row) -> None:
        pairs, converters = self.specs.get(model) or self._setup(model)
        values = [row.get(name, default) for name, default in pairs]
        for index, name, convert in converters:
            if name in row and values[index] is not None:
                values[index] = convert(values[index])
        self.rows[model].append(tuple(values))

    def flush(self, order) -> None:
        for model in order:
            rows = self.rows.get(model)
            if not rows:
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            names = ", ".join(connection.ops.quote_name(f.column) for f in self.columns[model])
            if self.copy:
                with connection.cursor() as cursor:
                    raw = cursor.cursor
                    with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns[model]))
                with connection.cursor() as cursor:
                    # Table and column names come from the models, quoted; values are bound.
                    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
                    cursor.executemany(sql, rows)
            label = model._meta.label
            self.counts[label] = self.counts.get(label, 0) + len(rows)
            rows.clear()


ORDER = [
    Case,
    Report,
    CaseTransition,
    Victim,
    VictimStatusChange,
    Suspect,
    Identifier,
    InterpolNotice,
    PartnerRequest,
    TimelineEntry,
]


def reset_sequences() -> None:
    """After rows written with explicit ids, the next id the database hands out must be
    past them (PostgreSQL sequences; SQLite follows its largest rowid by itself)."""
    sql = connection.ops.sequence_reset_sql(no_style(), ORDER)
    if sql:
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


# --- what a generated case is made of -----------------------------------------------------


def _pairs(text: str) -> list[tuple[str, str]]:
    """ "김 Kim, 이 Lee" → [("김", "Kim"), ("이", "Lee")]: name tables kept readable."""
    return [tuple(item.split()) for item in text.split(",")]


KO_SURNAMES = _pairs(
    "김 Kim, 이 Lee, 박 Park, 최 Choi, 정 Jung, 강 Kang, 조 Cho, 윤 Yoon, 장 Jang, 임 Lim, "
    "한 Han, 오 Oh, 서 Seo, 신 Shin, 권 Kwon, 황 Hwang, 안 Ahn, 송 Song, 류 Ryu, 홍 Hong"
)
KO_SYLLABLES = _pairs(
    "민 min, 준 jun, 서 seo, 연 yeon, 지 ji, 현 hyun, 우 woo, 영 young, 수 soo, 진 jin, 호 ho, "
    "은 eun, 하 ha, 윤 yoon, 재 jae, 성 sung, 동 dong, 혜 hye, 경 kyung, 태 tae, 상 sang, "
    "희 hee, 석 seok, 훈 hoon, 아 a, 유 yu, 나 na, 도 do, 빈 bin, 규 kyu"
)
CN_SURNAMES = _pairs(
    "王 Wang, 李 Li, 张 Zhang, 刘 Liu, 陈 Chen, 杨 Yang, 黄 Huang, 赵 Zhao, 吴 Wu, 周 Zhou, "
    "徐 Xu, 孙 Sun"
)
CN_SYLLABLES = _pairs(
    "伟 wei, 强 qiang, 磊 lei, 军 jun, 勇 yong, 杰 jie, 涛 tao, 明 ming, 超 chao, 华 hua, 平 ping, "
    "飞 fei"
)
LOCAL_NAMES = {
    "KH": (["Sok", "Chea", "Heng", "Meas", "Pich", "Sam", "Keo", "Chan"],
           ["Dara", "Vannak", "Sokha", "Rithy", "Sophal", "Bora", "Vuthy", "Piseth"]),
    "TH": (["Somchai", "Anan", "Kittisak", "Prasert", "Wichai", "Niran"],
           ["Srisuk", "Wongsa", "Chaiyaporn", "Boonmee", "Rattana", "Thongdee"]),
    "VN": (["Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu"],
           ["Van Hung", "Minh Tuan", "Duc Anh", "Quoc Bao", "Van Nam", "Thanh Son"]),
    "PH": (["Juan", "Jose", "Mark", "Ramon", "Paolo", "Arnel"],
           ["Santos", "Reyes", "Cruz", "Bautista", "Garcia", "Mendoza"]),
    "MM": (["Aung", "Kyaw", "Min", "Zaw", "Htet", "Thura"],
           ["Naing", "Soe", "Oo", "Lwin", "Htun", "Win"]),
    "LA": (["Bounmy", "Khamphone", "Somphone", "Vilay", "Souk", "Phout"],
           ["Phommachanh", "Sisavath", "Vongsa", "Keomany", "Inthavong", "Chanthala"]),
    "JP": (["Tanaka", "Suzuki", "Sato", "Takahashi", "Watanabe", "Ito"],
           ["Hiroshi", "Takeshi", "Kenji", "Yuki", "Daisuke", "Sho"]),
}  # fmt: skip
# country: (weight, places: (province, city, latitude, longitude), phone prefix)
COUNTRIES = {
    "KH": (35, [("Preah Sihanouk", "Sihanoukville", 10.627, 103.522),
                ("Phnom Penh", "Phnom Penh", 11.556, 104.928),
                ("Svay Rieng", "Bavet", 11.066, 106.131),
                ("Kampot", "Kampot", 10.610, 104.181),
                ("Oddar Meanchey", "O'Smach", 14.425, 103.632),
                ("Siem Reap", "Siem Reap", 13.362, 103.860)], "+855"),
    "PH": (18, [("Metro Manila", "Manila", 14.599, 120.984),
                ("Metro Manila", "Pasay", 14.538, 121.000),
                ("Pampanga", "Angeles", 15.145, 120.588),
                ("Cebu", "Cebu City", 10.316, 123.885),
                ("Tarlac", "Bamban", 15.274, 120.567)], "+63"),
    "TH": (12, [("Bangkok", "Bangkok", 13.756, 100.501),
                ("Tak", "Mae Sot", 16.713, 98.574),
                ("Chon Buri", "Pattaya", 12.927, 100.877),
                ("Chiang Rai", "Chiang Saen", 20.275, 100.085)], "+66"),
    "VN": (10, [("Ho Chi Minh City", "Ho Chi Minh City", 10.823, 106.630),
                ("Hanoi", "Hanoi", 21.028, 105.834),
                ("Da Nang", "Da Nang", 16.054, 108.202)], "+84"),
    "LA": (7, [("Bokeo", "Ton Pheung", 20.352, 100.085),
               ("Vientiane Prefecture", "Vientiane", 17.975, 102.633)], "+856"),
    "MM": (7, [("Kayin", "Myawaddy", 16.688, 98.508),
               ("Shan", "Tachileik", 20.449, 99.881),
               ("Yangon", "Yangon", 16.840, 96.173)], "+95"),
    "CN": (6, [("Guangdong", "Guangzhou", 23.129, 113.264),
               ("Yunnan", "Kunming", 25.038, 102.718),
               ("Liaoning", "Shenyang", 41.805, 123.431)], "+86"),
    "JP": (5, [("Tokyo", "Tokyo", 35.676, 139.650),
               ("Osaka", "Osaka", 34.694, 135.502),
               ("Fukuoka", "Fukuoka", 33.590, 130.402)], "+81"),
}  # fmt: skip
C = Category
# Categories by country: scam compounds in the Mekong region, fraud and drugs elsewhere.
CATEGORY_SETS = {
    "compound": [[C.EMPLOYMENT_SCAM, C.CONFINEMENT], [C.EMPLOYMENT_SCAM, C.CONFINEMENT, C.ASSAULT],
                 [C.KIDNAPPING, C.CONFINEMENT], [C.MISSING], [C.ONLINE_FRAUD],
                 [C.EMPLOYMENT_SCAM, C.CONFINEMENT, C.ONLINE_FRAUD], [C.HOMICIDE],
                 [C.ASSAULT], [C.DRUGS], [C.OTHER]],
    "other": [[C.ONLINE_FRAUD], [C.ASSAULT], [C.DRUGS], [C.MISSING], [C.KIDNAPPING],
              [C.HOMICIDE], [C.OTHER], [C.EMPLOYMENT_SCAM]],
}  # fmt: skip
COMPOUND_COUNTRIES = {"KH", "MM", "LA", "PH", "TH"}
# Per cent of cases in each status. A case is worked for weeks or months and then closed,
# so over years of records about one in seven is still open (and the open ones are recent).
STATUS_WEIGHTS = {
    S.RECEIVED: 1, S.TRIAGED: 1.5, S.RESCUE_REQUESTED: 1.5, S.RESCUED: 1, S.INVESTIGATION: 4,
    S.SUSPECTS_IDENTIFIED: 2.5, S.ARREST: 1.5, S.EXTRADITION_REQUESTED: 1.2, S.SURRENDERED: 0.8,
    S.CLOSED: 85,
}  # fmt: skip
# Hours from one step to the next: (least, most).
STEP_HOURS = {
    S.TRIAGED: (0.2, 30), S.RESCUE_REQUESTED: (2, 96), S.RESCUED: (24, 720),
    S.INVESTIGATION: (24, 480), S.SUSPECTS_IDENTIFIED: (120, 2160), S.ARREST: (120, 2880),
    S.EXTRADITION_REQUESTED: (240, 2160), S.SURRENDERED: (720, 7200), S.CLOSED: (24, 2880),
}  # fmt: skip
JOBS = ["customer service, high salary", "casino marketing", "IT developer", "translator",
        "crypto trading assistant", "call centre supervisor"]  # fmt: skip
NARRATIVES = {
    C.EMPLOYMENT_SCAM: "{name} left for {city} after a job offer for '{job}' seen on {platform}; "
    "the family has not heard from {name} since.",
    C.CONFINEMENT: "{name} sent a message saying they are held in a guarded compound in {city} "
    "and forced to run online scams; the passport was taken.",
    C.KIDNAPPING: "{name} was taken from a hotel in {city}; the captors demand {amount} USD.",
    C.ASSAULT: "{name} was beaten by guards in {city} after trying to leave.",
    C.HOMICIDE: "{name} was found dead near {city}; the local police suspect foul play.",
    C.ONLINE_FRAUD: "{name} lost {amount} USD to an investment scam run from {city}.",
    C.DRUGS: "{name} was arrested in {city} on drug charges; the family asks for help.",
    C.MISSING: "{name} has not answered calls since arriving in {city}.",
    C.OTHER: "{name} asks for help after an incident in {city}.",
}
RELATIONS = ["mother", "father", "sister", "brother", "friend", "spouse", "employer"]
CHANNELS = [*[Channel.FAMILY] * 5, Channel.VICTIM, Channel.EMBASSY, Channel.EMBASSY,
            Channel.HOTLINE, Channel.PARTNER_POLICE, Channel.NGO]  # fmt: skip
ID_KINDS = [IdentifierKind.PHONE, IdentifierKind.TELEGRAM, IdentifierKind.WECHAT,
            IdentifierKind.BANK_ACCOUNT, IdentifierKind.CRYPTO_WALLET, IdentifierKind.KAKAOTALK,
            IdentifierKind.LINE]  # fmt: skip
ROLES = [SuspectRole.RECRUITER, SuspectRole.MANAGER, SuspectRole.GUARD, SuspectRole.KIDNAPPER,
         SuspectRole.MONEY_HANDLER, SuspectRole.BROKER, SuspectRole.TRANSPORTER]  # fmt: skip
RESCUE = {C.KIDNAPPING, C.CONFINEMENT, C.MISSING}
WAITING = (V.MISSING, V.LOCATED, V.CONFINED)
CHAIN = [S.TRIAGED, S.RESCUE_REQUESTED, S.RESCUED, S.INVESTIGATION, S.SUSPECTS_IDENTIFIED,
         S.ARREST, S.EXTRADITION_REQUESTED, S.SURRENDERED]  # fmt: skip


@dataclass
class Context:
    """What every generated case refers to: partners, posts, agreements, the actor."""

    actor_id: int | None
    partners: dict[str, int | None]
    posts: dict[str, list[tuple[datetime.date, int]]]
    agreements: dict[int, list[tuple[datetime.date, datetime.date | None, int]]]
    hours: dict
    now: datetime.datetime
    start: datetime.datetime
    ids: dict = field(default_factory=dict)


def build_context(*, actor, start: datetime.date) -> Context:
    from liaison.agreements.choices import AgreementStatus as A
    from liaison.agreements.models import Agreement
    from liaison.demo.cases import JTF_OPENED, POSTS, _partner  # the posts are demo facts

    partners = {code: getattr(_partner(code), "pk", None) for code in COUNTRIES}
    found = {p.name_en: p for p in Post.objects.all()}
    posts: dict[str, list[tuple[datetime.date, int]]] = {}
    for kind, name_en, *_rest in POSTS:
        post = found.get(name_en)
        if post is not None:
            since = JTF_OPENED if kind == PostKind.JOINT_TASK_FORCE else D(1990, 1, 1)
            posts.setdefault(post.country_id, []).append((since, post.pk))
    in_force = [A.SIGNED, A.ACTIVE, A.EXPIRED, A.TERMINATION_RECOMMENDED, A.TERMINATED]
    agreements: dict[int, list] = {}
    for a in Agreement.objects.filter(status__in=in_force, signed_on__isnull=False):
        agreements.setdefault(a.counterpart_id, []).append((a.signed_on, a.ended_on, a.pk))
    now = timezone.now().replace(microsecond=0)
    return Context(
        actor_id=getattr(actor, "pk", None),
        partners=partners,
        posts={k: sorted(v, reverse=True) for k, v in posts.items()},
        agreements=agreements,
        hours=targets.hours_table(),
        now=now,
        start=timezone.make_aware(datetime.datetime.combine(start, datetime.time(9))),
    )


class CaseGenerator:
    """Deterministic illustrative cases (seeded), each consistent with the lifecycle: the
    reports they came from, victims with their status history, suspects with identifiers,
    notices, requests, transitions and timeline entries, timestamps in order."""

    def __init__(self, ctx: Context, writer: BulkWriter, *, seed: int, people_per_case: float):
        self.ctx = ctx
        self.w = writer
        self.rng = random.Random(seed)  # noqa: S311 — demo data, not secrets
        self.people = people_per_case
        self.ids = {m: self._max_id(m) for m in ORDER}
        self.keys_cache: dict[str, list[str]] = {}
        self.zone = timezone.get_current_timezone()
        self.labels: dict[tuple, str] = {}
        self.countries = list(COUNTRIES)
        self.weights = [COUNTRIES[c][0] for c in self.countries]
        self.zones = {c: default_zone(c) for c in COUNTRIES}
        self.statuses = list(STATUS_WEIGHTS)
        self.status_weights = list(STATUS_WEIGHTS.values())

    def label(self, choices, value: str) -> str:
        """A choice's label in the active language, translated once per run."""
        key = (choices, value)
        found = self.labels.get(key)
        if found is None:
            found = self.labels[key] = str(choices(value).label)
        return found

    @staticmethod
    def _max_id(model) -> int:
        return model.objects.aggregate(m=models.Max("pk"))["m"] or 0

    def _id(self, model) -> int:
        self.ids[model] += 1
        return self.ids[model]

    def _keys(self, *parts: str) -> str:
        """names.name_keys(*parts), from a cache per name: name_keys joins the keys of each
        name in turn, dropping repeats, and so does this."""
        keys: list[str] = []
        for part in parts:
            found = self.keys_cache.get(part)
            if found is None:
                found = self.keys_cache[part] = names.name_keys(part).split()
            keys += [k for k in found if k not in keys]
        return " ".join(keys)

    # people

    def korean_name(self) -> tuple[str, str]:
        r = self.rng
        ko_s, la_s = r.choice(KO_SURNAMES)
        (k1, l1), (k2, l2) = r.choice(KO_SYLLABLES), r.choice(KO_SYLLABLES)
        style = r.random()
        if style < 0.5:
            latin = f"{la_s.upper()} {(l1 + l2).capitalize()}"
        elif style < 0.8:
            latin = f"{la_s} {l1.capitalize()}-{l2}"
        else:
            latin = f"{(l1 + l2).capitalize()} {la_s}"
        return ko_s + k1 + k2, latin

    def chinese_name(self) -> tuple[str, str]:
        r = self.rng
        (hs, ls), (h1, l1) = r.choice(CN_SURNAMES), r.choice(CN_SYLLABLES)
        if r.random() < 0.5:
            h2, l2 = r.choice(CN_SYLLABLES)
            return hs + h1 + h2, f"{ls} {(l1 + l2).capitalize()}"
        return hs + h1, f"{ls} {l1.capitalize()}"

    def phone(self, prefix: str) -> str:
        r = self.rng
        if prefix == "+82":
            return f"+82 10-{r.randrange(1000, 10000)}-{r.randrange(1000, 10000)}"
        return (
            f"{prefix} {r.randrange(10, 100)} {r.randrange(100, 1000)} {r.randrange(1000, 10000)}"
        )

    def identifier(self, kind: str, prefix: str) -> str:
        r = self.rng
        if kind == IdentifierKind.PHONE:
            return self.phone(prefix)
        if kind == IdentifierKind.BANK_ACCOUNT:
            return f"{r.randrange(100, 1000)}-{r.randrange(10**6, 10**7)}-{r.randrange(10, 100)}"
        if kind == IdentifierKind.CRYPTO_WALLET:
            return "T" + "".join(r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ123456789") for _ in range(33))
        stem = r.choice(["boss", "hr", "jobs", "manager", "vip", "agent", "team", "king"])
        return f"@{stem}_{r.randrange(100, 100000)}"

    # one case

    def _path(self, status: str, cats: list[str]) -> list[str]:
        rescue = bool(RESCUE & set(cats))
        chain = [s for s in CHAIN if rescue or s not in (S.RESCUE_REQUESTED, S.RESCUED)]
        if status == S.RECEIVED:
            return []
        if status != S.CLOSED:
            return chain[: chain.index(status) + 1]
        return [*chain[: self.rng.randrange(len(chain) + 1)], S.CLOSED]

    def _times(self, path: list[str], status: str) -> tuple[datetime.datetime, list]:
        r, ctx = self.rng, self.ctx
        offsets, total = [], 0.0
        for step in path:
            low, high = STEP_HOURS[step]
            total += r.uniform(low, high)
            offsets.append(total)
        span = (ctx.now - ctx.start).total_seconds() / 3600 - total
        if status in (S.RECEIVED, S.TRIAGED):
            back = r.uniform(0.3, 24 * 10)
        elif status != S.CLOSED:
            back = r.uniform(1, 24 * 240)
        else:
            back = r.uniform(1, max(span, 2))
        back = min(back, max(span, 1))
        first = ctx.now - datetime.timedelta(hours=total + back)
        first = first.replace(microsecond=0)
        return first, [first + datetime.timedelta(hours=h) for h in offsets]

    def case(self) -> int:
        r, ctx, w = self.rng, self.ctx, self.w
        country = r.choices(self.countries, self.weights)[0]
        _w, places, prefix = COUNTRIES[country]
        province, city, lat, lon = r.choice(places)
        sets = CATEGORY_SETS["compound" if country in COMPOUND_COUNTRIES else "other"]
        cats = list(r.choice(sets))
        status = r.choices(self.statuses, self.status_weights)[0]
        if status in (S.RESCUE_REQUESTED, S.RESCUED):
            if C.HOMICIDE in cats:
                status = S.INVESTIGATION  # no rescue for the dead
            elif not RESCUE & set(cats):
                cats.append(C.CONFINEMENT)
        path = self._path(status, cats)
        first, times = self._times(path, status)
        reached = dict(zip(path, times, strict=True))
        homicide = C.HOMICIDE in cats
        urgent = bool(RESCUE & set(cats)) or homicide
        priority = (
            Priority.URGENT
            if urgent and r.random() < 0.7
            else (r.choice([Priority.HIGH, Priority.NORMAL, Priority.NORMAL, Priority.LOW]))
        )
        case_id = self._id(Case)
        year = first.astimezone(self.zone).year
        reference = f"C-{year}-{case_id:06d}"
        partner = ctx.partners.get(country) if path else None
        agreement = self._agreement(partner, first.date())
        post = next((pk for since, pk in ctx.posts.get(country, []) if first.date() >= since), None)
        happened = first - datetime.timedelta(hours=r.uniform(1, 240))
        place = r.choice(
            [
                "a guarded compound",
                "a casino hotel",
                "an apartment block",
                "an office tower",
                "a rented villa",
                "a karaoke bar",
            ]
        )
        people = self.rng.randint(1, max(1, round(self.people * 2) - 1))
        n_victims = 1 + (people >= 3 and r.random() < 0.5)
        n_suspects = max(people - n_victims, 1 if S.SUSPECTS_IDENTIFIED in reached else 0)
        victims = [self.victim(case_id, first, reached, cats) for _ in range(n_victims)]
        suspects = [
            self.suspect(case_id, country, prefix, reached, first, leading=(i == 0))
            for i in range(n_suspects)
        ]
        keys = [reference.lower()]
        for v in victims:
            keys += [v["name_keys"], v["phone_key"]]
        for s in suspects:
            keys += [s["name_keys"], *s["_identifier_keys"]]
        keys.append(self._keys(city, province, place))
        closed = S.CLOSED in reached
        outcome = self._outcome(path, homicide) if closed else ""
        waiting = any(v["status"] in WAITING for v in victims) or S.RESCUE_REQUESTED in reached
        due = targets.due_times(
            SimpleNamespace(pk=None, categories=cats, priority=priority, first_reported_at=first),
            ctx.hours,
        )
        if due["rescue_request_due_at"] is None and waiting:
            hours = ctx.hours[(priority, "rescue_request")]
            due["rescue_request_due_at"] = first + datetime.timedelta(hours=hours)
        main = NARRATIVES[cats[0]]
        title = f"{self.label(Category, cats[0])} — {city}"
        w.add(
            Case,
            id=case_id,
            reference=reference,
            title=str(title)[:200],
            summary="Illustrative case (generated demo data).",
            categories=cats,
            priority=priority,
            status=path[-1] if path else S.RECEIVED,
            outcome=outcome,
            outcome_note="Illustrative outcome." if closed else "",
            happened_at=happened,
            first_reported_at=first,
            post_id=post,
            agreement_id=agreement,
            partner_body_id=partner,
            country_id=country,
            province=province,
            city=city,
            place=place,
            latitude=round(lat + r.uniform(-0.05, 0.05), 5),
            longitude=round(lon + r.uniform(-0.05, 0.05), 5),
            place_time_zone=self.zones[country],
            **{REACHED_AT[s]: t for s, t in reached.items()},
            acknowledge_due_at=due["acknowledge_due_at"],
            rescue_request_due_at=due["rescue_request_due_at"],
            search_keys=" ".join(k for k in keys if k),
            created_by_id=ctx.actor_id,
            version=1 + len(path),
            is_illustrative=True,
            created_at=first,
            updated_at=times[-1] if times else first,
        )
        lead = victims[0]
        self.report(
            case_id, country, province, city, place, first, happened, cats, urgent, lead, main, post
        )
        self.transitions(case_id, first, path, times, outcome)
        self.requests(case_id, partner, reached)
        self.notices(case_id, victims, suspects, reached)
        return case_id

    def _agreement(self, partner: int | None, on: datetime.date) -> int | None:
        """Only an agreement in force on the day of the report: never one signed later."""
        for signed, ended, pk in self.ctx.agreements.get(partner, []):
            if signed <= on and (ended is None or on <= ended):
                return pk
        return None

    def _outcome(self, path: list[str], homicide: bool) -> str:
        if homicide:
            return Outcome.VICTIM_DECEASED
        done = set(path)
        if S.SURRENDERED in done:
            return Outcome.SURRENDERED_HOME
        if S.ARREST in done:
            return Outcome.PROSECUTED_ABROAD
        if S.RESCUED in done:
            return Outcome.VICTIM_SAFE
        if len(path) == 1:
            return self.rng.choice([Outcome.NO_CRIME, Outcome.DUPLICATE, Outcome.REFERRED])
        return self.rng.choice([Outcome.UNRESOLVED, Outcome.NO_CRIME, Outcome.REFERRED])

    def victim(self, case_id, first, reached, cats) -> dict:
        r, w = self.rng, self.w
        homicide = C.HOMICIDE in cats
        scam = bool({C.EMPLOYMENT_SCAM, C.CONFINEMENT, C.KIDNAPPING} & set(cats))
        ko, latin = self.korean_name()
        victim_id = self._id(Victim)
        # The victim's status walk: missing at the report, then as far as the case went.
        walk = [(V.MISSING, first)]
        if homicide:
            walk.append((V.DECEASED, reached.get(S.TRIAGED, first)))
        elif S.RESCUED in reached:
            walk.append((V.CONFINED, reached[S.RESCUE_REQUESTED] - datetime.timedelta(hours=1)))
            walk.append((V.RESCUED, reached[S.RESCUED]))
            if S.INVESTIGATION in reached and r.random() < 0.7:
                walk.append((V.REPATRIATED, reached[S.INVESTIGATION]))
        elif S.RESCUE_REQUESTED in reached:
            walk.append((r.choice([V.LOCATED, V.CONFINED]), reached[S.RESCUE_REQUESTED]))
        elif S.TRIAGED in reached and r.random() < 0.6:
            walk.append((V.LOCATED, reached[S.TRIAGED]))
        status, since = walk[-1]
        number = f"M{r.randrange(10**7, 10**8)}" if r.random() < 0.7 else ""
        phone = self.phone("+82")
        consent = r.random() < 0.6
        row = {
            "id": victim_id,
            "case_id": case_id,
            "name_ko": ko,
            "name_latin": latin,
            "sex": r.choice([Sex.MASCULINE, Sex.MASCULINE, Sex.FEMININE]),
            "date_of_birth": D(first.year - r.randint(19, 45), r.randint(1, 12), r.randint(1, 28)),
            "name_keys": self._keys(ko, latin),
            "phone": phone,
            "phone_key": names.identifier_key("phone", phone),
            "status": status,
            "status_since": since,
            "consent_to_data_handling": consent,
            "consent_recorded_at": first if consent else None,
            **(self.htcds_context() if scam else {}),
            **(self.remains(walk[1][1], reached) if homicide else {}),
            "version": len(walk),
            "is_illustrative": True,
            "created_at": first,
            "updated_at": since,
        }
        if number:
            row.update(
                passport_ciphertext=protect.encrypt(number),
                passport_hash=protect.blind_index(number),
                passport_last2=number[-2:],
            )
        w.add(Victim, **row)
        previous = ""
        for to_status, at in walk:
            w.add(
                VictimStatusChange,
                id=self._id(VictimStatusChange),
                victim_id=victim_id,
                from_status=previous,
                to_status=to_status,
                at=at,
                actor_id=self.ctx.actor_id,
            )
            if previous:
                self.entry(
                    case_id,
                    EntryKind.VICTIM_STATUS,
                    at,
                    f"{ko} ({latin}): {self.label(V, previous)} → {self.label(V, to_status)}",
                )
            previous = to_status
        return row

    @staticmethod
    def remains(died: datetime.datetime, reached: dict) -> dict:
        """A deceased victim: the joint autopsy once the investigation is open, the remains
        repatriated by the time the case is closed."""
        closed = reached.get(S.CLOSED)
        return {
            "died_on": died.date(),
            "autopsy_status": ProcedureStatus.DONE
            if S.INVESTIGATION in reached
            else ProcedureStatus.AGREED,
            "remains_status": ProcedureStatus.DONE if closed else ProcedureStatus.REQUESTED,
            "remains_repatriated_on": closed.date() if closed else None,
        }

    def htcds_context(self) -> dict:
        """How a victim of a scam compound was recruited and held (HTCDS v2 codes)."""
        r = self.rng
        return {
            "recruitment_methods": [r.choice([RecruitmentMethod.ONLINE_ADVERTISEMENT,
                                              RecruitmentMethod.ONLINE_SOCIAL_NETWORKS,
                                              RecruitmentMethod.FRIENDS])],
            "recruitment_platforms": [r.choice([Platform.TELEGRAM, Platform.KAKAOTALK,
                                                Platform.FACEBOOK, Platform.JOB_SITE])],
            "means_of_control": r.sample([MeansOfControl.CONFINEMENT,
                                          MeansOfControl.WITHHOLDS_DOCUMENTS,
                                          MeansOfControl.PHYSICAL_ABUSE,
                                          MeansOfControl.DEBT_BONDAGE,
                                          MeansOfControl.THREATENS_FAMILY], k=r.randint(1, 3)),
            "exploitation_types": [r.choice([Exploitation.FORCED_CRIMINALITY,
                                             Exploitation.FORCED_LABOUR])],
        }  # fmt: skip

    def suspect(self, case_id, country, prefix, reached, first, *, leading: bool) -> dict:
        r, w = self.rng, self.w
        suspect_id = self._id(Suspect)
        nationality = r.choices(["CN", "KR", country, "VN"], [40, 25, 30, 5])[0]
        local = ""
        if nationality == "CN":
            local, latin = self.chinese_name()
            ko = ""
        elif nationality == "KR":
            ko, latin = self.korean_name()
        else:
            firsts, seconds = LOCAL_NAMES.get(nationality, LOCAL_NAMES["KH"])
            ko, latin = "", f"{r.choice(firsts)} {r.choice(seconds)}"
        arrest, arrested_on, ret = ArrestStatus.AT_LARGE, None, ""
        requested_on = surrendered_on = None
        if leading and S.ARREST in reached:
            arrest, arrested_on = ArrestStatus.ARRESTED, reached[S.ARREST].date()
        elif S.SUSPECTS_IDENTIFIED in reached and r.random() < 0.3:
            arrest = ArrestStatus.LOCATED
        if leading and S.EXTRADITION_REQUESTED in reached:
            ret = (
                ReturnStatus.EXTRADITION_REQUESTED
                if nationality == "KR"
                else ReturnStatus.DEPORTATION_REQUESTED
            )
            requested_on = reached[S.EXTRADITION_REQUESTED].date()
        if leading and S.SURRENDERED in reached:
            ret, surrendered_on = ReturnStatus.SURRENDERED, reached[S.SURRENDERED].date()
        kinds = r.sample(ID_KINDS, k=r.randint(1, 3))
        ident_keys = []
        # In the order the search column lists them (Identifier.Meta.ordering).
        for kind, value in sorted((k, self.identifier(k, prefix)) for k in kinds):
            key = names.identifier_key(kind, value)
            ident_keys.append(key)
            w.add(
                Identifier,
                id=self._id(Identifier),
                suspect_id=suspect_id,
                kind=kind,
                value=value,
                key=key,
            )
        keys = self._keys(ko, latin, local)[:400]
        row = {
            "id": suspect_id,
            "case_id": case_id,
            "name_ko": ko,
            "name_latin": latin,
            "name_local": local,
            "sex": r.choice([Sex.MASCULINE, Sex.MASCULINE, Sex.MASCULINE, Sex.FEMININE]),
            "nationality_id": nationality,
            "roles": r.sample(ROLES, k=r.randint(1, 2)),
            "arrest_status": arrest,
            "arrested_on": arrested_on,
            "return_status": ret,
            "return_requested_on": requested_on,
            "surrendered_on": surrendered_on,
            "name_keys": keys,
            "is_illustrative": True,
            "created_at": first,
            "updated_at": first,
        }
        if r.random() < 0.15:
            number = f"E{r.randrange(10**7, 10**8)}"
            row.update(
                passport_ciphertext=protect.encrypt(number),
                passport_hash=protect.blind_index(number),
                passport_last2=number[-2:],
            )
        w.add(Suspect, **row)
        row["_identifier_keys"] = ident_keys
        return row

    def report(
        self,
        case_id,
        country,
        province,
        city,
        place,
        first,
        happened,
        cats,
        urgent,
        lead,
        text,
        post,
        *,
        status=ReportStatus.ATTACHED,
    ) -> int:
        r, w = self.rng, self.w
        report_id = self._id(Report)
        ref = f"R-{first.astimezone(self.zone).year}-{report_id:06d}"
        _reporter_ko, reporter_latin = self.korean_name()
        channel = r.choice(CHANNELS)
        narrative = text.format(
            name=lead["name_ko"], city=city, job=r.choice(JOBS),
            platform=r.choice(["Telegram", "KakaoTalk", "Facebook", "a job site"]),
            amount=f"{r.randrange(5, 60) * 1000:,}",
        )  # fmt: skip
        w.add(
            Report,
            id=report_id,
            reference=ref,
            channel=channel,
            received_at=first,
            happened_at=happened,
            reporter_name=reporter_latin,
            reporter_relation=r.choice(RELATIONS),
            reporter_contact=self.phone("+82"),
            country_id=country,
            province=province,
            city=city,
            place=place,
            place_time_zone=self.zones[country],
            categories=cats,
            narrative=narrative,
            life_at_risk=urgent,
            person_name=lead["name_ko"],
            person_name_latin=lead["name_latin"],
            person_phone=lead["phone"],
            person_phone_key=lead["phone_key"],
            person_date_of_birth=lead["date_of_birth"],
            person_name_keys=lead["name_keys"],
            passport_ciphertext=lead.get("passport_ciphertext", ""),
            passport_hash=lead.get("passport_hash", ""),
            passport_last2=lead.get("passport_last2", ""),
            status=status,
            case_id=case_id,
            dismissed_reason="Illustrative: not a case for the office."
            if status == ReportStatus.DISMISSED
            else "",
            post_id=post,
            recorded_by_id=self.ctx.actor_id,
            is_illustrative=True,
            created_at=first,
            updated_at=first,
        )
        if case_id:
            self.entry(
                case_id,
                EntryKind.REPORT_ATTACHED,
                first,
                f"Report {ref} ({self.label(Channel, channel)}): {narrative}",
            )
        return report_id

    def loose_report(self, status: str) -> None:
        """A report not (yet) made a case: new ones of the last days, dismissed ones."""
        r, ctx = self.rng, self.ctx
        country = r.choices(self.countries, self.weights)[0]
        _w, places, _prefix = COUNTRIES[country]
        province, city, _lat, _lon = r.choice(places)
        back = r.uniform(0.2, 72) if status == ReportStatus.NEW else r.uniform(24, 24 * 900)
        first = (ctx.now - datetime.timedelta(hours=back)).replace(microsecond=0)
        ko, latin = self.korean_name()
        phone = self.phone("+82")
        lead = {
            "name_ko": ko,
            "name_latin": latin,
            "phone": phone,
            "phone_key": names.identifier_key("phone", phone),
            "date_of_birth": None,
            "name_keys": self._keys(ko, latin),
        }
        cats = [C.MISSING] if r.random() < 0.5 else [C.ONLINE_FRAUD]
        post = next((pk for since, pk in ctx.posts.get(country, []) if first.date() >= since), None)
        self.report(
            None,
            country,
            province,
            city,
            "",
            first,
            first,
            cats,
            False,
            lead,
            NARRATIVES[cats[0]],
            post,
            status=status,
        )

    def transitions(self, case_id, first, path, times, outcome) -> None:
        previous = S.RECEIVED
        for to_status, at in zip(path, times, strict=True):
            self.w.add(
                CaseTransition,
                id=self._id(CaseTransition),
                case_id=case_id,
                from_status=previous,
                to_status=to_status,
                actor_id=self.ctx.actor_id,
                at=at,
                reason="Illustrative outcome." if to_status == S.CLOSED else "",
            )
            self.entry(
                case_id,
                EntryKind.STATUS,
                at,
                f"{self.label(S, previous)} → {self.label(S, to_status)}",
            )
            previous = to_status

    def requests(self, case_id, partner, reached) -> None:
        if partner is None:
            return
        for step, kind, answered_by in (
            (S.RESCUE_REQUESTED, RequestKind.RESCUE, S.RESCUED),
            (S.EXTRADITION_REQUESTED, RequestKind.EXTRADITION, S.SURRENDERED),
        ):
            if step in reached:
                answered = reached.get(answered_by)
                self.w.add(
                    PartnerRequest,
                    id=self._id(PartnerRequest),
                    case_id=case_id,
                    kind=kind,
                    partner_body_id=partner,
                    subject=f"{self.label(RequestKind, kind)} request",
                    sent_at=reached[step],
                    sent_by_id=self.ctx.actor_id,
                    answered_at=answered,
                    answer="Done." if answered else "",
                    created_at=reached[step],
                    updated_at=answered or reached[step],
                )
                self.entry(
                    case_id, EntryKind.REQUEST_SENT, reached[step], self.label(RequestKind, kind)
                )

    def notices(self, case_id, victims, suspects, reached) -> None:
        r, today = self.rng, self.ctx.now.date()
        if S.EXTRADITION_REQUESTED in reached and suspects and r.random() < 0.6:
            asked = reached[S.EXTRADITION_REQUESTED].date() - datetime.timedelta(days=3)
            issued = asked + datetime.timedelta(days=r.randint(10, 60))
            self.w.add(
                InterpolNotice,
                id=self._id(InterpolNotice),
                case_id=case_id,
                suspect_id=suspects[0]["id"],
                colour=NoticeColour.RED,
                status=NoticeStatus.ISSUED if issued <= today else NoticeStatus.REQUESTED,
                requested_on=asked,
                issued_on=issued if issued <= today else None,
            )
        if S.RESCUE_REQUESTED in reached and victims[0]["status"] in WAITING and r.random() < 0.3:
            self.w.add(
                InterpolNotice,
                id=self._id(InterpolNotice),
                case_id=case_id,
                victim_id=victims[0]["id"],
                colour=NoticeColour.YELLOW,
                status=NoticeStatus.REQUESTED,
                requested_on=reached[S.RESCUE_REQUESTED].date(),
            )

    def entry(self, case_id, kind, at, body) -> None:
        self.w.add(
            TimelineEntry,
            id=self._id(TimelineEntry),
            case_id=case_id,
            kind=kind,
            at=at,
            author_id=self.ctx.actor_id,
            body=body,
            recorded_at=at,
            is_illustrative=True,
        )


def generate(
    *,
    cases: int,
    people: int,
    actor,
    seed: int,
    start: datetime.date,
    loose_reports: int = 0,
    chunk: int = 2000,
    progress=None,
) -> dict[str, int]:
    """Writes `cases` illustrative cases with about `people` victims and suspects in all,
    committing every `chunk` cases; returns the rows written per model."""
    ctx = build_context(actor=actor, start=start)
    writer = BulkWriter(now=ctx.now)
    generator = CaseGenerator(ctx, writer, seed=seed, people_per_case=people / max(cases, 1))
    done = 0
    while done < cases:
        with transaction.atomic():
            for _ in range(min(chunk, cases - done)):
                generator.case()
            writer.flush(ORDER)
        done = min(done + chunk, cases)
        if progress:
            progress(done)
    with transaction.atomic():
        for index in range(loose_reports):
            generator.loose_report(ReportStatus.NEW if index % 2 == 0 else ReportStatus.DISMISSED)
        writer.flush(ORDER)
    reset_sequences()
    figures.rebuild()  # the rows went in past the services that keep the counts
    return writer.counts
