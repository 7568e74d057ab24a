import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison.agreements.choices import AgreementStatus as S
from liaison.agreements.choices import ScopeArea
from liaison.agreements.models import Agreement
from liaison.agreements.rules import submission_deadline
from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent

from .factories import AgreementFactory, pdf


@pytest.fixture
def seoul_agreement(institutions, cambodia_police):
    return AgreementFactory(counterpart=cambodia_police, institution=institutions.seoul)


def test_anonymous_visitors_are_sent_to_sign_in(client, draft):
    for url in (reverse("agreements:list"), reverse("agreements:detail", args=[draft.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("core:login") in response["Location"]


@pytest.mark.parametrize("persona", ["auditor"])
def test_roles_without_agreements_are_refused(client_for, personas, draft, persona):
    client = client_for(getattr(personas, persona))
    assert client.get(reverse("agreements:list")).status_code == 403
    assert client.get(reverse("agreements:detail", args=[draft.pk])).status_code == 403


def test_a_requester_sees_only_their_institutions_agreements(
    client_for, personas, draft, seoul_agreement
):
    client = client_for(personas.requester)
    response = client.get(reverse("agreements:list"))
    assert response.status_code == 200
    assert list(response.context["listing"].page) == [draft]
    assert client.get(reverse("agreements:detail", args=[seoul_agreement.pk])).status_code == 404
    assert client.get(reverse("agreements:detail", args=[draft.pk])).status_code == 200


def test_the_office_sees_every_agreement(client_for, personas, draft, seoul_agreement):
    response = client_for(personas.ico).get(reverse("agreements:list"))
    assert {a.pk for a in response.context["listing"].page} == {draft.pk, seoul_agreement.pk}


def test_a_partner_liaison_sees_only_agreements_with_their_agency(
    client_for, personas, draft, institutions
):
    other = AgreementFactory(institution=institutions.university)
    client = client_for(personas.partner)
    assert client.get(reverse("agreements:detail", args=[draft.pk])).status_code == 200
    assert client.get(reverse("agreements:detail", args=[other.pk])).status_code == 404
    page = client.get(reverse("agreements:detail", args=[draft.pk]))
    assert page.context["moves"] == [] and page.context["forms"] == {}


def test_the_overseas_officer_reads_without_actions(client_for, personas, draft):
    page = client_for(personas.overseas).get(reverse("agreements:detail", args=[draft.pk]))
    assert page.status_code == 200
    assert page.context["moves"] == [] and page.context["forms"] == {}


def test_the_registry_filters_by_status_scope_and_year(client_for, personas, draft, walk):
    AgreementFactory(
        counterpart=draft.counterpart,
        institution=draft.institution,
        scope_areas=[ScopeArea.TRAINING],
        planned_signing_on=datetime.date(2031, 5, 1),
    )
    client = client_for(personas.ico)
    listing = client.get(reverse("agreements:list"), {"scope_area": "training"}).context["listing"]
    assert [a.scope_areas for a in listing.page] == [["training"]]
    listing = client.get(reverse("agreements:list"), {"year": 2031}).context["listing"]
    assert listing.total == 1
    listing = client.get(reverse("agreements:list"), {"status": "draft"}).context["listing"]
    assert listing.total == 2
    assert client.get(reverse("agreements:list"), {"year": "abc"}).status_code == 200


def test_the_registry_list_runs_a_fixed_number_of_queries(
    client_for, personas, draft, django_assert_max_num_queries
):
    for _ in range(10):
        AgreementFactory(counterpart=draft.counterpart, institution=draft.institution)
    client = client_for(personas.ico)
    with django_assert_max_num_queries(12):
        client.get(reverse("agreements:list"))


def test_the_registry_exports_csv_and_records_it(client_for, personas, draft):
    response = client_for(personas.ico).get(reverse("agreements:list"), {"export": "csv"})
    assert response.status_code == 200
    assert draft.title in response.content.decode("utf-8-sig")
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1


def test_a_late_application_on_the_form_gets_400_with_the_deadline(
    client_for, personas, institutions, cambodia_police
):
    planned = timezone.localdate() + datetime.timedelta(days=20)
    response = client_for(personas.requester).post(
        reverse("agreements:create"),
        {
            "title": "Late MOU",
            "agreement_type": "mou",
            "counterpart": cambodia_police.pk,
            "institution": institutions.university.pk,
            "purpose": "Late.",
            "scope_areas": ["training"],
            "planned_signing_on": planned.isoformat(),
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["planned_signing_on"]
    assert submission_deadline(planned).isoformat() in errors[0]
    assert not Agreement.objects.exists()


def test_an_application_on_time_is_created(client_for, personas, institutions, cambodia_police):
    response = client_for(personas.requester).post(
        reverse("agreements:create"),
        {
            "title": "MOU on training",
            "agreement_type": "mou",
            "counterpart": cambodia_police.pk,
            "institution": institutions.university.pk,
            "purpose": "Training of CNP officers.",
            "scope_areas": ["training", "information_sharing"],
            "planned_signing_on": (timezone.localdate() + datetime.timedelta(days=100)).isoformat(),
        },
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.scope_areas == ["training", "information_sharing"]
    assert agreement.created_by == personas.requester


def test_a_requester_cannot_apply_for_another_institution(
    client_for, personas, institutions, cambodia_police
):
    response = client_for(personas.requester).post(
        reverse("agreements:create"),
        {
            "title": "MOU",
            "agreement_type": "mou",
            "counterpart": cambodia_police.pk,
            "institution": institutions.seoul.pk,
            "purpose": "x",
            "scope_areas": ["training"],
            "planned_signing_on": (timezone.localdate() + datetime.timedelta(days=100)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "institution" in response.context["form"].errors


def test_the_detail_page_offers_only_the_allowed_moves(client_for, personas, draft):
    page = client_for(personas.requester).get(reverse("agreements:detail", args=[draft.pk]))
    assert {m["to"] for m in page.context["moves"]} == {S.SUBMITTED, S.WITHDRAWN}
    assert "review" not in page.context["forms"]
    page = client_for(personas.commissioner).get(reverse("agreements:detail", args=[draft.pk]))
    assert page.context["moves"] == []


def test_submitting_from_the_page_and_an_illegal_move_answers_400(client_for, personas, draft):
    client = client_for(personas.requester)
    url = reverse("agreements:action", args=[draft.pk, "move"])
    response = client.post(url, {"to_status": "submitted", "version": draft.version})
    assert response.status_code == 302
    response = client.post(url, {"to_status": "signed"})
    assert response.status_code == 400
    assert "Signing" in str(response.context["forms"]["move"].errors)


def test_the_office_reviews_on_the_page(client_for, personas, draft, walk):
    agreement = walk.to(draft, "submitted")
    data = {"recommendation": "revise", "summary": "Add data protection."}
    for key in (
        "national_interest",
        "transnational_crime",
        "nationals_abroad",
        "fugitives_cases",
        "continuous_exchange",
    ):
        data[key] = "adequate"
    client = client_for(personas.ico)
    response = client.post(reverse("agreements:action", args=[agreement.pk, "review"]), data)
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == S.REVISION_REQUESTED


def test_a_bad_review_answers_400_with_field_errors(client_for, personas, draft, walk):
    agreement = walk.to(draft, "submitted")
    response = client_for(personas.ico).post(
        reverse("agreements:action", args=[agreement.pk, "review"]), {"recommendation": "nope"}
    )
    assert response.status_code == 400
    assert "recommendation" in response.context["forms"]["review"].errors


def test_an_unknown_action_is_404_and_a_forbidden_one_403(client_for, personas, draft):
    client = client_for(personas.requester)
    assert client.post(reverse("agreements:action", args=[draft.pk, "nope"])).status_code == 404
    response = client_for(personas.outsider).post(
        reverse("agreements:action", args=[draft.pk, "move"]), {"to_status": "submitted"}
    )
    assert response.status_code == 404


def test_an_action_the_role_may_not_take_is_refused_before_its_form_is_read(
    client_for, personas, draft
):
    # A requester does not review: an empty form is refused (and the refusal audited),
    # not answered with the form's errors as if the review were theirs to record.
    response = client_for(personas.requester).post(
        reverse("agreements:action", args=[draft.pk, "review"]), {}
    )
    assert response.status_code == 403
    refusal = AuditEvent.objects.order_by("-pk").first()
    assert (refusal.action, refusal.object_type, refusal.actor) == (
        AuditAction.ACCESS_DENIED,
        "agreements.review",
        personas.requester,
    )


def test_an_upload_from_the_page_and_its_download(client_for, personas, draft):
    client = client_for(personas.requester)
    response = client.post(
        reverse("agreements:action", args=[draft.pk, "upload"]),
        {"kind": "draft", "file": pdf("v2.pdf"), "comment": "Second draft"},
    )
    assert response.status_code == 302
    document = draft.documents.get(version=2)
    download = client.get(reverse("agreements:document", args=[draft.pk, document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_the_other_pages_render(client_for, personas, draft, walk):
    walk.to(draft, "active")
    client = client_for(personas.ico)
    for name, args in (
        ("agreements:deadlines", []),
        ("agreements:effectiveness", []),
        ("agreements:occasion_list", []),
        ("agreements:summary", [draft.pk]),
        ("agreements:detail", [draft.pk]),
        ("home", []),
    ):
        assert client.get(reverse(name, args=args)).status_code == 200, name
