"""Every write of the personnel domain: opening and editing posts, posting an officer and
ending a posting. Each is atomic, checked and audited; only the office (ICO) and
administrators may call them."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from liaison.core import audit
from liaison.core.choices import Role
from liaison.core.models import User
from liaison.core.permissions import Perm, require

from .models import Post, Posting, PostingRole

POST_FIELDS = ["kind", "name_en", "name_ko", "country", "city", "host_body", "time_zone"]
# Who can serve at a post: the agency's own officers abroad and the office's staff.
POSTABLE_ROLES = (Role.OVERSEAS_OFFICER, Role.ICO_OFFICER)


def _check_post(post: Post) -> None:
    # full_clean checks the time zone (Post.clean), the kind and the unique English name.
    post.name_en = (post.name_en or "").strip()
    post.name_ko = (post.name_ko or "").strip()
    post.city = (post.city or "").strip()
    post.full_clean()


@transaction.atomic
def post_create(*, actor: User, data: dict) -> Post:
    require(actor, Perm.MANAGE_CASE_SETTINGS)
    post = Post(**{f: data[f] for f in POST_FIELDS if f in data})
    post.is_active = data.get("is_active", True)
    _check_post(post)
    post.save()
    audit.record_created(post, actor=actor)
    return post


@transaction.atomic
def post_update(*, actor: User, post: Post, data: dict) -> Post:
    require(actor, Perm.MANAGE_CASE_SETTINGS)
    locked = Post.objects.select_for_update().get(pk=post.pk)
    before = audit.snapshot(locked)
    for name in [*POST_FIELDS, "is_active"]:
        if name in data:
            setattr(locked, name, data[name])
    _check_post(locked)
    locked.save()
    audit.record_updated(locked, before, actor=actor)
    return locked


def _check_posting(posting: Posting, *, new: bool) -> None:
    errors = {}
    officer = posting.officer
    # Checked when an officer is posted; a posting is still ended after they moved on.
    if new and (officer.role not in POSTABLE_ROLES or not officer.is_active):
        errors["officer"] = _(
            "Only active overseas officers and International Cooperation Office staff serve "
            "at a post."
        )
    if posting.role not in PostingRole.values:
        errors["role"] = _("Choose the officer's role at the post.")
    if posting.ended_on and posting.started_on and posting.ended_on < posting.started_on:
        errors["ended_on"] = _("The posting cannot end before it starts (%(start)s).") % {
            "start": posting.started_on.isoformat()
        }
    if errors:
        raise ValidationError(errors)
    overlapping = Posting.objects.filter(post=posting.post, officer=officer).exclude(pk=posting.pk)
    if posting.ended_on:
        overlapping = overlapping.filter(started_on__lte=posting.ended_on)
    overlapping = overlapping.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=posting.started_on))
    if overlapping.exists():
        raise ValidationError(
            {"started_on": _("This officer already serves at this post in that period.")}
        )


@transaction.atomic
def posting_add(
    *,
    actor: User,
    post: Post,
    officer,
    role: str,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
) -> Posting:
    require(actor, Perm.MANAGE_CASE_SETTINGS)
    Post.objects.select_for_update().get(pk=post.pk)  # one posting at a time per post
    posting = Posting(
        post=post, officer=officer, role=role, started_on=started_on, ended_on=ended_on
    )
    _check_posting(posting, new=True)
    posting.save()
    audit.record_created(posting, actor=actor)
    return posting


@transaction.atomic
def posting_end(*, actor: User, posting: Posting, ended_on: datetime.date) -> Posting:
    """Records the last day of an officer's posting."""
    require(actor, Perm.MANAGE_CASE_SETTINGS)
    locked = Posting.objects.select_for_update().select_related("officer").get(pk=posting.pk)
    if locked.ended_on is not None:
        raise ValidationError(
            {"ended_on": _("This posting already ended on %(day)s.") % {"day": locked.ended_on}}
        )
    before = audit.snapshot(locked, ["ended_on"])
    locked.ended_on = ended_on
    _check_posting(locked, new=False)
    locked.save(update_fields=["ended_on", "updated_at"])
    audit.record_updated(locked, before, actor=actor)
    return locked
