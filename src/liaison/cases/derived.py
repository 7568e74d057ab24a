"""What is kept derived from a case's own rows, and the one place that keeps it in step:
the dashboard's counts (figures.py: per month, country, category and place of the map) and
the case's search column (services/search.py: its people's names and identifiers, its
place, its reference). Every service and the workflow that change a case call one of the
functions below inside their transaction, with what the case was before; none refreshes
either by hand, so a new change cannot forget one."""

from __future__ import annotations

from dataclasses import dataclass

from . import figures
from .choices import CaseStatus
from .models import Case
from .services import search


def _counted(case: Case, *, status: str | None = None) -> tuple:
    """What the counts read of a case: where and when it was reported, its categories,
    its point on the map and whether it is closed (the map counts open and closed apart)."""
    closed = (status or case.status) == CaseStatus.CLOSED
    place = (case.latitude, case.longitude)
    return (case.first_reported_at, case.country_id, tuple(case.categories), place, closed)


def _searched(case: Case) -> tuple:
    """What the search column reads of the case itself (its people aside)."""
    return (case.reference, case.city, case.province, case.place)


@dataclass(frozen=True)
class Before:
    """A case as it was counted and searched before a change."""

    counted_in: frozenset
    counted: tuple | None  # None: a case just created, counted nowhere yet
    searched: tuple | None


NEW = Before(frozenset(), None, None)


def before(case: Case) -> Before:
    """What the case is now, taken before changing it (under its lock)."""
    return Before(frozenset(figures.keys(case)), _counted(case), _searched(case))


def case_changed(case: Case, was: Before, *, people: bool = False) -> None:
    """Brings what is kept about `case` in step with it after a change: its counts where it
    was and is counted when anything they read changed, its search column when its place,
    reference or (with `people`) its victims, suspects or their identifiers changed."""
    if _counted(case) != was.counted:
        figures.refresh(was.counted_in, figures.keys(case))
    if people or _searched(case) != was.searched:
        search.refresh(case)


def status_changed(case: Case, from_status: str) -> None:
    """After a move of the workflow from `from_status` (the case is saved with its new one)."""
    was = Before(frozenset(figures.keys(case)), _counted(case, status=from_status), _searched(case))
    case_changed(case, was)


def people_changed(case: Case) -> None:
    """After a victim, a suspect or an identifier of `case` was added, changed or removed:
    its search column (the counts read nothing of its people)."""
    search.refresh(case)
