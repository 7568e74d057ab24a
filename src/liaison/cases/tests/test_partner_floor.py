"""The floor of sharing with partners: a request to a partner body about a case is refused
unless an agreement in force with that body covers case cooperation, with the reason."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from liaison.agreements.choices import AgreementStatus, ScopeArea
from liaison.agreements.tests.factories import AgreementFactory
from liaison.cases.models import PartnerRequest
from liaison.cases.services import casework
from liaison.core.tests.factories import CountryFactory, PartnerBodyFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def kazakh_ministry(db):
    kazakhstan = CountryFactory(
        code="KZ", alpha3="KAZ", numeric="398", name_en="Kazakhstan", name_ko="카자흐스탄"
    )
    return PartnerBodyFactory(
        name_en="Ministry of Internal Affairs of Kazakhstan",
        name_ko="카자흐스탄 내무부",
        country=kazakhstan,
    )


def send(actor, case, body):
    return casework.request_send(
        actor=actor,
        case=case,
        kind="information",
        subject="Records of the compound",
        partner_body=body,
    )


def refusal(actor, case, body) -> str:
    with pytest.raises(ValidationError) as refused:
        send(actor, case, body)
    return " ".join(refused.value.message_dict["partner_body"])


def test_a_cambodia_case_request_to_kazakhstan_without_an_agreement_is_refused(
    personas, open_case, kazakh_ministry
):
    reason = refusal(personas.overseas, open_case, kazakh_ministry)
    assert reason == (
        "No agreement in force with Ministry of Internal Affairs of Kazakhstan covers case "
        "cooperation."
    )
    assert not PartnerRequest.objects.exists()


def test_an_agreement_still_under_review_or_on_training_only_does_not_count(
    personas, institutions, open_case, kazakh_ministry
):
    common = {"counterpart": kazakh_ministry, "institution": institutions.hq}
    AgreementFactory(status=AgreementStatus.SUBMITTED, **common)  # the demo's: not in force
    AgreementFactory(
        status=AgreementStatus.ACTIVE,
        signed_on=timezone.localdate() - 400 * DAY,
        scope_areas=[ScopeArea.TRAINING],
        **common,
    )
    assert "No agreement in force" in refusal(personas.overseas, open_case, kazakh_ministry)


def test_an_expired_mou_is_named_with_its_date(personas, institutions, open_case, kazakh_ministry):
    today = timezone.localdate()
    AgreementFactory(
        counterpart=kazakh_ministry,
        institution=institutions.hq,
        status=AgreementStatus.EXPIRED,
        signed_on=today - 2000 * DAY,
        expires_on=today - 30 * DAY,
        scope_areas=[ScopeArea.CASE_COOPERATION],
    )
    expired = (today - 30 * DAY).isoformat()
    assert refusal(personas.overseas, open_case, kazakh_ministry) == (
        f"The MOU with Ministry of Internal Affairs of Kazakhstan expired on {expired}. "
        "No agreement in force with it covers case cooperation."
    )


def test_an_mou_past_its_expiry_date_is_out_of_force_before_the_job_marks_it(
    personas, open_case, task_force_mou, cambodia_police
):
    yesterday = timezone.localdate() - DAY
    type(task_force_mou).objects.filter(pk=task_force_mou.pk).update(expires_on=yesterday)
    assert f"expired on {yesterday.isoformat()}" in refusal(
        personas.overseas, open_case, cambodia_police
    )


def test_a_terminated_mou_is_named_with_its_end(personas, institutions, open_case, kazakh_ministry):
    ended = timezone.localdate() - 10 * DAY
    AgreementFactory(
        counterpart=kazakh_ministry,
        institution=institutions.hq,
        status=AgreementStatus.TERMINATED,
        signed_on=ended - 900 * DAY,
        ended_on=ended,
        scope_areas=[ScopeArea.NATIONALS_ABROAD],
    )
    assert f"was terminated on {ended.isoformat()}" in refusal(
        personas.overseas, open_case, kazakh_ministry
    )


def test_an_agreement_in_force_covering_case_cooperation_lets_the_request_go(
    personas, institutions, open_case, kazakh_ministry
):
    AgreementFactory(
        counterpart=kazakh_ministry,
        institution=institutions.hq,
        status=AgreementStatus.ACTIVE,
        signed_on=timezone.localdate() - 100 * DAY,
        scope_areas=[ScopeArea.CASE_COOPERATION],
    )
    request = send(personas.overseas, open_case, kazakh_ministry)
    assert request.partner_body == kazakh_ministry


def test_the_page_refuses_with_the_reason_on_the_field(
    client_for, personas, open_case, kazakh_ministry
):
    url = reverse("cases:action", args=[open_case.pk, "request_send"])
    data = {"kind": "information", "subject": "Records", "partner_body": kazakh_ministry.pk}
    response = client_for(personas.overseas).post(url, data)
    assert response.status_code == 400
    form = response.context["forms"]["request_send"]
    assert "covers case cooperation" in " ".join(form.errors["partner_body"])
    assert "covers case cooperation" in response.content.decode()
    assert not PartnerRequest.objects.exists()
