"""A victim's status follows its own table (cases.workflow.VICTIM_TRANSITIONS): the moves
a person can make between missing, located, confined, rescued, in protection, repatriated
and deceased. An illegal move is refused with the moves allowed; a death recorded by
mistake is undone only by the office's or an administrator's audited correction."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from liaison.cases.choices import EntryKind, ProcedureStatus, VictimStatus
from liaison.cases.models import Victim
from liaison.cases.services import people
from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent

pytestmark = pytest.mark.django_db

V = VictimStatus


@pytest.fixture
def victim(open_case) -> Victim:
    return open_case.victims.get()


def walk(victim, actor, *statuses) -> Victim:
    for status in statuses:
        victim = people.victim_set_status(actor=actor, victim=victim, status=status)
    return victim


@pytest.fixture
def dead_by_mistake(victim, personas) -> Victim:
    """A victim recorded as confined, then as deceased with a date and an autopsy agreed:
    the partner police's report was about someone else."""
    walk(victim, personas.overseas, V.CONFINED, V.DECEASED)
    return people.victim_update(
        actor=personas.overseas,
        victim=Victim.objects.get(pk=victim.pk),
        data={"died_on": timezone.localdate(), "autopsy_status": ProcedureStatus.AGREED},
    )


def test_a_move_the_table_does_not_allow_is_refused_naming_the_moves_allowed(victim, personas):
    confined = walk(victim, personas.overseas, V.CONFINED)
    with pytest.raises(ValidationError) as refused:
        people.victim_set_status(actor=personas.overseas, victim=confined, status=V.REPATRIATED)
    assert refused.value.messages == [
        "A victim who is 'Confined' cannot be recorded as 'Repatriated'; the moves allowed "
        "from 'Confined' are to 'Missing', 'Rescued', 'In protection / hospital' and "
        "'Deceased'."
    ]
    assert Victim.objects.get(pk=victim.pk).status == V.CONFINED
    assert victim.status_changes.count() == 2  # the report's "missing" and "confined"


def test_a_rescued_victim_is_repatriated_and_the_move_is_kept_and_audited(victim, personas):
    rescued = walk(victim, personas.overseas, V.CONFINED, V.RESCUED)
    home = people.victim_set_status(
        actor=personas.overseas, victim=rescued, status=V.REPATRIATED, note="Flight KE690."
    )
    assert home.status == V.REPATRIATED and home.version == rescued.version + 1
    change = home.status_changes.last()
    assert (change.from_status, change.to_status, change.note, change.actor) == (
        V.RESCUED,
        V.REPATRIATED,
        "Flight KE690.",
        personas.overseas,
    )
    moves = AuditEvent.objects.filter(object_type="cases.victim", object_id=str(home.pk))
    entry = moves.filter(action=AuditAction.TRANSITION).order_by("-pk").first()
    assert (entry.actor, entry.changes, entry.reason) == (
        personas.overseas,
        {"status": {"before": "rescued", "after": "repatriated"}},
        "Flight KE690.",
    )
    body = home.case.timeline.filter(kind=EntryKind.VICTIM_STATUS).order_by("-pk").first().body
    assert body == "김민준 (KIM Minjun): Rescued → Repatriated\nFlight KE690."


def test_a_missing_victim_found_in_a_raid_is_rescued_without_being_located_first(victim, personas):
    assert walk(victim, personas.overseas, V.RESCUED).status == V.RESCUED


def test_a_rescued_victim_can_be_confined_again(victim, personas):
    # Compounds re-sell people: the same person is followed, not a new victim.
    assert walk(victim, personas.overseas, V.RESCUED, V.CONFINED).status == V.CONFINED


def test_a_repatriated_victim_can_only_be_recorded_as_deceased(victim, personas):
    home = walk(victim, personas.overseas, V.REPATRIATED)
    with pytest.raises(
        ValidationError, match="the moves allowed from 'Repatriated' are to 'Deceased'"
    ):
        people.victim_set_status(actor=personas.overseas, victim=home, status=V.CONFINED)


