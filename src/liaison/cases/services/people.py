"""The people in a case: victims (nationals, with a status history and HTCDS victim
context) and suspects (any nationality, identifiers, INTERPOL notices, arrest and return).
Passport numbers are encrypted; seeing one in clear is a right of its own and audited."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core import audit
from liaison.core.choices import AuditAction
from liaison.core.models import User
from liaison.core.permissions import Perm, refuse, require
from liaison.core.versions import require_version

from .. import derived, names, permissions, protect
from ..choices import (
    IdentifierKind,
    NoticeColour,
    NoticeStatus,
    VictimStatus,
)
from ..models import Case, Identifier, InterpolNotice, Suspect, Victim
from ..workflow import LIVING_STATUSES, VICTIMS, person_changed_meanwhile
from . import targets

VICTIM_FIELDS = (
    "name_ko",
    "name_latin",
    "sex",
    "date_of_birth",
    "phone",
    "contact",
    "family_contact",
    "recruitment_methods",
    "recruitment_platforms",
    "recruitment_details",
    "means_of_control",
    "exploitation_types",
    "consent_to_data_handling",
    "died_on",
    "autopsy_status",
    "autopsy_on",
    "remains_status",
    "remains_repatriated_on",
)
SUSPECT_FIELDS = (
    "name_ko",
    "name_latin",
    "name_local",
    "aliases",
    "sex",
    "date_of_birth",
    "nationality",
    "roles",
    "organisation",
    "arrest_status",
    "arrested_on",
    "return_status",
    "return_requested_on",
    "surrendered_on",
    "notes",
)


def _stale(person, expected_version) -> None:
    require_version(person, expected_version, person_changed_meanwhile(person))


def _assign(person, data: dict, fields) -> None:
    for name in fields:
        if name in data:
            value = data[name]
            setattr(person, name, value.strip() if isinstance(value, str) else value)
    if data.get("passport_number") is not None and "passport_number" in data:
        person.set_passport(data["passport_number"])


def _victim_keys(victim: Victim) -> None:
    victim.name_keys = names.name_keys(victim.name_ko, victim.name_latin)
    victim.phone_key = names.identifier_key("phone", victim.phone)
    if victim.consent_to_data_handling and victim.consent_recorded_at is None:
        victim.consent_recorded_at = timezone.now()
    if not victim.consent_to_data_handling:
        victim.consent_recorded_at = None


def _check_victim(victim: Victim) -> None:
    errors = {}
    if not (victim.name_ko or victim.name_latin):
        errors["name_ko"] = _("Give the victim's name in Hangul or Latin script.")
    if victim.date_of_birth and victim.date_of_birth > timezone.localdate():
        errors["date_of_birth"] = _("The date of birth cannot be in the future.")
    if (victim.autopsy_status or victim.remains_status or victim.died_on) and (
        victim.status != VictimStatus.DECEASED
    ):
        errors["status"] = _("Autopsy and remains are recorded for a deceased victim.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def victim_add(*, actor: User, case: Case, data: dict) -> Victim:
    permissions.require_work(actor, case)
    status = data.get("status") or VictimStatus.MISSING
    if status not in VictimStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    now = timezone.now()
    victim = Victim(case=case, status=status, status_since=now)
    victim.is_illustrative = case.is_illustrative
    _assign(victim, data, VICTIM_FIELDS)
    _prepare_victim(victim)
    victim.save()
    victim.status_changes.create(to_status=status, at=now, actor=actor)
    audit.record_created(victim, actor=actor)
    _after_people_change(case)
    return victim


@transaction.atomic
def victim_update(
    *, actor: User, victim: Victim, data: dict, expected_version: int | None = None
) -> Victim:
    return _person_update(
        actor=actor,
        person=victim,
        data=data,
        fields=VICTIM_FIELDS,
        prepare=_prepare_victim,
        expected_version=expected_version,
    )


def _prepare_victim(victim: Victim) -> None:
    _victim_keys(victim)
    _check_victim(victim)


def _prepare_suspect(suspect: Suspect) -> None:
    _suspect_keys(suspect)
    _check_suspect(suspect)
    suspect.full_clean(exclude=["case", "nationality"])


def _person_update(*, actor: User, person, data, fields, prepare, expected_version):
    """Changes a victim or suspect: locked, refused when stale, keys refreshed, audited."""
    permissions.require_work(actor, person.case)
    locked = type(person).objects.select_for_update().get(pk=person.pk)
    _stale(locked, expected_version)
    before = audit.snapshot(locked)
    _assign(locked, data, fields)
    prepare(locked)
    locked.version += 1
    locked.save()
    audit.record_updated(locked, before, actor=actor)
    _after_people_change(locked.case)
    return locked


def victim_set_status(
    *,
    actor: User,
    victim: Victim,
    status: str,
    note: str = "",
    at: datetime.datetime | None = None,
    expected_version: int | None = None,
) -> Victim:
    """Moves a victim to where they are now found, if the table allows it (missing →
    located → confined → rescued → in protection → repatriated, steps skipped or back, or
    to deceased); every change is kept in the history and the timeline."""
    permissions.require_work(actor, victim.case)  # before the transaction: the refusal stays
    if status not in VictimStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    _not_in_future(at)
    with transaction.atomic():
        locked = VICTIMS.lock(victim, expected_version)
        if locked.status == status:
            raise ValidationError({"status": _("The victim already has this status.")})
        if locked.status == VictimStatus.DECEASED:
            raise ValidationError({"status": _deceased_stays()})
        VICTIMS.apply(actor=actor, locked=locked, to_status=status, reason=note or "", at=at)
        _after_people_change(locked.case)
    return locked


def _deceased_stays() -> str:
    return " ".join(
        (
            _("A deceased victim's status does not change."),
            _(
                "A death recorded by mistake is corrected by the International Cooperation "
                "Office or an administrator."
            ),
        )
    )


# What is recorded with a death, and set right with it when the death was a mistake.
DEATH_FIELDS = [
    "died_on",
    "autopsy_status",
    "autopsy_on",
    "remains_status",
    "remains_repatriated_on",
]


def victim_correct_death(
    *,
    actor: User,
    victim: Victim,
    status: str,
    reason: str,
    expected_version: int | None = None,
) -> Victim:
    """Undoes a death recorded by mistake: the victim is set to the living status they have
    in fact, and the date of death, autopsy and remains recorded with it are cleared. No
    move of the workflow leaves "deceased"; this correction is a right of the International
    Cooperation Office and of administrators, needs the reason, and is written to the
    history, the timeline and the audit trail as a correction."""
    # Before the transaction, so that the audited refusal is kept.
    require(actor, Perm.CORRECT_CASE_RECORDS)
    permissions.require_work(actor, victim.case)
    if status not in LIVING_STATUSES:
        raise ValidationError({"status": _("Choose the status the victim has in fact.")})
    with transaction.atomic():
        locked = VICTIMS.lock(victim, expected_version)
        if locked.status != VictimStatus.DECEASED:
            raise ValidationError(
                _("Only a death can be corrected: this victim is not recorded as deceased.")
            )
        before = audit.snapshot(locked, DEATH_FIELDS)
        for name in DEATH_FIELDS:
            field = Victim._meta.get_field(name)
            assert isinstance(field, models.Field)  # a column of the victim, not a relation  # nosec B101 # narrows the type for mypy; always a column
            setattr(locked, name, field.get_default())
        VICTIMS.correct(
            actor=actor,
            locked=locked,
            to_status=status,
            reason=reason,
            changes=audit.diff(before, audit.snapshot(locked, DEATH_FIELDS)),
        )
        _after_people_change(locked.case)
    return locked


def _not_in_future(at: datetime.datetime | None) -> None:
    if at is not None and at > timezone.now():
        raise ValidationError({"at": _("The time cannot be in the future.")})


def _check_suspect(suspect: Suspect) -> None:
    if not (suspect.name_ko or suspect.name_latin or suspect.name_local or suspect.aliases):
        raise ValidationError({"name_latin": _("Give a name or an alias of the suspect.")})
    if (
        suspect.surrendered_on
        and suspect.arrested_on
        and suspect.surrendered_on < suspect.arrested_on
    ):
        raise ValidationError({"surrendered_on": _("The surrender cannot come before the arrest.")})


def _suspect_keys(suspect: Suspect) -> None:
    aliases = [a.strip() for a in (suspect.aliases or "").split(",") if a.strip()]
    suspect.name_keys = names.name_keys(
        suspect.name_ko, suspect.name_latin, suspect.name_local, *aliases
    )[:400]


@transaction.atomic
def suspect_add(*, actor: User, case: Case, data: dict) -> Suspect:
    permissions.require_work(actor, case)
    suspect = Suspect(case=case, is_illustrative=case.is_illustrative)
    _assign(suspect, data, SUSPECT_FIELDS)
    _prepare_suspect(suspect)
    suspect.save()
    audit.record_created(suspect, actor=actor)
    _after_people_change(case)
    return suspect


@transaction.atomic
def suspect_update(
    *, actor: User, suspect: Suspect, data: dict, expected_version: int | None = None
) -> Suspect:
    return _person_update(
        actor=actor,
        person=suspect,
        data=data,
        fields=SUSPECT_FIELDS,
        prepare=_prepare_suspect,
        expected_version=expected_version,
    )


@transaction.atomic
def identifier_add(
    *, actor: User, suspect: Suspect, kind: str, value: str, note: str = ""
) -> Identifier:
    permissions.require_work(actor, suspect.case)
    if kind not in IdentifierKind.values:
        raise ValidationError({"kind": _("Unknown kind of identifier.")})
    identifier = Identifier(suspect=suspect, kind=kind, note=(note or "").strip())
    if identifier.is_document:
        identifier.set_document_number(value)
        recorded = suspect.identifiers.filter(
            kind=kind, passport_hash__in=protect.blind_indexes(value)
        )
    else:
        identifier.value = (value or "").strip()
        identifier.key = names.identifier_key(kind, value)
        recorded = suspect.identifiers.filter(kind=kind, key=identifier.key)
    if not (identifier.key or identifier.passport_hash):
        raise ValidationError({"value": _("Give the number, handle or address.")})
    if recorded.exists():
        raise ValidationError({"value": _("This identifier is already recorded.")})
    identifier.save()
    audit.record_created(identifier, actor=actor)
    derived.people_changed(suspect.case)
    return identifier


@transaction.atomic
def notice_record(
    *,
    actor: User,
    case: Case,
    colour: str,
    status: str,
    requested_on,
    issued_on=None,
    reference: str = "",
    suspect: Suspect | None = None,
    victim: Victim | None = None,
) -> InterpolNotice:
    """An INTERPOL notice requested or issued for a suspect (Red) or a victim (Yellow for
    the missing, Black for an unidentified body)."""
    permissions.require_work(actor, case)
    errors = {}
    if colour not in NoticeColour.values:
        errors["colour"] = _("Unknown notice.")
    if status not in NoticeStatus.values:
        errors["status"] = _("Unknown status.")
    if colour == NoticeColour.RED and suspect is None:
        errors["suspect"] = _("A Red Notice is for a suspect.")
    if colour in (NoticeColour.YELLOW, NoticeColour.BLACK) and victim is None:
        errors["victim"] = _("A Yellow or Black Notice is for a victim.")
    if (suspect and suspect.case_id != case.pk) or (victim and victim.case_id != case.pk):
        errors["case"] = _("The person is not in this case.")
    if requested_on is None:
        errors["requested_on"] = _("Give the date the notice was requested.")
    elif requested_on > timezone.localdate():
        errors["requested_on"] = _("The date cannot be in the future.")
    if status == NoticeStatus.ISSUED and issued_on is None:
        errors["issued_on"] = _("Give the date the notice was issued.")
    if issued_on and requested_on and issued_on < requested_on:
        errors["issued_on"] = _("A notice is issued after it is requested.")
    if errors:
        raise ValidationError(errors)
    notice = InterpolNotice.objects.create(
        case=case,
        suspect=suspect,
        victim=victim,
        colour=colour,
        status=status,
        requested_on=requested_on,
        issued_on=issued_on,
        reference=(reference or "").strip(),
    )
    audit.record_created(notice, actor=actor)
    return notice


def passport_reveal(*, actor: User, person) -> str:
    """The passport number in clear, for someone allowed to see it; the view is audited."""
    require(actor, Perm.VIEW_PASSPORTS)
    case = person.case
    if not case.__class__.objects.visible_to(actor).filter(pk=case.pk).exists():
        refuse(actor, what=f"cases.case:{case.pk}")
    audit.record(
        AuditAction.VIEW,
        actor=actor,
        obj=person,
        changes={"field": {"before": None, "after": "passport number"}},
    )
    return person.passport_number()


def _after_people_change(case: Case) -> None:
    case.refresh_from_db(fields=["categories", "priority", "first_reported_at"])
    derived.people_changed(case)
    if case.rescue_requested_at is None:
        due = targets.due_times(case)["rescue_request_due_at"]
        Case.objects.filter(pk=case.pk).update(rescue_request_due_at=due)
