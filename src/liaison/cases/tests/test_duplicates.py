"""Several reports about one person end up in one case: intake shows possible duplicates."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from liaison.cases.services import intake

from .conftest import report_data

pytestmark = pytest.mark.django_db


def second_report(personas, country, **overrides):
    defaults = {
        "channel": "embassy",
        "reporter_name": "Consular officer",
        "passport_number": "",
        "person_phone": "",
    }
    data = report_data(country, **(defaults | overrides))
    return intake.report_receive(actor=personas.overseas, data=data)


def test_a_report_naming_the_same_person_in_another_spelling_points_to_the_case(
    personas, open_case, cambodia_police
):
    other = second_report(
        personas, cambodia_police.country, person_name="", person_name_latin="Gim Min-jun"
    )
    found = intake.possible_duplicates(other)
    assert found[0].case == open_case
    assert "same name" in found[0].reasons


def test_the_same_phone_in_another_format_is_a_duplicate(personas, open_case, cambodia_police):
    other = second_report(
        personas,
        cambodia_police.country,
        person_name="",
        person_name_latin="",
        person_phone="012-345-678",
        city="Phnom Penh",
    )
    found = intake.possible_duplicates(other)
    assert [d.case for d in found] == [open_case]
    assert found[0].reasons == ["same phone number"]


def test_the_same_passport_among_unattached_reports_is_a_duplicate(
    personas, received_report, cambodia_police
):
    other = second_report(
        personas,
        cambodia_police.country,
        person_name="",
        person_name_latin="",
        passport_number="m1234-5678",
        city="Bavet",
    )
    found = intake.possible_duplicates(other)
    assert found[0].report == received_report
    assert "same passport number" in found[0].reasons


def test_the_same_place_within_days_is_a_duplicate_but_not_a_month_later(
    personas, open_case, cambodia_police
):
    nearby = second_report(
        personas, cambodia_police.country, person_name="", person_name_latin="Unknown"
    )
    assert "same place within 3 days" in intake.possible_duplicates(nearby)[0].reasons
    later = second_report(
        personas,
        cambodia_police.country,
        person_name="",
        person_name_latin="Unknown",
        received_at=timezone.now() + datetime.timedelta(minutes=1) - datetime.timedelta(days=0),
        happened_at=timezone.now() - datetime.timedelta(days=40),
    )
    assert all(d.case != open_case for d in intake.possible_duplicates(later))


def test_attaching_a_second_report_does_not_add_the_same_victim_twice(
    personas, open_case, cambodia_police
):
    other = second_report(
        personas, cambodia_police.country, person_name="김민준", person_name_latin=""
    )
    intake.report_attach(actor=personas.overseas, report=other, case=open_case)
    assert open_case.victims.count() == 1
    assert open_case.reports.count() == 2
    with pytest.raises(ValidationError, match="already attached"):
        intake.report_attach(actor=personas.overseas, report=other, case=open_case)


def test_a_full_report_without_what_happened_is_refused_naming_the_field(personas, cambodia_police):
    with pytest.raises(ValidationError) as refused:
        intake.report_receive(
            actor=personas.overseas, data=report_data(cambodia_police.country, narrative="")
        )
    assert "narrative" in refused.value.message_dict


def test_quick_intake_needs_only_the_country_and_what_happened(personas, cambodia_police):
    report = intake.report_receive(
        actor=personas.overseas,
        data={"country": cambodia_police.country, "narrative": "Son confined in Sihanoukville"},
        quick=True,
    )
    assert report.is_quick_intake
    assert report.reference.startswith("R-")
    assert report.place_time_zone == "Asia/Phnom_Penh"


def test_an_analyst_cannot_take_a_report(personas, cambodia_police):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        intake.report_receive(actor=personas.analyst, data=report_data(cambodia_police.country))
