"""Cases test data: posts with officers, the Joint Task Force agreement in force, and
reports and cases made through the real services."""

import datetime
import itertools
from types import SimpleNamespace

import pytest
from django.utils import timezone

from liaison.agreements.choices import AgreementStatus
from liaison.agreements.tests.factories import AgreementFactory
from liaison.cases import figures, protect
from liaison.cases.choices import CaseStatus, Category, Channel, Outcome
from liaison.cases.models import Case
from liaison.cases.services import intake
from liaison.core.choices import Role
from liaison.core.tests.factories import CountryFactory, PartnerBodyFactory, UserFactory
from liaison.personnel.models import Post, PostingRole, PostKind


@pytest.fixture(autouse=True)
def _keys_and_media_in_tmp(settings, tmp_path):
    """Each test gets its own field-encryption key file and media folder."""
    settings.LIAISON_FIELD_KEYS_FILE = tmp_path / "keys" / "field-keys.json"
    settings.MEDIA_ROOT = tmp_path / "media"
    protect.reload_keys()
    yield
    protect.reload_keys()


@pytest.fixture
def philippines(db):
    return build_philippines()


def build_philippines():
    return CountryFactory(code="PH", alpha3="PHL", numeric="608", name_en="Philippines")


@pytest.fixture
def posts(personas, cambodia_police, philippines):
    return build_posts(personas, cambodia_police, philippines)


def build_posts(personas, cambodia_police, philippines) -> SimpleNamespace:
    """The Joint Task Force in Phnom Penh, where `personas.overseas` serves, and the Korean
    Desk in Manila with its own officer (`posts.manila_officer`)."""
    today = timezone.localdate()
    task_force = Post.objects.create(
        kind=PostKind.JOINT_TASK_FORCE,
        name_en="Korea–Cambodia Joint Task Force",
        country=cambodia_police.country,
        city="Phnom Penh",
        host_body=cambodia_police,
        time_zone="Asia/Phnom_Penh",
    )
    task_force.postings.create(
        officer=personas.overseas,
        role=PostingRole.TASK_FORCE_MEMBER,
        started_on=today - datetime.timedelta(days=30),
    )
    pnp = PartnerBodyFactory(name_en="Philippine National Police", country=philippines)
    manila = Post.objects.create(
        kind=PostKind.KOREAN_DESK,
        name_en="Korean Desk, Philippine National Police",
        country=philippines,
        city="Manila",
        host_body=pnp,
        time_zone="Asia/Manila",
    )
    manila_officer = UserFactory(
        username="manila", role=Role.OVERSEAS_OFFICER, time_zone="Asia/Manila"
    )
    manila.postings.create(
        officer=manila_officer,
        role=PostingRole.DESK_OFFICER,
        started_on=today - datetime.timedelta(days=400),
    )
    return SimpleNamespace(task_force=task_force, manila=manila, manila_officer=manila_officer)


@pytest.fixture
def task_force_mou(cambodia_police, institutions):
    return build_task_force_mou(cambodia_police, institutions)


def build_task_force_mou(cambodia_police, institutions):
    """The Joint Task Force MOU with the Cambodian National Police, in force."""
    return AgreementFactory(
        title="MOU on the establishment of the Korea–Cambodia Joint Task Force",
        counterpart=cambodia_police,
        country=cambodia_police.country,
        institution=institutions.hq,
        status=AgreementStatus.ACTIVE,
        signed_on=timezone.localdate() - datetime.timedelta(days=60),
    )


def report_data(country, **overrides):
    data = {
        "channel": Channel.FAMILY,
        "received_at": timezone.now() - datetime.timedelta(minutes=20),
        "country": country,
        "province": "Preah Sihanouk",
        "city": "Sihanoukville",
        "place": "Compound near the Golden Lion roundabout",
        "categories": [Category.CONFINEMENT, Category.EMPLOYMENT_SCAM],
        "narrative": "My son went for a job offer on Telegram and is held in a compound.",
        "reporter_name": "Kim Young-hee",
        "reporter_relation": "mother",
        "reporter_contact": "+82 10-1234-5678",
        "person_name": "김민준",
        "person_name_latin": "KIM Minjun",
        "person_phone": "+855 12 345 678",
        "passport_number": "M12345678",
        "life_at_risk": True,
    }
    data.update(overrides)
    return data


def overdue_case(personas, posts, country, *, title: str) -> Case:
    """A case of the task force opened from a report received three hours ago and never
    acknowledged: urgent (a life at risk) and overdue."""
    report = intake.report_receive(
        actor=personas.overseas,
        data=report_data(
            country,
            post=posts.task_force,
            received_at=timezone.now() - datetime.timedelta(hours=3),
        ),
    )
    return intake.case_open(actor=personas.overseas, reports=[report], title=title)


@pytest.fixture
def received_report(personas, posts, cambodia_police):
    return build_received_report(personas, posts, cambodia_police)


def build_received_report(personas, posts, cambodia_police):
    return intake.report_receive(
        actor=personas.overseas,
        data=report_data(cambodia_police.country, post=posts.task_force),
    )


@pytest.fixture
def same_phone_report(personas, posts, cambodia_police):
    """The embassy's report about the same person as `received_report`, elsewhere and by
    another channel: only the phone, written another way, is the same."""
    return intake.report_receive(
        actor=personas.overseas,
        data=report_data(
            cambodia_police.country,
            channel=Channel.EMBASSY,
            city="Bavet",
            province="Svay Rieng",
            person_name="",
            person_name_latin="",
            passport_number="",
            person_phone="012-345-678",
            post=posts.task_force,
        ),
    )


@pytest.fixture
def open_case(personas, received_report, cambodia_police, task_force_mou):
    return build_open_case(personas, received_report, cambodia_police, task_force_mou)


def build_open_case(personas, received_report, cambodia_police, task_force_mou):
    """A case opened from the report, with the CNP as partner and the MOU as legal basis."""
    from liaison.cases.services import casework

    case = intake.case_open(
        actor=personas.overseas, reports=[received_report], title="Confinement in Sihanoukville"
    )
    return casework.case_update(
        actor=personas.overseas,
        case=case,
        data={"partner_body": cambodia_police, "agreement": task_force_mou},
        expected_version=case.version,
    )


_numbers = itertools.count(1)
H = datetime.timedelta(hours=1)


def make_case(country, *, post=None, reported=None, status=CaseStatus.TRIAGED, **fields):
    """A case as the workflow leaves it, written straight to the database so that its
    history (reported two years ago, rescued after 10 hours) can be set; its kept counts
    are rewritten as the services do."""
    n = next(_numbers)
    if status == CaseStatus.CLOSED:
        fields.setdefault("outcome", Outcome.VICTIM_SAFE)
    case = Case.objects.create(
        reference=f"T-{n:05d}",
        title=f"Test case {n}",
        country=country,
        post=post,
        place_time_zone="Asia/Phnom_Penh",
        first_reported_at=reported or timezone.now() - 72 * H,
        status=status,
        **fields,
    )
    figures.refresh(figures.keys(case))
    return case