def test_a_deceased_victim_does_not_move_and_the_refusal_says_who_corrects(
    dead_by_mistake, personas
):
    with pytest.raises(ValidationError) as refused:
        people.victim_set_status(actor=personas.ico, victim=dead_by_mistake, status=V.RESCUED)
    assert refused.value.message_dict["status"] == [
        "A deceased victim's status does not change. A death recorded by mistake is corrected "
        "by the International Cooperation Office or an administrator."
    ]


@pytest.mark.parametrize("persona", ["ico", "admin"])
def test_the_office_or_an_administrator_corrects_a_death_recorded_by_mistake(
    dead_by_mistake, personas, persona
):
    actor = getattr(personas, persona)
    corrected = people.victim_correct_death(
        actor=actor,
        victim=dead_by_mistake,
        status=V.CONFINED,
        reason="The CNP's report of a death was about another person.",
        expected_version=dead_by_mistake.version,
    )
    assert corrected.status == V.CONFINED
    assert (corrected.died_on, corrected.autopsy_status) == (None, "")
    assert corrected.version == dead_by_mistake.version + 1
    change = corrected.status_changes.last()
    assert (change.from_status, change.to_status, change.actor, change.is_correction) == (
        V.DECEASED,
        V.CONFINED,
        actor,
        True,
    )
    assert change.note == "The CNP's report of a death was about another person."
    entry = AuditEvent.objects.get(action=AuditAction.CORRECTION)
    assert (entry.actor, entry.actor_role, entry.object_type, entry.object_id) == (
        actor,
        actor.role,
        "cases.victim",
        str(corrected.pk),
    )
    assert entry.changes == {
        "status": {"before": "deceased", "after": "confined"},
        "died_on": {"before": timezone.localdate().isoformat(), "after": None},
        "autopsy_status": {"before": "agreed", "after": ""},
    }
    assert entry.reason == "The CNP's report of a death was about another person."
    body = corrected.case.timeline.filter(kind=EntryKind.VICTIM_STATUS).order_by("-pk").first().body
    assert body.startswith(
        "김민준 (KIM Minjun): a death recorded by mistake, corrected to 'Confined'"
    )
    # The correction puts the victim back in the table: the moves go on from there.
    assert walk(corrected, personas.overseas, V.RESCUED).status == V.RESCUED


@pytest.mark.parametrize("persona", ["overseas", "analyst"])
def test_no_one_else_may_correct_a_death_and_the_refusal_is_audited(
    dead_by_mistake, personas, persona
):
    actor = getattr(personas, persona)
    with pytest.raises(PermissionDenied):
        people.victim_correct_death(
            actor=actor, victim=dead_by_mistake, status=V.CONFINED, reason="Not dead."
        )
    assert Victim.objects.get(pk=dead_by_mistake.pk).status == V.DECEASED
    refusal = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
    assert (refusal.actor, refusal.object_type, refusal.reason) == (
        actor,
        "cases.correct",
        "permission",
    )
    assert not AuditEvent.objects.filter(action=AuditAction.CORRECTION).exists()


def test_a_correction_needs_the_reason(dead_by_mistake, personas):
    with pytest.raises(ValidationError) as refused:
        people.victim_correct_death(
            actor=personas.ico, victim=dead_by_mistake, status=V.CONFINED, reason="  "
        )
    assert refused.value.message_dict == {
        "reason": ["A correction needs a written reason: say what was recorded by mistake."]
    }
    assert Victim.objects.get(pk=dead_by_mistake.pk).died_on == timezone.localdate()


def test_only_a_death_is_corrected_and_only_to_a_living_status(victim, dead_by_mistake, personas):
    with pytest.raises(ValidationError, match="status the victim has in fact"):
        people.victim_correct_death(
            actor=personas.ico, victim=dead_by_mistake, status=V.DECEASED, reason="Typo."
        )
    other = people.victim_add(
        actor=personas.overseas, case=victim.case, data={"name_latin": "PARK Jiho"}
    )
    with pytest.raises(ValidationError, match="Only a death can be corrected"):
        people.victim_correct_death(
            actor=personas.ico, victim=other, status=V.RESCUED, reason="Typo."
        )


