"""Taking a report through the pages: the full form with times typed in the place's own
zone, the one-screen quick intake of a night call, and completing it later."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison.cases.choices import Category, Channel
from liaison.cases.models import Report
from liaison.cases.services import intake
from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent

from .conftest import report_data

pytestmark = pytest.mark.django_db

PHNOM_PENH = zoneinfo.ZoneInfo("Asia/Phnom_Penh")


def yesterday_at(hour: int, minute: int, zone=PHNOM_PENH) -> datetime.datetime:
    day = timezone.localtime(timezone.now(), zone).date() - datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)


def full_post(country, **overrides) -> dict:
    received = yesterday_at(21, 10)
    data = {
        "channel": Channel.FAMILY,
        "place_time_zone": "Asia/Phnom_Penh",
        "received_at": received.strftime("%Y-%m-%dT%H:%M"),
        "happened_at": (received - datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "country": country.code,
        "province": "Preah Sihanouk",
        "city": "Sihanoukville",
        "place": "Compound near the Golden Lion roundabout",
        "categories": [Category.CONFINEMENT, Category.EMPLOYMENT_SCAM],
        "narrative": "My son went for a job offer on Telegram and is held in a compound.",
        "life_at_risk": "on",
        "reporter_name": "Kim Young-hee",
        "reporter_relation": "mother",
        "reporter_contact": "+82 10-1234-5678",
        "person_name": "김민준",
        "person_name_latin": "KIM Minjun",
        "person_phone": "+855 12 345 678",
        "passport_number": "M12345678",
        "person_date_of_birth": "1999-04-02",
        "intake_form": "full",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_full_form_stores_times_typed_in_the_places_zone_as_utc(
    client_for, personas, posts, cambodia_police
):
    data = full_post(cambodia_police.country, post=posts.task_force.pk)
    response = client_for(personas.overseas).post(reverse("cases:report_new"), data)
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:report_detail", args=[report.pk])
    # 21:10 in Phnom Penh (UTC+7) is 14:10 UTC.
    assert report.received_at == yesterday_at(21, 10)
    assert report.received_at.astimezone(datetime.UTC).hour == 14
    assert report.happened_at == yesterday_at(18, 10)
    assert report.place_time_zone == "Asia/Phnom_Penh"
    assert report.categories == [Category.EMPLOYMENT_SCAM, Category.CONFINEMENT]
    assert report.passport_number() == "M12345678"
    assert report.person_date_of_birth == datetime.date(1999, 4, 2)
    assert report.post == posts.task_force and report.recorded_by == personas.overseas
    assert report.life_at_risk and not report.is_quick_intake


def test_the_full_form_starts_from_the_officers_post_and_says_which_zone_times_are_in(
    client_for, personas, posts, cambodia_police
):
    response = client_for(personas.overseas).get(reverse("cases:report_new"))
    form = response.context["form"]
    assert form.initial["country"] == cambodia_police.country
    assert form.initial["post"] == posts.task_force
    assert form.initial["place_time_zone"] == "Asia/Phnom_Penh"
    now_there = timezone.localtime(timezone.now(), PHNOM_PENH).replace(tzinfo=None)
    assert abs(form.initial["received_at"] - now_there) < datetime.timedelta(minutes=2)
    html = response.content.decode()
    assert "data-zone-shown>Asia/Phnom_Penh<" in html
    assert '<option value="KH" selected data-zone="Asia/Phnom_Penh">' in html


def test_a_report_missing_required_fields_is_refused_naming_each_field(
    client_for, personas, posts, cambodia_police
):
    data = full_post(cambodia_police.country, narrative="", categories=None, channel="")
    response = client_for(personas.overseas).post(reverse("cases:report_new"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["narrative"] == ["Say what happened."]
    assert errors["categories"] == ["Choose at least one category."]
    assert errors["channel"] == ["Choose how the report came in."]
    assert 'data-error-for="narrative"' in response.content.decode()
    assert not Report.objects.exists()


def test_a_time_received_in_the_future_is_refused_with_a_message(
    client_for, personas, posts, cambodia_police
):
    tomorrow = timezone.localtime(timezone.now(), PHNOM_PENH) + datetime.timedelta(days=1)
    data = full_post(
        cambodia_police.country,
        received_at=tomorrow.strftime("%Y-%m-%dT%H:%M"),
        happened_at=None,
    )
    response = client_for(personas.overseas).post(reverse("cases:report_new"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["received_at"] == [
        "The time received cannot be in the future."
    ]


def test_a_nonsense_time_is_refused_not_a_server_error(
    client_for, personas, posts, cambodia_police
):
    data = full_post(cambodia_police.country, received_at="yesterday at nine")
    response = client_for(personas.overseas).post(reverse("cases:report_new"), data)
    assert response.status_code == 400
    assert "received_at" in response.context["form"].errors


def test_the_quick_intake_screen_is_ready_for_a_night_call(client_for, personas, posts):
    response = client_for(personas.overseas).get(reverse("cases:quick_intake"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="narrative"' in html and "autofocus" in html
    assert 'name="life_at_risk" id="id_life_at_risk" checked' in html
    assert "data-enter-submits" in html and 'id="save-quick"' in html
    assert response.context["form"].initial["country"] == posts.task_force.country


def test_a_quick_intake_is_saved_with_the_essentials_and_marked_to_complete(
    client_for, personas, posts, cambodia_police
):
    client = client_for(personas.overseas)
    response = client.post(
        reverse("cases:quick_intake"),
        {
            "narrative": "My son is confined in a compound in Sihanoukville",
            "country": cambodia_police.country.code,
            "city": "Sihanoukville",
            "person": "김민준",
            "reporter_contact": "+82 10-9876-5432",
            "categories": [Category.CONFINEMENT],
            "life_at_risk": "on",
            "intake_form": "quick",
        },
    )
    report = Report.objects.get()
    assert response.status_code == 302
    assert report.is_quick_intake  # to be completed, although it has a category
    assert report.life_at_risk and report.categories == [Category.CONFINEMENT]
    assert report.person_name == "김민준" and report.person_name_latin == ""
    assert report.reporter_contact == "+82 10-9876-5432"
    assert report.post == posts.task_force and report.place_time_zone == "Asia/Phnom_Penh"
    assert report.received_at > timezone.now() - datetime.timedelta(minutes=1)
    page = client.get(response["Location"])
    assert "Complete it when the call is over" in page.content.decode()
    assert 'data-flag="to-complete"' in page.content.decode()


def test_a_latin_name_in_quick_intake_is_kept_as_the_latin_name(
    client_for, personas, posts, cambodia_police
):
    client_for(personas.overseas).post(
        reverse("cases:quick_intake"),
        {"narrative": "Missing since Friday", "country": cambodia_police.country.code,
         "person": "Kim Minjun"},
    )  # fmt: skip
    report = Report.objects.get()
    assert report.person_name_latin == "Kim Minjun" and not report.life_at_risk


def test_a_quick_intake_without_what_happened_is_refused_naming_it(
    client_for, personas, posts, cambodia_police
):
    response = client_for(personas.overseas).post(
        reverse("cases:quick_intake"), {"narrative": " ", "country": cambodia_police.country.code}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["narrative"] == ["Say what happened."]


@pytest.fixture
def quick_report(personas, posts, cambodia_police):
    return intake.report_receive(
        actor=personas.overseas,
        data={
            "country": cambodia_police.country,
            "narrative": "Son confined",
            "post": posts.task_force,
        },
        quick=True,
    )


def test_completing_a_quick_intake_on_the_edit_page_clears_the_flag(
    client_for, personas, quick_report, cambodia_police
):
    client = client_for(personas.overseas)
    page = client.get(reverse("cases:report_edit", args=[quick_report.pk]))
    assert page.context["form"].initial["version"] == quick_report.version
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(quick_report.pk))
    assert page.context["form"].initial["narrative"] == "Son confined"
    data = full_post(cambodia_police.country, version=quick_report.version, passport_number="")
    response = client.post(reverse("cases:report_edit", args=[quick_report.pk]), data)
    assert response.status_code == 302
    quick_report.refresh_from_db()
    assert not quick_report.is_quick_intake
    assert quick_report.channel == Channel.FAMILY
    assert quick_report.received_at == yesterday_at(21, 10)
    assert quick_report.person_name == "김민준"


def test_completing_a_report_someone_else_changed_meanwhile_is_refused(
    client_for, personas, quick_report, cambodia_police
):
    data = full_post(cambodia_police.country, version=quick_report.version - 1)
    response = client_for(personas.overseas).post(
        reverse("cases:report_edit", args=[quick_report.pk]), data
    )
    assert response.status_code == 400
    assert "Someone else changed this report" in response.content.decode()
    quick_report.refresh_from_db()
    assert quick_report.is_quick_intake


def test_an_empty_passport_on_completion_keeps_the_number_on_file(
    client_for, personas, posts, cambodia_police
):
    report = intake.report_receive(
        actor=personas.overseas, data=report_data(cambodia_police.country, post=posts.task_force)
    )
    client = client_for(personas.overseas)
    page = client.get(reverse("cases:report_edit", args=[report.pk]))
    assert "M12345678" not in page.content.decode()
    assert "••••••78" in page.content.decode()
    data = full_post(cambodia_police.country, version=report.version, passport_number="")
    assert client.post(reverse("cases:report_edit", args=[report.pk]), data).status_code == 302
    report.refresh_from_db()
    assert report.passport_number() == "M12345678"
