"""Nothing typed at intake is lost: the submission is stored before it is processed, a
failure while processing gives the form back filled in (never the generic error page),
and the officer can reopen an unprocessed submission and save it later."""

import json

import pytest
from django.urls import reverse

from liaison.cases.models import IntakeSubmission, Report
from liaison.cases.services import intake

pytestmark = pytest.mark.django_db

NARRATIVE = "아들이 시아누크빌 단지에 감금되어 있습니다 — held since Tuesday, beaten"


def quick(country, **overrides) -> dict:
    data = {
        "narrative": NARRATIVE,
        "country": country.code,
        "city": "Sihanoukville",
        "person": "김민준",
        "reporter_contact": "+82 10-9876-5432",
        "categories": ["confinement", "assault"],
        "life_at_risk": "on",
        "intake_form": "quick",
    }
    return data | overrides


def broken(*args, **kwargs):
    raise RuntimeError("database driver lost the connection")


def test_every_submission_is_stored_as_typed_without_the_csrf_token(
    client_for, personas, posts, cambodia_police
):
    data = quick(cambodia_police.country, csrfmiddlewaretoken="not-for-the-record")
    client_for(personas.overseas).post(reverse("cases:quick_intake"), data)
    submission = IntakeSubmission.objects.get()
    assert submission.report == Report.objects.get()
    assert submission.submitted_by == personas.overseas
    assert submission.payload["narrative"] == NARRATIVE
    assert submission.payload["categories"] == ["confinement", "assault"]
    assert "csrfmiddlewaretoken" not in submission.payload


def test_a_failure_inside_processing_keeps_the_submission_and_gives_the_typed_form_back(
    client_for, personas, posts, cambodia_police, monkeypatch
):
    monkeypatch.setattr(intake, "report_receive", broken)
    response = client_for(personas.overseas).post(
        reverse("cases:quick_intake"), quick(cambodia_police.country)
    )
    submission = IntakeSubmission.objects.get()
    html = response.content.decode()
    assert response.status_code == 503  # the form again, not the generic error page
    assert submission.payload["narrative"] == NARRATIVE
    assert submission.payload["reporter_contact"] == "+82 10-9876-5432"
    assert submission.report is None
    assert "RuntimeError: database driver lost the connection" in submission.failure
    assert f"Your report was saved as submission {submission.pk}" in html
    assert "nothing is lost" in html
    assert NARRATIVE in html and "+82 10-9876-5432" in html and 'value="김민준"' in html
    assert not Report.objects.exists()


def test_a_failure_in_the_full_form_gives_back_every_field(
    client_for, personas, posts, cambodia_police, monkeypatch
):
    from .test_intake_forms import full_post

    monkeypatch.setattr(intake, "report_receive", broken)
    data = full_post(cambodia_police.country, narrative=NARRATIVE, others_involved="Two guards")
    response = client_for(personas.overseas).post(reverse("cases:report_new"), data)
    html = response.content.decode()
    assert response.status_code == 503
    for typed in (NARRATIVE, "Two guards", "Kim Young-hee", "M12345678", "KIM Minjun"):
        assert typed in html
    assert IntakeSubmission.objects.get().payload["others_involved"] == "Two guards"


def test_when_even_storing_fails_the_form_comes_back_with_the_browser_copy_notice(
    client_for, personas, posts, cambodia_police, monkeypatch
):
    monkeypatch.setattr(intake, "submission_record", broken)
    response = client_for(personas.overseas).post(
        reverse("cases:quick_intake"), quick(cambodia_police.country)
    )
    html = response.content.decode()
    assert response.status_code == 503
    assert "The server could not store your report just now" in html
    assert NARRATIVE in html


def test_a_refused_form_is_not_listed_as_unprocessed(client_for, personas, posts, cambodia_police):
    client = client_for(personas.overseas)
    response = client.post(
        reverse("cases:quick_intake"), quick(cambodia_police.country, narrative="")
    )
    assert response.status_code == 400
    assert IntakeSubmission.objects.count() == 1  # stored all the same
    assert list(client.get(reverse("cases:unprocessed")).context["items"]) == []


