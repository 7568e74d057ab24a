"""What is kept derived from a case's own rows, and the one place that keeps it in step:
the dashboard's counts (figures.py: per month, country, category and place of the map) and
the case's search column (services/search.py: its people's names and identifiers, its
place, its reference). Every service and the workflow that change a case call
`case_changed` inside their transaction, with what the case was before; none refreshes
either by hand, so a new change cannot forget one."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import figures
from .models import Case
from .services import search

# The fields each kept value is computed from. A change to any other field keeps both.
COUNTED_FROM = ("first_reported_at", "country_id", "categories", "latitude", "longitude", "status")
SEARCHED_BY = ("reference", "city", "province", "place")


@dataclass(frozen=True)
class Before:
    """A case as it was counted and searched before a change."""

    counted_in: frozenset = field(default_factory=frozenset)
    values: dict = field(default_factory=dict)


NEW = Before()  # a case just created: counted nowhere yet, found by nothing yet


def before(case: Case) -> Before:
    """What the case is now, taken before changing it (under its lock)."""
    fields = (*COUNTED_FROM, *SEARCHED_BY)
    return Before(frozenset(figures.keys(case)), {name: getattr(case, name) for name in fields})


def case_changed(case: Case, was: Before, *, people: bool = False) -> None:
    """Brings what is kept about `case` in step with it after a change: its counts where
    it was and is counted when a counted field changed, its search column when its place,
    reference or (with `people`) its victims, suspects or their identifiers changed."""
    if was is NEW or any(getattr(case, name) != was.values[name] for name in COUNTED_FROM):
        figures.refresh(was.counted_in, figures.keys(case))
    if people or was is NEW or any(getattr(case, n) != was.values[n] for n in SEARCHED_BY):
        search.refresh(case)


def people_changed(case: Case) -> None:
    """After a victim, a suspect or an identifier of `case` was added, changed or removed:
    its search column (the counts read nothing of its people)."""
    search.refresh(case)
