"""The reports generated cases came from, and loose reports no case was opened from: new
ones of the last days, dismissed ones."""

from __future__ import annotations

import datetime
import random

from liaison.cases import names
from liaison.cases.choices import Category, Channel, EntryKind, ReportStatus
from liaison.cases.models import Report

from .context import Context
from .people import People
from .rows import Rows
from .tables import (
    CHANNELS,
    COUNTRIES,
    COUNTRY_CODES,
    COUNTRY_WEIGHTS,
    JOBS,
    NARRATIVES,
    RELATIONS,
)

C = Category
PLATFORMS = ["Telegram", "KakaoTalk", "Facebook", "a job site"]
# country, province, city, place
Where = tuple[str, str, str, str]


class Reports:
    """Reports drawn from the run's random sequence, which the cases share."""

    def __init__(self, ctx: Context, rng: random.Random, rows: Rows, people: People):
        self.ctx = ctx
        self.rng = rng
        self.rows = rows
        self.people = people

    def report(
        self,
        case_id: int | None,
        where: Where,
        *,
        first: datetime.datetime,
        happened: datetime.datetime,
        cats: list[str],
        urgent: bool,
        lead: dict,
        text: str,
        post: int | None,
        status: str = ReportStatus.ATTACHED,
    ) -> int:
        """A report about `lead` (the first victim's row), told in `text`; on the case's
        timeline when it is attached to one."""
        r, rows = self.rng, self.rows
        country, province, city, place = where
        report_id = rows.next_id(Report)
        ref = f"R-{first.astimezone(self.ctx.zone).year}-{report_id:06d}"
        _reporter_ko, reporter_latin = self.people.korean_name()
        channel = r.choice(CHANNELS)
        narrative = text.format(
            name=lead["name_ko"], city=city, job=r.choice(JOBS), platform=r.choice(PLATFORMS),
            amount=f"{r.randrange(5, 60) * 1000:,}",
        )  # fmt: skip
        rows.add(
            Report,
            id=report_id,
            reference=ref,
            channel=channel,
            received_at=first,
            happened_at=happened,
            reporter_name=reporter_latin,
            reporter_relation=r.choice(RELATIONS),
            reporter_contact=self.people.phone("+82"),
            country_id=country,
            province=province,
            city=city,
            place=place,
            place_time_zone=self.ctx.zones[country],
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
            recorded_by_id=rows.actor_id,
            is_illustrative=True,
            created_at=first,
            updated_at=first,
        )
        if case_id:
            rows.entry(
                case_id,
                EntryKind.REPORT_ATTACHED,
                first,
                f"Report {ref} ({rows.label(Channel, channel)}): {narrative}",
            )
        return report_id

    def loose(self, status: str) -> None:
        """A report not (yet) made a case: new ones of the last days, dismissed ones."""
        r, ctx = self.rng, self.ctx
        country = r.choices(COUNTRY_CODES, COUNTRY_WEIGHTS)[0]
        _w, places, _prefix = COUNTRIES[country]
        province, city, _lat, _lon = r.choice(places)
        back = r.uniform(0.2, 72) if status == ReportStatus.NEW else r.uniform(24, 24 * 900)
        first = (ctx.now - datetime.timedelta(hours=back)).replace(microsecond=0)
        ko, latin = self.people.korean_name()
        phone = self.people.phone("+82")
        lead = {
            "name_ko": ko,
            "name_latin": latin,
            "phone": phone,
            "phone_key": names.identifier_key("phone", phone),
            "date_of_birth": None,
            "name_keys": self.rows.keys(ko, latin),
        }
        cats = [C.MISSING] if r.random() < 0.5 else [C.ONLINE_FRAUD]
        self.report(
            None,
            (country, province, city, ""),
            first=first,
            happened=first,
            cats=cats,
            urgent=False,
            lead=lead,
            text=NARRATIVES[cats[0]],
            post=ctx.post_on(country, first.date()),
            status=status,
        )
