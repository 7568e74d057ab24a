"""One case's page, its printable summary, passports and documents: who may see what,
who is refused, and what is recorded in the audit trail."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from liaison.cases.services import people, timeline
from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent

pytestmark = pytest.mark.django_db

TABS = ("overview", "people", "timeline", "work")
PERSONAL = ("김민준", "KIM Minjun", "345 678", "Kim Young-hee", "job offer on Telegram")


def pages(client, case):
    """Every page of the case, as text."""
    texts = [client.get(reverse("cases:detail", args=[case.pk]), {"tab": tab}) for tab in TABS] + [
        client.get(reverse("cases:summary", args=[case.pk]))
    ]
    assert [r.status_code for r in texts] == [200] * 5
    return "\n".join(r.content.decode() for r in texts)


@pytest.fixture
def document(open_case, personas):
    return timeline.entry_add(
        actor=personas.overseas,
        case=open_case,
        kind="document",
        body="Photo of the compound gate",
        upload=SimpleUploadedFile("gate.jpg", b"\xff\xd8\xffjpeg", content_type="image/jpeg"),
    )


def all_posts(case, victim):
    """Every action on the case, with enough input that only a refusal can stop it."""
    action = lambda name: reverse("cases:action", args=[case.pk, name])  # noqa: E731
    item = lambda name, pk: reverse("cases:item_action", args=[case.pk, name, pk])  # noqa: E731
    return [
        (action("edit"), {"title": "Taken over", "version": case.version}),
        (action("triage"), {"priority": "urgent"}),
        (action("move"), {"to_status": "closed", "outcome": "no_crime"}),
        (action("assign"), {}),
        (action("victim_add"), {"victim-new-name_ko": "홍길동", "victim-new-status": "missing"}),
        (item("victim_edit", victim.pk), {f"victim-{victim.pk}-name_ko": "홍길동"}),
        (item("victim_status", victim.pk), {f"status-{victim.pk}-status": "rescued"}),
        (action("suspect_add"), {"suspect-new-name_latin": "Wang Lei"}),
        (action("entry_add"), {"kind": "note", "body": "Called the family."}),
        (action("request_send"), {"kind": "rescue", "subject": "Rescue"}),
        (reverse("cases:passport", args=[case.pk, "victim", victim.pk]), {}),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, open_case):
    response = client.get(reverse("cases:detail", args=[open_case.pk]))
    assert response.status_code == 302


def test_an_officer_of_another_post_cannot_see_or_touch_the_case(client_for, posts, open_case):
    client = client_for(posts.manila_officer)
    victim = open_case.victims.get()
    for url in (
        reverse("cases:detail", args=[open_case.pk]),
        reverse("cases:summary", args=[open_case.pk]),
    ):
        assert client.get(url).status_code == 404
    for url, data in all_posts(open_case, victim):
        assert client.post(url, data).status_code == 404, url
    open_case.refresh_from_db()
    assert open_case.title == "Confinement in Sihanoukville"
    assert open_case.victims.count() == 1 and not open_case.suspects.exists()


@pytest.mark.parametrize("persona", ["requester", "auditor", "partner"])
def test_roles_without_cases_are_refused_every_page_and_action(
    client_for, personas, open_case, persona
):
    client = client_for(getattr(personas, persona))
    assert client.get(reverse("cases:detail", args=[open_case.pk])).status_code == 403
    assert client.get(reverse("cases:summary", args=[open_case.pk])).status_code == 403
    for url, data in all_posts(open_case, open_case.victims.get()):
        assert client.post(url, data).status_code == 403, url


def test_an_analyst_sees_the_facts_but_no_names_contacts_or_narratives(
    client_for, personas, open_case, document
):
    client = client_for(personas.analyst)
    text = pages(client, open_case)
    assert open_case.reference in text and "Confinement in Sihanoukville" in text
    for personal in (*PERSONAL, "gate.jpg", "Photo of the compound gate", "M12345678"):
        assert personal not in text, personal
    assert "Victim 1" in text  # the victim is counted, not named
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


def test_an_analyst_is_refused_the_passport_documents_and_every_action(
    client_for, personas, open_case, document
):
    client = client_for(personas.analyst)
    victim = open_case.victims.get()
    for url, data in all_posts(open_case, victim):
        assert client.post(url, data).status_code == 403, url
    document_url = reverse("cases:document", args=[open_case.pk, document.pk])
    assert client.get(document_url).status_code == 403
    refused = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, actor=personas.analyst)
    assert refused.filter(object_type="cases.view_passports").exists()


def test_the_officer_sees_the_people_and_the_view_is_recorded(client_for, personas, open_case):
    text = pages(client_for(personas.overseas), open_case)
    for personal in PERSONAL:
        assert personal in text, personal
    assert "M12345678" not in text  # masked until asked for
    assert "••••••78" in text
    views = AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="cases.case", object_id=str(open_case.pk)
    )
    assert views.count() == 5 and {e.actor for e in views} == {personas.overseas}


def test_the_commissioners_office_reads_the_case_without_actions(client_for, personas, open_case):
    client = client_for(personas.commissioner)
    response = client.get(reverse("cases:detail", args=[open_case.pk]))
    assert response.status_code == 200
    assert response.context["moves"] == [] and response.context["forms"] == {}
    assert "김민준" in response.content.decode()
    response = client.post(
        reverse("cases:action", args=[open_case.pk, "triage"]), {"priority": "high"}
    )
    assert response.status_code == 403


def test_the_passport_is_shown_on_request_and_the_view_is_recorded(client_for, personas, open_case):
    victim = open_case.victims.get()
    url = reverse("cases:passport", args=[open_case.pk, "victim", victim.pk])
    stated = {"purpose": "victim_support"}
    response = client_for(personas.overseas).post(url, stated, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "M12345678" in response.content.decode()
    assert "<html" not in response.content.decode()  # htmx gets the number alone
    event = AuditEvent.objects.get(action=AuditAction.VIEW, object_type="cases.victim")
    assert event.actor == personas.overseas and event.object_id == str(victim.pk)
    assert event.changes == {"field": {"before": None, "after": "passport number"}}
    plain = client_for(personas.overseas).post(url, stated)
    assert plain.status_code == 200 and "M12345678" in plain.content.decode()


def test_the_passport_of_a_person_of_another_case_is_not_found(client_for, personas, open_case):
    url = reverse("cases:passport", args=[open_case.pk, "suspect", 999999])
    assert client_for(personas.overseas).post(url).status_code == 404
    url = reverse("cases:passport", args=[open_case.pk, "reporter", 1])
    assert client_for(personas.overseas).post(url).status_code == 404


def test_a_document_is_downloaded_within_scope_and_the_download_recorded(
    client_for, personas, posts, open_case, document
):
    url = reverse("cases:document", args=[open_case.pk, document.pk])
    response = client_for(personas.overseas).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\xff\xd8\xffjpeg"
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="cases.timelineentry", object_id=str(document.pk)
    ).exists()
    assert client_for(posts.manila_officer).get(url).status_code == 404


def test_the_timeline_shows_documents_with_their_fingerprint(
    client_for, personas, open_case, document
):
    page = client_for(personas.overseas).get(
        reverse("cases:detail", args=[open_case.pk]), {"tab": "timeline"}
    )
    text = page.content.decode()
    assert document.file_sha256 in text and "gate.jpg" in text
    kinds = [entry.kind for entry in page.context["entries"]]
    assert kinds[0] == "document" and "report_attached" in kinds


def test_the_lifecycle_shows_when_each_step_was_reached_in_both_zones(
    client_for, personas, open_case
):
    # The ICO reads in Seoul time; the case is in Cambodia, two hours behind.
    page = client_for(personas.ico).get(reverse("cases:detail", args=[open_case.pk]))
    steps = {step.status: step for step in page.context["lifecycle"]}
    assert steps["received"].reached_at == open_case.first_reported_at
    assert "KST" in steps["received"].when and "Phnom Penh" in steps["received"].when
    assert steps["triaged"].reached_at is None
    assert steps["received"].current
    assert len(steps) == 10


def test_the_summary_is_a_printable_page_without_navigation(client_for, personas, open_case):
    response = client_for(personas.overseas).get(reverse("cases:summary", args=[open_case.pk]))
    text = response.content.decode()
    assert "cases/summary" in text and "navbar" not in text  # its own print stylesheet
    assert "김민준" in text and "Confinement in Sihanoukville" in text
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="cases.case").exists()


def test_the_summary_names_the_suspect_of_a_red_notice_and_the_victim_of_a_yellow_one(
    client_for, personas, open_case
):
    officer = personas.overseas
    suspect = people.suspect_add(actor=officer, case=open_case, data={"name_latin": "WANG Lei"})
    victim = open_case.victims.get()
    for colour, person in (("red", {"suspect": suspect}), ("yellow", {"victim": victim})):
        people.notice_record(
            actor=officer,
            case=open_case,
            colour=colour,
            status="requested",
            requested_on=datetime.date(2026, 3, 2),
            **person,
        )
    response = client_for(officer).get(reverse("cases:summary", args=[open_case.pk]))
    assert response.status_code == 200
    notices = response.content.decode().split("INTERPOL")[1]
    assert suspect.display_name in notices and victim.display_name in notices


def test_the_navigation_offers_cases_to_those_who_see_them(client_for, personas):
    home = client_for(personas.analyst).get(reverse("home"))
    assert reverse("cases:list") in home.content.decode()
    home = client_for(personas.requester).get(reverse("home"))
    assert 'href="/cases/"' not in home.content.decode()


def test_the_case_page_names_its_legal_basis_and_partner_in_a_fixed_number_of_queries(
    client_for, personas, open_case, django_assert_max_num_queries
):
    client = client_for(personas.ico)
    client.get(reverse("cases:detail", args=[open_case.pk]))  # the session's first write
    # session, user (with their institution), case, the audit row of the view (and the
    # chain head it is linked after, read and moved), victims, officers, counterparts,
    # reports, its legal hold: the agreement and the partner agency come with the case,
    # as much of them as the page shows.
    with django_assert_max_num_queries(12):
        page = client.get(reverse("cases:detail", args=[open_case.pk])).content.decode()
    agreement = open_case.agreement
    assert f"{agreement.reference} · {agreement.title}" in page
    assert str(open_case.partner_body) in page
