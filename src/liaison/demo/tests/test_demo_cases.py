"""The cases demo: the posts and the Bokor Mountain case as the public reports tell them,
and 2000 generated illustrative cases (the generator's own tests: generator/tests)."""

import datetime
import time

import pytest
from django.core.management import call_command
from django.db.models import F

from liaison.agreements.choices import AgreementStatus
from liaison.agreements.tests.factories import AgreementFactory
from liaison.cases.choices import CaseStatus, ProcedureStatus, VictimStatus
from liaison.cases.models import Case, Report, Suspect, TimelineEntry
from liaison.demo import cases as demo
from liaison.demo import load_demo_data
from liaison.personnel.models import Post, PostingRole

pytestmark = pytest.mark.django_db


def officers(post, role=None):
    postings = post.postings.filter(ended_on__isnull=True)
    if role:
        postings = postings.filter(role=role)
    return postings.count()


def test_the_demo_loads_posts_the_bokor_case_and_2000_illustrative_cases_once(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    started = time.monotonic()
    counts, _logins = load_demo_data()
    took = time.monotonic() - started
    assert took < 60, f"the demo took {took:.0f} s"
    assert counts["cases"] >= 2001

    jtf = Post.objects.get(name_en=demo.JTF_NAME)
    assert (jtf.country_id, jtf.city, jtf.host_body.name_en) == (
        "KH",
        "Phnom Penh",
        "Cambodian National Police",
    )
    assert jtf.current_officers().filter(username="overseas").exists()
    manila = Post.objects.get(city="Manila")
    assert officers(manila) == 3
    assert manila.postings.order_by("started_on").first().started_on.year == 2012
    assert officers(Post.objects.get(country_id="TH")) == 2
    embassy = Post.objects.get(name_en__contains="Embassy")
    assert officers(embassy, PostingRole.RESIDENT_OFFICER) == 1
    assert officers(embassy, PostingRole.LIAISON_OFFICER) == 2

    bokor = Case.objects.get(title=demo.BOKOR_TITLE)
    assert not bokor.is_illustrative
    assert (bokor.country_id, bokor.province, bokor.place) == (
        "KH",
        "Kampot",
        "Bokor Mountain area",
    )
    assert bokor.first_reported_at.date().replace(day=1) == datetime.date(2025, 8, 1)
    victim = bokor.victims.get()
    assert victim.name_latin.startswith("A ")
    assert victim.status == VictimStatus.DECEASED
    assert (victim.autopsy_status, victim.remains_status) == (
        ProcedureStatus.AGREED,
        ProcedureStatus.REQUESTED,
    )
    assert sorted(s.nationality_id for s in bokor.suspects.all()) == ["CN", "CN", "CN"]
    # The Joint Task Force MOU was signed in November, after the homicide.
    assert bokor.agreement is None
    assert "signed on 10 November 2025" in bokor.summary
    assert "illustrative" in bokor.summary

    generated = Case.objects.filter(is_illustrative=True)
    assert generated.count() >= 2000
    assert set(generated.values_list("status", flat=True)) == set(CaseStatus.values)
    assert set(generated.values_list("country_id", flat=True)) == {
        "KH", "PH", "TH", "VN", "LA", "MM", "CN", "JP",
    }  # fmt: skip
    years = {d.year for d in generated.values_list("first_reported_at", flat=True)}
    assert {2021, 2026} <= years
    assert not generated.filter(first_reported_at__date__lt=F("agreement__signed_on")).exists()
    assert generated.filter(agreement__title__contains="Joint Task Force").exists()
    assert Report.objects.filter(status="new", case__isnull=True).exists()
    assert Case.objects.visible_to(_user("overseas")).filter(is_illustrative=True).exists()

    again, _ = load_demo_data()
    assert again["cases"] == counts["cases"]


def _user(username):
    from liaison.core.models import User

    return User.objects.get(username=username)


def test_the_bokor_case_has_the_mou_as_legal_basis_when_it_was_in_force(
    cambodia_police, institutions
):
    call_command("sync_countries", verbosity=0)
    cambodia_police.country_id = "KH"
    cambodia_police.save()
    mou = AgreementFactory(
        title="MOU on the South Korea–Cambodia Joint Task Force",
        counterpart=cambodia_police,
        institution=institutions.hq,
        status=AgreementStatus.ACTIVE,
        signed_on=datetime.date(2025, 1, 10),
    )
    case = demo.load_bokor_case(demo.ensure_posts(with_officers=False), actor=None)
    assert case.agreement == mou
    assert "No agreement is linked" not in case.summary
    assert TimelineEntry.objects.filter(case=case, is_illustrative=False).count() == 1
    assert Suspect.objects.filter(case=case, is_illustrative=False).count() == 3
