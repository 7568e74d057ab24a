"""One generated case: the report it came from, its transitions through the lifecycle,
its victims and suspects, the requests to the partner and the notices; and generate(),
which writes a run of them."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from types import SimpleNamespace

from django.db import transaction

from liaison.cases import figures
from liaison.cases.choices import (
    CaseStatus,
    Category,
    EntryKind,
    NoticeColour,
    NoticeStatus,
    Outcome,
    Priority,
    ReportStatus,
    RequestKind,
)
from liaison.cases.models import Case, CaseTransition, InterpolNotice, PartnerRequest
from liaison.cases.services import targets
from liaison.cases.workflow import REACHED_AT
from liaison.core.models import User

from .context import Context, Filing, build_context
from .people import People, Reached
from .reports import Reports
from .rows import Rows
from .tables import (
    CATEGORY_SETS,
    CHAIN,
    COMPOUND_COUNTRIES,
    COUNTRIES,
    COUNTRY_CODES,
    COUNTRY_WEIGHTS,
    NARRATIVES,
    RESCUE,
    STATUS_WEIGHTS,
    STEP_HOURS,
    WAITING,
)
from .writer import ORDER, BulkWriter, reset_sequences

S = CaseStatus
C = Category


class CaseGenerator:
    """Deterministic illustrative cases (seeded), each consistent with the lifecycle: the
    reports they came from, victims with their status history, suspects with identifiers,
    notices, requests, transitions and timeline entries, timestamps in order."""

    def __init__(self, ctx: Context, rows: Rows, *, seed: int, people_per_case: float):
        self.ctx = ctx
        self.rows = rows
        self.rng = random.Random(seed)  # noqa: S311 — demo data, not secrets  # nosec B311
        self.people = People(self.rng, rows)
        self.reports = Reports(ctx, self.rng, rows, self.people)
        self.people_per_case = people_per_case
        self.statuses = list(STATUS_WEIGHTS)
        self.status_weights = list(STATUS_WEIGHTS.values())

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
        r, ctx, rows = self.rng, self.ctx, self.rows
        country = r.choices(COUNTRY_CODES, COUNTRY_WEIGHTS)[0]
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
        case_id = self.rows.next_id(Case)
        year = first.astimezone(ctx.zone).year
        reference = f"C-{year}-{case_id:06d}"
        partner = ctx.partners.get(country) if path else None
        agreement = self._agreement(partner, first.date())
        post = ctx.post_on(country, first.date())
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
        people = self.rng.randint(1, max(1, round(self.people_per_case * 2) - 1))
        n_victims = 1 + (people >= 3 and r.random() < 0.5)
        n_suspects = max(people - n_victims, 1 if S.SUSPECTS_IDENTIFIED in reached else 0)
        victims = [self.people.victim(case_id, first, reached, cats) for _ in range(n_victims)]
        suspects = [
            self.people.suspect(case_id, country, prefix, reached, first, leading=(i == 0))
            for i in range(n_suspects)
        ]
        keys = [reference.lower()]
        for v in victims:
            keys += [v["name_keys"], v["phone_key"]]
        for s in suspects:
            keys += [s["name_keys"], *s["_identifier_keys"]]
        keys.append(self.rows.keys(city, province, place))
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
        title = f"{self.rows.label(Category, cats[0])} — {city}"
        rows.add(
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
            place_time_zone=ctx.zones[country],
            **{REACHED_AT[s]: t for s, t in reached.items()},
            acknowledge_due_at=due["acknowledge_due_at"],
            rescue_request_due_at=due["rescue_request_due_at"],
            search_keys=" ".join(k for k in keys if k),
            created_by_id=rows.actor_id,
            version=1 + len(path),
            is_illustrative=True,
            created_at=first,
            updated_at=times[-1] if times else first,
        )
        lead = victims[0]
        self.reports.report(
            case_id,
            (country, province, city, place),
            first=first,
            happened=happened,
            cats=cats,
            urgent=urgent,
            lead=lead,
            text=main,
            post=post,
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

    def _covered(self, partner: int, on: datetime.date) -> bool:
        """An agreement covering case cooperation in force with the partner on the day:
        without one the services refuse the request (agreements.coverage)."""
        return any(
            signed <= on and (ended is None or on <= ended)
            for signed, ended in self.ctx.cooperation.get(partner, [])
        )

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

    def transitions(
        self,
        case_id: int,
        first: datetime.datetime,
        path: list[str],
        times: list[datetime.datetime],
        outcome: str,
    ) -> None:
        previous = S.RECEIVED
        for to_status, at in zip(path, times, strict=True):
            self.rows.add(
                CaseTransition,
                id=self.rows.next_id(CaseTransition),
                case_id=case_id,
                from_status=previous,
                to_status=to_status,
                actor_id=self.rows.actor_id,
                at=at,
                reason="Illustrative outcome." if to_status == S.CLOSED else "",
            )
            self.rows.entry(
                case_id,
                EntryKind.STATUS,
                at,
                f"{self.rows.label(S, previous)} → {self.rows.label(S, to_status)}",
            )
            previous = to_status

    def requests(self, case_id: int, partner: int | None, reached: Reached) -> None:
        if partner is None:
            return
        for step, kind, answered_by in (
            (S.RESCUE_REQUESTED, RequestKind.RESCUE, S.RESCUED),
            (S.EXTRADITION_REQUESTED, RequestKind.EXTRADITION, S.SURRENDERED),
        ):
            if step in reached and self._covered(partner, reached[step].date()):
                answered = reached.get(answered_by)
                self.rows.add(
                    PartnerRequest,
                    id=self.rows.next_id(PartnerRequest),
                    case_id=case_id,
                    kind=kind,
                    partner_body_id=partner,
                    subject=f"{self.rows.label(RequestKind, kind)} request",
                    sent_at=reached[step],
                    sent_by_id=self.rows.actor_id,
                    answered_at=answered,
                    answer="Done." if answered else "",
                    created_at=reached[step],
                    updated_at=answered or reached[step],
                )
                self.rows.entry(
                    case_id,
                    EntryKind.REQUEST_SENT,
                    reached[step],
                    self.rows.label(RequestKind, kind),
                )

    def notices(
        self, case_id: int, victims: list[dict], suspects: list[dict], reached: Reached
    ) -> None:
        r, today = self.rng, self.ctx.now.date()
        if S.EXTRADITION_REQUESTED in reached and suspects and r.random() < 0.6:
            asked = reached[S.EXTRADITION_REQUESTED].date() - datetime.timedelta(days=3)
            issued = asked + datetime.timedelta(days=r.randint(10, 60))
            self.rows.add(
                InterpolNotice,
                id=self.rows.next_id(InterpolNotice),
                case_id=case_id,
                suspect_id=suspects[0]["id"],
                colour=NoticeColour.RED,
                status=NoticeStatus.ISSUED if issued <= today else NoticeStatus.REQUESTED,
                requested_on=asked,
                issued_on=issued if issued <= today else None,
            )
        if S.RESCUE_REQUESTED in reached and victims[0]["status"] in WAITING and r.random() < 0.3:
            self.rows.add(
                InterpolNotice,
                id=self.rows.next_id(InterpolNotice),
                case_id=case_id,
                victim_id=victims[0]["id"],
                colour=NoticeColour.YELLOW,
                status=NoticeStatus.REQUESTED,
                requested_on=reached[S.RESCUE_REQUESTED].date(),
            )


def generate(
    *,
    cases: int,
    people: int,
    actor: User | None,
    seed: int,
    start: datetime.date,
    filing: Filing,
    loose_reports: int = 0,
    chunk: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Writes `cases` illustrative cases with about `people` victims and suspects in all,
    filed as `filing` says, committing every `chunk` cases; returns the rows written per
    model."""
    ctx = build_context(actor=actor, start=start, filing=filing)
    writer = BulkWriter(now=ctx.now)
    rows = Rows(writer, actor_id=ctx.actor_id)
    generator = CaseGenerator(ctx, rows, seed=seed, people_per_case=people / max(cases, 1))
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
            generator.reports.loose(ReportStatus.NEW if index % 2 == 0 else ReportStatus.DISMISSED)
        writer.flush(ORDER)
    reset_sequences()
    figures.rebuild()  # the rows went in past the services that keep the counts
    return writer.counts