def test_a_stale_correction_is_refused_with_the_version_now(dead_by_mistake, personas):
    with pytest.raises(ValidationError) as refused:
        people.victim_correct_death(
            actor=personas.ico,
            victim=dead_by_mistake,
            status=V.CONFINED,
            reason="Not dead.",
            expected_version=dead_by_mistake.version - 1,
        )
    assert refused.value.code == "stale"
    assert refused.value.current_version == dead_by_mistake.version


# --- the page ------------------------------------------------------------------------------


def people_tab(client, case):
    response = client.get(reverse("cases:detail", args=[case.pk]), {"tab": "people"})
    assert response.status_code == 200
    return response


def test_the_page_offers_only_the_statuses_the_table_allows(client_for, victim, personas):
    confined = walk(victim, personas.overseas, V.CONFINED)
    response = people_tab(client_for(personas.overseas), confined.case)
    row = next(v for v in response.context["victims"] if v.pk == victim.pk)
    offered = [value for value, _label in row.status_form.fields["status"].choices]
    assert offered == [V.MISSING, V.RESCUED, V.IN_PROTECTION, V.DECEASED]


def test_the_page_offers_the_correction_to_the_office_only(client_for, dead_by_mistake, personas):
    form_id = f'id="action-victim_correct_death-{dead_by_mistake.pk}"'
    office = people_tab(client_for(personas.ico), dead_by_mistake.case).content.decode()
    assert form_id in office
    officer = people_tab(client_for(personas.overseas), dead_by_mistake.case)
    assert form_id not in officer.content.decode()
    assert "victim-status-form" not in officer.content.decode()  # no move leaves "deceased"


def test_the_office_corrects_a_death_on_the_page(client_for, dead_by_mistake, personas):
    url = reverse(
        "cases:item_action",
        args=[dead_by_mistake.case_id, "victim_correct_death", dead_by_mistake.pk],
    )
    prefix = f"correction-{dead_by_mistake.pk}"
    data = {f"{prefix}-status": V.CONFINED, f"{prefix}-version": dead_by_mistake.version}
    client = client_for(personas.ico)
    missing_reason = client.post(url, data)
    assert missing_reason.status_code == 400
    assert "A correction needs a written reason" in missing_reason.content.decode()
    done = client.post(url, {**data, f"{prefix}-reason": "Another person's body."})
    assert done.status_code == 302
    assert Victim.objects.get(pk=dead_by_mistake.pk).status == V.CONFINED
    history = people_tab(client, dead_by_mistake.case).content.decode()
    assert "data-correction" in history


def test_an_overseas_officer_posting_a_correction_is_refused_403(
    client_for, dead_by_mistake, personas
):
    url = reverse(
        "cases:item_action",
        args=[dead_by_mistake.case_id, "victim_correct_death", dead_by_mistake.pk],
    )
    prefix = f"correction-{dead_by_mistake.pk}"
    response = client_for(personas.overseas).post(
        url, {f"{prefix}-status": V.CONFINED, f"{prefix}-reason": "Not dead."}
    )
    assert response.status_code == 403
    assert Victim.objects.get(pk=dead_by_mistake.pk).status == V.DECEASED
    assert AuditEvent.objects.filter(
        action=AuditAction.ACCESS_DENIED, actor=personas.overseas, object_type="cases.correct"
    ).exists()


def test_the_correction_form_starts_from_the_status_before_the_death(
    client_for, dead_by_mistake, personas
):
    response = people_tab(client_for(personas.ico), dead_by_mistake.case)
    row = next(v for v in response.context["victims"] if v.pk == dead_by_mistake.pk)
    assert row.correction_form.initial["status"] == V.CONFINED


def test_a_status_time_in_the_future_is_refused(victim, personas):
    later = timezone.now() + datetime.timedelta(hours=2)
    with pytest.raises(ValidationError) as refused:
        people.victim_set_status(actor=personas.overseas, victim=victim, status=V.LOCATED, at=later)
    assert "at" in refused.value.message_dict