def test_an_unprocessed_submission_is_reopened_filled_in_and_leaves_the_list_once_saved(
    client_for, personas, posts, cambodia_police, monkeypatch
):
    client = client_for(personas.overseas)
    with monkeypatch.context() as patch:
        patch.setattr(intake, "report_receive", broken)
        client.post(reverse("cases:quick_intake"), quick(cambodia_police.country))
    failed = IntakeSubmission.objects.get()

    page = client.get(reverse("cases:unprocessed"))
    (item,) = page.context["items"]
    assert item["url"] == f"{reverse('cases:quick_intake')}?submission={failed.pk}"
    assert NARRATIVE[:40] in page.content.decode()

    reopened = client.get(item["url"])
    form = reopened.context["form"]
    assert form.initial["narrative"] == NARRATIVE
    assert form.initial["categories"] == ["confinement", "assault"]
    assert form.initial["recovering"] == str(failed.pk)
    assert reopened.context["prefilled"]
    assert NARRATIVE in reopened.content.decode()

    data = quick(cambodia_police.country, recovering=str(failed.pk))
    response = client.post(reverse("cases:quick_intake"), data)
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.recovered_at is not None
    assert Report.objects.get().narrative == NARRATIVE
    assert list(client.get(reverse("cases:unprocessed")).context["items"]) == []


def test_another_officers_unprocessed_submission_cannot_be_reopened(
    client_for, personas, posts, cambodia_police, monkeypatch
):
    monkeypatch.setattr(intake, "report_receive", broken)
    client_for(personas.overseas).post(
        reverse("cases:quick_intake"), quick(cambodia_police.country)
    )
    failed = IntakeSubmission.objects.get()
    other = client_for(posts.manila_officer)
    assert other.get(reverse("cases:unprocessed")).context["items"] == []
    url = f"{reverse('cases:quick_intake')}?submission={failed.pk}"
    assert other.get(url).status_code == 404


def test_the_page_after_a_save_tells_the_browser_to_forget_its_copy(
    client_for, personas, posts, cambodia_police
):
    client = client_for(personas.overseas)
    response = client.post(reverse("cases:quick_intake"), quick(cambodia_police.country))
    first = client.get(response["Location"]).content.decode()
    assert 'data-intake-saved="quick"' in first
    again = client.get(response["Location"]).content.decode()
    assert "data-intake-saved" not in again


def test_the_forms_carry_their_own_key_for_the_browser_copy(client_for, personas, posts):
    client = client_for(personas.overseas)
    assert 'data-intake-draft="quick"' in client.get(reverse("cases:quick_intake")).content.decode()
    assert 'data-intake-draft="full"' in client.get(reverse("cases:report_new")).content.decode()


def test_a_failed_completion_is_reopened_on_the_same_reports_edit_page(
    client_for, personas, posts, cambodia_police, monkeypatch
):
    from .test_intake_forms import full_post

    report = intake.report_receive(
        actor=personas.overseas,
        data={"country": cambodia_police.country, "narrative": "Call", "post": posts.task_force},
        quick=True,
    )
    client = client_for(personas.overseas)
    data = full_post(
        cambodia_police.country,
        version=report.version,
        narrative=NARRATIVE,
        intake_form=f"edit:{report.pk}",
    )
    with monkeypatch.context() as patch:
        patch.setattr(intake, "report_update", broken)
        response = client.post(reverse("cases:report_edit", args=[report.pk]), data)
    assert response.status_code == 503 and NARRATIVE in response.content.decode()
    failed = IntakeSubmission.objects.get()
    (item,) = client.get(reverse("cases:unprocessed")).context["items"]
    assert item["url"] == f"{reverse('cases:report_edit', args=[report.pk])}?submission={failed.pk}"
    reopened = client.get(item["url"]).context["form"]
    assert reopened.initial["narrative"] == NARRATIVE
    assert reopened.initial["version"] == str(report.version)


def test_a_failed_submission_keeps_the_passport_number_sealed_yet_gives_it_back(
    client_for, personas, posts, cambodia_police, monkeypatch
):
    from .test_intake_forms import full_post

    client = client_for(personas.overseas)
    with monkeypatch.context() as patch:
        patch.setattr(intake, "report_receive", broken)
        client.post(reverse("cases:report_new"), full_post(cambodia_police.country))
    failed = IntakeSubmission.objects.get()
    assert "M12345678" not in json.dumps(failed.payload)
    reopened = client.get(f"{reverse('cases:report_new')}?submission={failed.pk}")
    assert reopened.context["form"].initial["passport_number"] == "M12345678"
