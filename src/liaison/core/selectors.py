"""Reads of the core domain that depend on who asks: the lists of users and of the audit
trail, the institution tree."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .listing import Column, days_between, search
from .models import Institution, Job, User
from .permissions import Perm, can

USER_COLUMNS = [
    Column("username", _("Username"), sort="username"),
    Column("full_name", _("Full name"), sort="full_name"),
    Column("role", _("Role"), value=lambda u: u.get_role_display(), sort="role"),
    Column("institution", _("Institution"), value=lambda u: u.institution or u.partner_body or ""),
    Column("email", _("E-mail")),
    Column("is_active", _("Active"), sort="is_active"),
    Column("last_login", _("Last sign-in"), sort="last_login"),
]

AUDIT_COLUMNS = [
    Column("at", _("Time"), sort="at"),
    Column("actor_label", _("Actor"), sort="actor_label"),
    Column("actor_role", _("Role")),
    Column("action", _("Action"), value=lambda e: e.get_action_display(), sort="action"),
    Column("object_type", _("Record type"), sort="object_type"),
    Column("object_id", _("Record id")),
    Column("object_repr", _("Record")),
    Column("changes", _("Changes"), value=lambda e: e.changes or ""),
    Column("reason", _("Reason")),
    Column("purpose", _("Purpose"), value=lambda e: e.purpose_label if e.purpose else ""),
    Column("ip_address", _("Address")),
    Column("request_id", _("Request id")),
]


USER_SEARCH_FIELDS = ["username", "full_name", "email"]
AUDIT_SEARCH_FIELDS = ["actor_label", "object_repr", "object_type", "reason", "request_id"]


def user_filter(queryset: QuerySet, data: dict) -> QuerySet:
    """The accounts' filters and search, for the page and the API alike."""
    if data.get("q"):
        queryset = search(queryset, data["q"], USER_SEARCH_FIELDS)
    if data.get("role"):
        queryset = queryset.filter(role=data["role"])
    if data.get("institution"):
        queryset = queryset.filter(institution__in=data["institution"].subtree_ids())
    return queryset


def audit_filter(queryset: QuerySet, data: dict) -> QuerySet:
    """The audit trail's filters and search, for the page and the API alike; dates bound
    at midnight in the reader's time zone."""
    if data.get("q"):
        queryset = search(queryset, data["q"], AUDIT_SEARCH_FIELDS)
    if data.get("action"):
        queryset = queryset.filter(action=data["action"])
    if data.get("object_type"):
        queryset = queryset.filter(object_type=data["object_type"])
    if data.get("object_id"):
        queryset = queryset.filter(object_id=data["object_id"])
    if data.get("actor"):
        queryset = queryset.filter(actor_label=data["actor"])
    return days_between(queryset, "at", data.get("date_from"), data.get("date_to"))


def institution_tree() -> list[tuple[Institution, int]]:
    """Every institution with its depth, parents before children, for an indented list."""
    institutions = list(Institution.objects.all())
    children: dict[int | None, list[Institution]] = {}
    for institution in institutions:
        children.setdefault(institution.parent_id, []).append(institution)
    ordered: list[tuple[Institution, int]] = []

    def walk(parent_id, depth):
        for child in sorted(children.get(parent_id, []), key=lambda i: i.name_en):
            ordered.append((child, depth))
            walk(child.pk, depth + 1)

    walk(None, 0)
    return ordered


def jobs_visible_to(user: User, *, state: str | None = None) -> QuerySet[Job]:
    """A person's own jobs; every job for those who manage them."""
    queryset = Job.objects.select_related("requested_by").order_by("-created_at")
    if not can(user, Perm.MANAGE_JOBS):
        queryset = queryset.filter(requested_by=user)
    if state:
        queryset = queryset.filter(state=state)
    return queryset


def unseen_finished_jobs(user: User) -> list[Job]:
    """The jobs of this person that ended since they last looked: the page's messages."""
    return list(
        Job.objects.filter(requested_by=user, seen_at=None, finished_at__isnull=False)
        .exclude(state__in=Job.ACTIVE)
        .order_by("-finished_at")[:5]
    )
