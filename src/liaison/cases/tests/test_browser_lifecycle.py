"""A case worked from triage to closing through the case page, in headless Chromium, as
the task-force officer in Phnom Penh: triage, the victim confined and rescued, a suspect
identified, arrested, deported and surrendered, and the case closed with its outcome."""

import pytest
from django.utils import timezone

from liaison.cases.choices import CaseStatus
from liaison.cases.models import Case
from liaison.core.tests.browser import screenshot, sign_in
from liaison.core.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class CasePage:
    def __init__(self, page, url: str):
        self.page, self.url = page, url

    def tab(self, name: str) -> None:
        self.page.goto(f"{self.url}?tab={name}")

    def submit(self, button) -> None:
        with self.page.expect_navigation():
            button.click()
        alerts = self.page.locator(".alert-success")
        assert alerts.count() == 1, self.page.locator("main").inner_text()[:3000]

    def move(self, to_status: str) -> None:
        self.submit(self.page.locator(f"button[data-move={to_status}]"))

    def fill(self, card, fields: dict) -> None:
        for name, value in fields.items():
            control = card.locator(f"[name$='-{name}'], [name='{name}']").first
            if control.evaluate("e => e.tagName") == "SELECT":
                control.select_option(value)
            else:
                control.fill(value)

    def victim_status(self, victim_pk: int, status: str, note: str) -> None:
        self.tab("people")
        form = self.page.locator(f"#victim-{victim_pk} form.victim-status-form")
        form.locator("select").select_option(status)
        form.locator(f"[name='status-{victim_pk}-note']").fill(note)
        self.submit(form.locator("button[data-action=victim_status]"))

    def edit_suspect(self, suspect_pk: int, fields: dict) -> None:
        self.tab("people")
        card = self.page.locator(f"#action-suspect_edit-{suspect_pk}")
        card.locator("summary").click()
        self.fill(card, fields)
        self.submit(card.locator("button[data-action=suspect_edit]"))


def test_an_officer_works_a_case_from_triage_to_closing_through_the_page(
    browser_page, live_server, personas, open_case
):
    page = browser_page
    today = timezone.localdate().isoformat()
    sign_in(page, live_server.url, "overseas", PASSWORD)
    case = CasePage(page, f"{live_server.url}/cases/{open_case.pk}/")
    victim = open_case.victims.get()

    # The list shows the urgent case; the officer opens it and triages it.
    page.goto(f"{live_server.url}/cases/")
    assert page.locator(f"tr[data-case='{open_case.pk}'] [data-priority=urgent]").count() == 1
    with page.expect_navigation():
        page.click(f"tr[data-case='{open_case.pk}'] a >> nth=0")
    triage = page.locator("#action-triage")
    triage.locator("select[name=priority]").select_option("urgent")
    triage.locator("textarea[name=note]").fill("Mother says he is beaten; life at risk.")
    case.submit(triage.locator("button[data-action=triage]"))

    # The victim is confined; the partner police are asked to rescue him; he is rescued.
    case.victim_status(victim.pk, "confined", "Located in building C of the compound.")
    case.move(CaseStatus.RESCUE_REQUESTED)
    case.victim_status(victim.pk, "rescued", "CNP raid at 05:00; he is safe.")
    case.move(CaseStatus.RESCUED)
    case.move(CaseStatus.INVESTIGATION)

    # A suspect is identified, arrested, deported and surrendered.
    case.tab("people")
    card = page.locator("#action-suspect_add")
    card.locator("summary").click()
    case.fill(card, {"name_latin": "Wang Lei", "aliases": "Boss Wang"})
    card.locator("input[value=Manager]").check()
    case.submit(card.locator("button[data-action=suspect_add]"))
    suspect = Case.objects.get().suspects.get()
    case.move(CaseStatus.SUSPECTS_IDENTIFIED)
    case.edit_suspect(suspect.pk, {"arrest_status": "arrested", "arrested_on": today})
    case.move(CaseStatus.ARREST)
    case.edit_suspect(
        suspect.pk, {"return_status": "deportation_requested", "return_requested_on": today}
    )
    case.move(CaseStatus.EXTRADITION_REQUESTED)
    case.edit_suspect(suspect.pk, {"return_status": "surrendered", "surrendered_on": today})
    case.move(CaseStatus.SURRENDERED)
    screenshot(page, "case-surrendered")

    # The case is closed with its outcome.
    page.click("summary[data-open-move=closed]")
    page.select_option("#close-outcome", "surrendered_home")
    page.fill("#close-note", "Wang Lei surrendered to Incheon; indicted.")
    case.move(CaseStatus.CLOSED)

    closed = Case.objects.get()
    assert closed.status == CaseStatus.CLOSED and closed.outcome == "surrendered_home"
    assert page.locator("#lifecycle li.reached").count() == 10
    assert page.locator("#case-status [data-status=closed]").count() == 1
    case.tab("timeline")
    timeline = page.locator("#timeline").inner_text()
    for step in (
        "Received → Triaged",
        "Missing → Confined",
        "Triaged → Rescue requested",
        "Confined → Rescued",
        "Rescued → Joint investigation",
        "Suspects identified → Arrest",
        "Surrendered → Closed",
    ):
        assert step in timeline, step
    screenshot(page, "case-closed-timeline")


def test_a_timeline_note_is_added_in_place_and_a_refusal_shown_in_place(
    browser_page, live_server, personas, open_case
):
    page = browser_page
    sign_in(page, live_server.url, "overseas", PASSWORD)
    page.goto(f"{live_server.url}/cases/{open_case.pk}/?tab=timeline")
    page.evaluate("window.notReloaded = true")  # gone if the page were loaded again
    form = page.locator("#action-entry_add form")

    form.locator("button[data-action=entry_add]").click()  # a note needs its text
    page.wait_for_selector("#tab-timeline [data-error-for=body]")
    page.locator("#action-entry_add select[name=kind]").select_option("call")
    page.fill("#action-entry_add [name=counterpart]", "Lt. Sok, CNP")
    page.fill("#action-entry_add [name=body]", "CNP confirms the raid team is ready.")
    page.click("#action-entry_add button[data-action=entry_add]")
    page.wait_for_selector("#timeline [data-entry-kind=call]")

    assert "CNP confirms the raid team is ready." in page.locator("#timeline").inner_text()
    assert page.evaluate("window.notReloaded") is True
    assert page.locator("#tab-timeline [data-error-for]").count() == 0
    screenshot(page, "case-timeline-inline-note")
