"""Which cases and reports a user may see and work. Capabilities come from the role table
in core.permissions; the scope is here: an overseas officer works the cases of the posts
they serve in and those assigned to them; the office, the Commissioner General's office and
analysts see every case (analysts without personal data)."""

from __future__ import annotations

from django.db.models import Q

from liaison.core.choices import Role
from liaison.core.permissions import Perm, can, refuse
from liaison.personnel.models import Post


def _post_ids(user) -> list[int]:
    return list(Post.objects.of_officer(user).values_list("pk", flat=True))


def sees_every_case(user) -> bool:
    """The office, the Commissioner General's office and analysts read every case; an
    officer posted abroad reads those of their posts and those assigned to them."""
    return can(user, Perm.VIEW_CASES) and user.role != Role.OVERSEAS_OFFICER


def case_scope(queryset, user):
    if not can(user, Perm.VIEW_CASES):
        return queryset.none()
    if not sees_every_case(user):
        # The post's cases on the case's own column and the assigned ones by id, read
        # first (a few): no join, so rows stay unique and the post's indexes serve.
        through = queryset.model.officers.through
        assigned = list(through.objects.filter(user=user).values_list("case_id", flat=True))
        return queryset.filter(Q(post_id__in=_post_ids(user)) | Q(pk__in=assigned))
    return queryset


def report_scope(queryset, user):
    if not can(user, Perm.VIEW_CASES):
        return queryset.none()
    if user.role == Role.OVERSEAS_OFFICER:
        return queryset.filter(
            Q(recorded_by=user) | Q(post_id__in=_post_ids(user)) | Q(case__officers=user)
        ).distinct()
    return queryset


def sees_personal_data(user) -> bool:
    return can(user, Perm.VIEW_CASE_PERSONAL)


def sees_passports(user) -> bool:
    return can(user, Perm.VIEW_PASSPORTS)


def can_work(user, case) -> bool:
    """May change `case`: work permission and the case in the user's scope."""
    if not can(user, Perm.WORK_CASES):
        return False
    if sees_every_case(user):
        return True  # no scope to check: spare every page and every change a query
    # The case's own manager: this module sits below cases.models, which reads its scope here.
    return type(case).objects.visible_to(user).filter(pk=case.pk).exists()


def require_work(user, case) -> None:
    """Refuses (403, audited) unless `user` may change `case`."""
    if not can_work(user, case):
        refuse(user, what=f"cases.case:{case.pk}")


def can_work_report(user, report) -> bool:
    """May attach, open a case from, dismiss or complete `report`."""
    if not can(user, Perm.WORK_CASES):
        return False
    return report_scope(type(report).objects.filter(pk=report.pk), user).exists()
