"""What every generated case refers to: the posts and police bodies it is filed under,
the agreements in force, the response targets, the actor and the time of the run."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from liaison.agreements.choices import AgreementStatus as A
from liaison.agreements.coverage import covers_case_cooperation
from liaison.agreements.models import Agreement
from liaison.cases.services import targets
from liaison.cases.zones import default_zone
from liaison.core.models import User

from .tables import COUNTRIES


@dataclass(frozen=True)
class Filing:
    """Where generated cases are filed, as the caller's own data has it (the demo's posts,
    cases.demo.case_filing): each country's posts with the day each began to take cases,
    and each country's police body, the partner of its cases."""

    posts: dict[str, list[tuple[datetime.date, int]]]
    partners: dict[str, int | None]


@dataclass
class Context:
    """What every generated case refers to: partners, posts, agreements, the actor, the
    zone references are numbered in and the zone of each country's places."""

    actor_id: int | None
    partners: dict[str, int | None]
    posts: dict[str, list[tuple[datetime.date, int]]]
    agreements: dict[int, list[tuple[datetime.date, datetime.date | None, int]]]
    # By partner, when its agreements covering case cooperation were in force: requests
    # go only to a partner covered on the day (agreements.coverage, the services' floor).
    cooperation: dict[int, list[tuple[datetime.date, datetime.date | None]]]
    hours: dict
    now: datetime.datetime
    start: datetime.datetime
    zone: datetime.tzinfo
    zones: dict[str, str]

    def post_on(self, country: str, day: datetime.date) -> int | None:
        """The newest post in the country that took cases on `day`."""
        return next((pk for since, pk in self.posts.get(country, []) if day >= since), None)


def build_context(*, actor: User | None, start: datetime.date, filing: Filing) -> Context:
    in_force = [A.SIGNED, A.ACTIVE, A.EXPIRED, A.TERMINATION_RECOMMENDED, A.TERMINATED]
    agreements: dict[int, list] = {}
    cooperation: dict[int, list] = {}
    for a in Agreement.objects.filter(status__in=in_force, signed_on__isnull=False):
        agreements.setdefault(a.counterpart_id, []).append((a.signed_on, a.ended_on, a.pk))
        if covers_case_cooperation(a):
            cooperation.setdefault(a.counterpart_id, []).append((a.signed_on, a.ended_on))
    now = timezone.now().replace(microsecond=0)
    return Context(
        actor_id=getattr(actor, "pk", None),
        partners=filing.partners,
        # The newest post first: a case goes to the newest post open on its day.
        posts={k: sorted(v, reverse=True) for k, v in filing.posts.items()},
        agreements=agreements,
        cooperation=cooperation,
        hours=targets.hours_table(),
        now=now,
        start=timezone.make_aware(datetime.datetime.combine(start, datetime.time(9))),
        zone=timezone.get_current_timezone(),
        zones={c: default_zone(c) for c in COUNTRIES},
    )
