"""Intake: reports kept as received, possible duplicates shown before anything is opened,
and cases opened from one or more reports. Nothing typed is lost: every submission is
written first, on its own, and a failure leaves it there to be taken up again."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.core import audit, text
from liaison.core.choices import AuditAction, Role
from liaison.core.models import User
from liaison.core.permissions import Perm, refuse, require
from liaison.core.versions import require_version
from liaison.personnel.models import Post

from .. import derived, names, permissions, protect, workflow
from ..choices import Category, Channel, EntryKind, Priority, ReportStatus, VictimStatus
from ..models import Case, IntakeSubmission, Report, Victim
from ..zones import default_zone
from . import references, targets, timeline

# What a report must have. Quick intake needs only what a frightened caller can give in a
# minute; the rest is completed later.
REQUIRED_FULL = ("channel", "received_at", "country", "narrative", "categories")
REQUIRED_QUICK = ("country", "narrative")

REPORT_FIELDS = (
    "channel",
    "received_at",
    "happened_at",
    "reporter_name",
    "reporter_relation",
    "reporter_contact",
    "country",
    "province",
    "city",
    "place",
    "latitude",
    "longitude",
    "place_time_zone",
    "categories",
    "narrative",
    "life_at_risk",
    "person_name",
    "person_name_latin",
    "person_phone",
    "person_date_of_birth",
    "others_involved",
    "post",
)
# What a person is told when a required field is empty; the intake forms say the same.
REQUIRED_MESSAGES = {
    "channel": gettext_lazy("Choose how the report came in."),
    "received_at": gettext_lazy("Give the time the report was received."),
    "country": gettext_lazy("Choose the country."),
    "narrative": gettext_lazy("Say what happened."),
    "categories": gettext_lazy("Choose at least one category."),
}

# How long a submission may be processed before it counts as cut off: a request lives at
# most a web worker's timeout (gunicorn's 30 s by default), so after this no request is
# still working on it.
PROCESSING_GRACE = datetime.timedelta(minutes=2)

# A passport number in a stored submission is sealed like the one on a report.
SEALED_FIELDS = ("passport_number",)


def submission_record(*, actor: User, payload: dict) -> IntakeSubmission:
    """Writes what was sent, committed at once (outside any transaction of the caller's
    request), before the report is processed. A passport number is kept encrypted."""
    require(actor, Perm.WORK_CASES)
    # Kept even when it holds what no database can store (a NUL, half a UTF-16 pair): the
    # form or the API then refuses it naming the field, and this record stays readable.
    stored = text.storable(dict(payload))
    for name in SEALED_FIELDS:
        if stored.get(name):
            stored[f"{name}:sealed"] = protect.encrypt(str(stored.pop(name)))
        else:
            stored.pop(name, None)
    # One INSERT, committed on its own: no transaction to open and commit around it.
    return IntakeSubmission.objects.create(submitted_by=actor, payload=stored)


def submission_fields(submission: IntakeSubmission) -> dict:
    """What the officer typed, passport number included, to offer the form back to them."""
    fields = text.storable(dict(submission.payload))  # stored before that was cleaned
    for name in SEALED_FIELDS:
        sealed = fields.pop(f"{name}:sealed", None)
        if sealed:
            fields[name] = protect.decrypt(sealed)
    return fields


def submission_failed(submission: IntakeSubmission, error: Exception) -> None:
    IntakeSubmission.objects.filter(pk=submission.pk).update(
        failure=text.storable(f"{type(error).__name__}: {error}"[:2000])
    )


def submission_refused(submission: IntakeSubmission) -> None:
    """The submission was refused (invalid, not allowed) and the sender told why: it is
    not waiting to be processed."""
    IntakeSubmission.objects.filter(pk=submission.pk).update(refused_at=timezone.now())


def unprocessed_submissions(user: User) -> QuerySet[IntakeSubmission]:
    """Submissions of `user` that never became a report: processing failed, or it was cut
    off (the worker killed, the machine down) before it could record either outcome. One
    stored a moment ago and still without either may be being processed right now."""
    cut_off = timezone.now() - PROCESSING_GRACE
    return IntakeSubmission.objects.filter(
        submitted_by=user, report__isnull=True, recovered_at__isnull=True, refused_at__isnull=True
    ).filter(~Q(failure="") | Q(submitted_at__lt=cut_off))


def posts_to_file_under(actor: User):
    """The posts a report or a case may be filed under: active posts only, and for an
    officer posted abroad only those they serve at today. The forms offer these and the
    services refuse any other, whether the page or the API asks."""
    posts = Post.objects.filter(is_active=True)
    if actor.role == Role.OVERSEAS_OFFICER:
        posts = posts.filter(pk__in=Post.objects.of_officer(actor).values("pk"))
    return posts


def check_post(actor: User, post: Post | None) -> None:
    """Refuses a post the actor may not file under (see posts_to_file_under)."""
    if post is not None and not posts_to_file_under(actor).filter(pk=post.pk).exists():
        raise ValidationError({"post": _("No such post among yours.")})


def _check(data: dict, *, quick: bool) -> None:
    errors = {}
    for name in REQUIRED_QUICK if quick else REQUIRED_FULL:
        value = data.get(name)
        if value in (None, "", [], ()) or (isinstance(value, str) and not value.strip()):
            errors[name] = str(REQUIRED_MESSAGES[name])
    now = timezone.now() + datetime.timedelta(minutes=5)
    if data.get("received_at") and data["received_at"] > now:
        errors["received_at"] = _("The time received cannot be in the future.")
    if data.get("happened_at") and data["happened_at"] > now:
        errors["happened_at"] = _("The time it happened cannot be in the future.")
    if (
        data.get("happened_at")
        and data.get("received_at")
        and data["happened_at"] > data["received_at"]
    ):
        errors["happened_at"] = _("It cannot have happened after it was reported.")
    if data.get("channel") and data["channel"] not in Channel.values:
        errors["channel"] = _("Unknown channel.")
    unknown = [c for c in data.get("categories") or [] if c not in Category.values]
    if unknown:
        errors["categories"] = _("Unknown category: %(c)s.") % {"c": ", ".join(unknown)}
    if errors:
        raise ValidationError(errors)


def _fill(report: Report, data: dict) -> None:
    for name in REPORT_FIELDS:
        if name in data:
            value = data[name]
            setattr(report, name, value.strip() if isinstance(value, str) else value)
    if "passport_number" in data:
        report.set_passport(data.get("passport_number") or "")
    report.place_time_zone = report.place_time_zone or default_zone(report.country.code)
    report.person_name_keys = names.name_keys(report.person_name, report.person_name_latin)
    report.person_phone_key = names.identifier_key("phone", report.person_phone)
    # The country arrives as a record already looked up: no need to look it up again.
    report.full_clean(exclude=["reference", "case", "recorded_by", "post", "country"])


@transaction.atomic
def report_receive(
    *, actor: User, data: dict, quick: bool = False, submission: IntakeSubmission | None = None
) -> Report:
    """Records a report as received. `quick` needs only the country and what happened;
    the report is then marked to be completed."""
    require(actor, Perm.WORK_CASES)
    given = _present(data)
    data = {"received_at": timezone.now(), "channel": Channel.OTHER, **given}
    _check(data, quick=quick)
    check_post(actor, data.get("post"))
    report = Report(
        recorded_by=actor,
        # A channel filled in by default was not given: the report is still to complete.
        is_quick_intake=quick and not _complete({"received_at": data["received_at"], **given}),
    )
    _fill(report, data)
    references.save_new(report, "R")
    audit.record_created(report, actor=actor)
    if submission is not None:
        IntakeSubmission.objects.filter(pk=submission.pk).update(report=report, failure="")
    return report


def _present(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "")}


def _complete(data: dict) -> bool:
    return all(data.get(name) not in (None, "", []) for name in REQUIRED_FULL)


@transaction.atomic
def report_update(*, actor: User, report: Report, data: dict, expected_version: int) -> Report:
    """Completes or corrects a report (a quick intake above all)."""
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if not permissions.can_work_report(actor, locked):
        refuse(actor, what=f"cases.report:{report.pk}")
    require_version(
        locked,
        expected_version,
        _("Someone else changed this report in the meantime. Reload it and try again."),
    )
    merged = {name: getattr(locked, name) for name in REPORT_FIELDS} | data
    _check(merged, quick=False)
    if data.get("post") is not None and data["post"].pk != locked.post_id:
        check_post(actor, data["post"])
    before = audit.snapshot(locked)
    _fill(locked, data)
    locked.is_quick_intake = False
    locked.version += 1
    locked.save()
    audit.record_updated(locked, before, actor=actor)
    return locked


@dataclass
class Duplicate:
    """A case or report that may be about the same person or event, and why."""

    case: Case | None = None
    report: Report | None = None
    reasons: list[str] = field(default_factory=list)


def possible_duplicates(report: Report, *, days: int = 3, limit: int = 10) -> list[Duplicate]:
    """Cases and unattached reports that share the person's passport, phone or name, or the
    same place within `days` days, most reasons first."""
    found: dict[tuple[str, int], Duplicate] = {}

    def add(obj, reason: str) -> None:
        key = ("case", obj.pk) if isinstance(obj, Case) else ("report", obj.pk)
        entry = found.setdefault(
            key, Duplicate(case=obj) if isinstance(obj, Case) else Duplicate(report=obj)
        )
        if reason not in entry.reasons:
            entry.reasons.append(reason)

    others = Report.objects.exclude(pk=report.pk).filter(status=ReportStatus.NEW)
    person: list[tuple[Q, Q, str]] = []
    if report.passport_hash:
        person.append(
            (
                Q(passport_hash=report.passport_hash),
                Q(passport_hash=report.passport_hash),
                _("same passport number"),
            )
        )
    if report.person_phone_key and len(report.person_phone_key) >= 6:
        person.append(
            (
                Q(phone_key=report.person_phone_key),
                Q(person_phone_key=report.person_phone_key),
                _("same phone number"),
            )
        )
    key = names.query_key(report.person_name or report.person_name_latin)
    if len(key) >= 4:
        person.append(
            (Q(name_keys__contains=key), Q(person_name_keys__contains=key), _("same name"))
        )
    for victim_q, report_q, reason in person:
        for victim in Victim.objects.filter(victim_q).select_related("case")[:limit]:
            add(victim.case, reason)
        for other in others.filter(report_q)[:limit]:
            add(other, reason)
    moment = report.happened_at or report.received_at
    if moment is not None:
        window = Q(
            first_reported_at__range=(
                moment - datetime.timedelta(days=days),
                moment + datetime.timedelta(days=days),
            )
        )
        place = Q(country_id=report.country_id)
        if report.city:
            place &= Q(city__iexact=report.city)
        elif report.province:
            place &= Q(province__iexact=report.province)
        if report.city or report.province:
            for case in Case.objects.filter(place & window)[:limit]:
                add(case, _("same place within %(n)s days") % {"n": days})
            report_window = Q(
                received_at__range=(
                    moment - datetime.timedelta(days=days),
                    moment + datetime.timedelta(days=days),
                )
            )
            for other in others.filter(place & report_window)[:limit]:
                add(other, _("same place within %(n)s days") % {"n": days})
    ranked = sorted(found.values(), key=lambda d: -len(d.reasons))
    return ranked[:limit]


def _victim_from(report: Report, case: Case, actor: User) -> Victim | None:
    if not (report.person_name or report.person_name_latin or report.passport_hash):
        return None
    existing = case.victims.all()
    for victim in existing:
        same_passport = report.passport_hash and victim.passport_hash == report.passport_hash
        same_phone = report.person_phone_key and victim.phone_key == report.person_phone_key
        key = names.query_key(report.person_name or report.person_name_latin)
        same_name = len(key) >= 4 and key in victim.name_keys
        if same_passport or same_phone or same_name:
            return None
    victim = Victim(
        case=case,
        name_ko=report.person_name,
        name_latin=report.person_name_latin,
        date_of_birth=report.person_date_of_birth,
        phone=report.person_phone,
        phone_key=report.person_phone_key,
        name_keys=report.person_name_keys,
        passport_ciphertext=report.passport_ciphertext,
        passport_hash=report.passport_hash,
        passport_last2=report.passport_last2,
        status=VictimStatus.MISSING,
        status_since=report.received_at,
        is_illustrative=report.is_illustrative,
    )
    victim.save()
    victim.status_changes.create(to_status=victim.status, at=report.received_at, actor=actor)
    audit.record_created(victim, actor=actor)
    return victim


def _attach(*, actor: User, report: Report, case: Case) -> None:
    report.case = case
    report.status = ReportStatus.ATTACHED
    report.version += 1
    report.save(update_fields=["case", "status", "version", "updated_at"])
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=report,
        changes={"case": {"before": None, "after": case.reference}},
    )
    _victim_from(report, case, actor)
    timeline.system_entry(
        case=case,
        kind=EntryKind.REPORT_ATTACHED,
        body=_("Report %(ref)s (%(channel)s): %(text)s")
        % {
            "ref": report.reference,
            "channel": report.get_channel_display(),
            "text": report.narrative,
        },
        actor=actor,
        at=report.received_at,
    )


def _lock_reports(reports, actor: User) -> list[Report]:
    locked = list(
        Report.objects.select_for_update().filter(pk__in=[r.pk for r in reports]).order_by("pk")
    )
    for report in locked:
        if not permissions.can_work_report(actor, report):
            refuse(actor, what=f"cases.report:{report.pk}")
        if report.status != ReportStatus.NEW:
            raise ValidationError(
                _("Report %(ref)s is already attached to a case or dismissed.")
                % {"ref": report.reference}
            )
    return locked


@transaction.atomic
def case_open(
    *,
    actor: User,
    reports: list[Report],
    title: str,
    priority: str | None = None,
    post=None,
    summary: str = "",
) -> Case:
    """Opens a case from one or more reports: place, time and categories from the first,
    a victim for each person named, the reports attached."""
    require(actor, Perm.WORK_CASES)
    errors = {}
    if not reports:
        errors["reports"] = _("Choose at least one report to open the case from.")
    if not (title or "").strip():
        errors["title"] = _("Give the case a title.")
    if priority is not None and priority not in Priority.values:
        errors["priority"] = _("Unknown priority.")
    if errors:
        raise ValidationError(errors)
    check_post(actor, post)  # a post chosen; the first report's own was checked with it
    locked = _lock_reports(reports, actor)
    first = min(locked, key=lambda r: r.received_at)
    categories = sorted({c for r in locked for c in r.categories}, key=Category.values.index)
    case = Case(
        title=title.strip(),
        summary=(summary or "").strip(),
        categories=categories,
        priority=priority
        or (Priority.URGENT if any(r.life_at_risk for r in locked) else Priority.NORMAL),
        first_reported_at=first.received_at,
        happened_at=min((r.happened_at for r in locked if r.happened_at), default=None),
        country=first.country,
        province=first.province,
        city=first.city,
        place=first.place,
        latitude=first.latitude,
        longitude=first.longitude,
        place_time_zone=first.place_time_zone,
        post=post or first.post,
        created_by=actor,
        is_illustrative=all(r.is_illustrative for r in locked),
    )
    targets.apply(case)
    references.save_new(case, "C")
    audit.record_created(case, actor=actor)
    for report in locked:
        _attach(actor=actor, report=report, case=case)
    targets.apply(case)  # now with the victims: a missing person needs a rescue target
    Case.objects.filter(pk=case.pk).update(rescue_request_due_at=case.rescue_request_due_at)
    derived.case_changed(case, derived.NEW)
    return case


@transaction.atomic
def report_attach(*, actor: User, report: Report, case: Case) -> Case:
    """Attaches a report to an existing case (several reports about one person)."""
    permissions.require_work(actor, case)
    locked_case = workflow.lock(case)
    was = derived.before(locked_case)
    (locked_report,) = _lock_reports([report], actor)
    _attach(actor=actor, report=locked_report, case=locked_case)
    if locked_report.received_at < locked_case.first_reported_at:
        locked_case.first_reported_at = locked_report.received_at
    locked_case.categories = sorted(
        set(locked_case.categories) | set(locked_report.categories), key=Category.values.index
    )
    locked_case.version += 1
    locked_case.save()
    derived.case_changed(locked_case, was, people=True)
    return locked_case


@transaction.atomic
def report_dismiss(*, actor: User, report: Report, reason: str) -> Report:
    (locked,) = _lock_reports([report], actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the report is dismissed.")})
    locked.status = ReportStatus.DISMISSED
    locked.dismissed_reason = reason.strip()
    locked.version += 1
    locked.save(update_fields=["status", "dismissed_reason", "version", "updated_at"])
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=locked,
        changes={"status": {"before": ReportStatus.NEW, "after": ReportStatus.DISMISSED}},
        reason=reason.strip(),
    )
    return locked
