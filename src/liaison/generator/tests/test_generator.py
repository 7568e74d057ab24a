"""Generated illustrative cases look exactly like what the services produce: the kept
search keys and due times, a history the lifecycle allows, passports found and decrypted;
and the same seed gives the same cases."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from liaison.cases import workflow
from liaison.cases.choices import CaseStatus
from liaison.cases.models import Case, Report, Victim
from liaison.cases.services import search, targets
from liaison.demo import cases as demo
from liaison.generator.cases import generate
from liaison.personnel.models import Post

pytestmark = pytest.mark.django_db


def run(posts: dict[str, Post]):
    """150 cases of seed 7 filed under the demo's posts; the cases in the database."""
    filing = demo.case_filing(posts)
    generate(
        cases=150, people=300, actor=None, seed=7, start=datetime.date(2021, 1, 1), filing=filing
    )
    return Case.objects.order_by("pk")


@pytest.fixture
def generated(db):
    call_command("sync_countries", verbosity=0)
    return run(demo.ensure_posts(with_officers=False))


def test_generated_cases_hold_what_the_services_would_have_computed(generated):
    for case in generated:
        assert case.search_keys == search.case_search_keys(case), case.reference
        assert case.acknowledge_due_at == targets.due_times(case)["acknowledge_due_at"]
        assert (
            case.reference == f"C-{timezone.localtime(case.first_reported_at).year}-{case.pk:06d}"
        )
        for victim in case.victims.all():
            assert victim.status_changes.order_by("at", "pk").last().to_status == victim.status


def test_each_generated_case_could_have_reached_its_status_by_the_lifecycle(generated):
    now = timezone.now()
    for case in generated.exclude(status=CaseStatus.RECEIVED):
        moves = list(case.transitions.order_by("at", "pk"))
        assert moves[-1].to_status == case.status
        previous = case.first_reported_at
        for move in moves:
            assert (move.from_status, move.to_status) in workflow.TRANSITIONS
            assert previous <= move.at <= now
            previous = move.at
        last = moves[-1]
        if case.status != CaseStatus.CLOSED:
            rule = workflow.TRANSITIONS[(last.from_status, last.to_status)]
            assert [p.missing(case) for p in rule.preconditions] == [None] * len(
                rule.preconditions
            ), case.reference
        else:
            assert case.outcome and case.closed_at == last.at


def test_each_generated_victim_could_have_reached_its_status_by_the_victim_table(generated):
    for victim in Victim.objects.filter(case__in=generated):
        changes = list(victim.status_changes.order_by("at", "pk"))
        assert changes[0].from_status == ""
        for change in changes[1:]:
            assert (change.from_status, change.to_status) in workflow.VICTIM_TRANSITIONS


def test_a_generated_passport_is_found_by_exact_search_and_decrypts(generated):
    victim = Victim.objects.exclude(passport_hash="").first()
    number = victim.passport_number()
    assert number.startswith("M") and len(number) == 9
    assert list(Case.objects.filter(search.by_passport(number))) == [victim.case]


def test_generation_is_deterministic(generated):
    first = list(Victim.objects.order_by("pk").values_list("name_ko", "name_latin")[:50])
    Report.objects.all().delete()
    Case.objects.all().delete()  # cascades; timeline rows go with their cases
    run(demo.ensure_posts(with_officers=False))
    second = list(Victim.objects.order_by("pk").values_list("name_ko", "name_latin")[:50])
    assert first == second
