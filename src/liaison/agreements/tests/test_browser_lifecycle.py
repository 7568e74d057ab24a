"""The whole life of an MOU through the web pages, in headless Chromium: the requester
applies, the office asks for a revision, the requester resubmits, the office lets it
proceed and agrees the final text, the Commissioner General decides, the requester records
the signing, the result report, an activity and the annual report, and the office
recommends termination."""

import datetime

import pytest
from django.utils import timezone

from liaison.agreements.choices import AgreementStatus
from liaison.agreements.models import Agreement
from liaison.agreements.services.conclusion import CRITERION_KEYS
from liaison.core.tests.browser import screenshot, sign_in
from liaison.core.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def pdf_file(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class Walk:
    """One browser page that signs in as one persona after another."""

    def __init__(self, page, base_url: str):
        self.page, self.base_url, self.url = page, base_url, ""

    def as_(self, username: str) -> None:
        # The top bar fetches its notification badge after the page loads, and every
        # response renews the session cookie: let it land before forgetting the cookies.
        self.page.wait_for_load_state("networkidle")
        self.page.goto("about:blank")
        self.page.context.clear_cookies()
        sign_in(self.page, self.base_url, username, PASSWORD)
        if self.url:
            self.open()

    def open(self) -> None:
        self.page.goto(self.url)
        self.page.wait_for_load_state("domcontentloaded")

    def act(self, name: str, fields: dict | None = None, files: dict | None = None) -> None:
        """Fills the action card `name` on the agreement page and submits it."""
        card = self.page.locator(f"#action-{name}")
        for field, value in (fields or {}).items():
            control = card.locator(f"[name={field}]")
            if control.evaluate("e => e.tagName") == "SELECT":
                control.select_option(str(value))
            else:
                control.fill(str(value))
        for field, upload in (files or {}).items():
            card.locator(f"[name={field}]").set_input_files(upload)
        with self.page.expect_navigation():
            card.locator(f"button[data-action={name}]").click()
        self.expect_success()

    def move(self, to_status: str) -> None:
        with self.page.expect_navigation():
            self.page.click(f"button[data-move={to_status}]")
        self.expect_success()

    def expect_success(self) -> None:
        self.page.wait_for_load_state("domcontentloaded")
        assert self.page.locator(".alert-success").count() == 1, self.page.content()[:3000]

    def status(self) -> str:
        return Agreement.objects.get().status


def review(verdict: str, summary: str) -> dict:
    return {
        **dict.fromkeys(CRITERION_KEYS, "adequate"),
        "recommendation": verdict,
        "summary": summary,
    }


def test_an_mou_goes_from_application_to_termination_recommendation_through_the_pages(
    browser_page, live_server, personas, cambodia_police, institutions
):
    walk = Walk(browser_page, live_server.url)
    page = browser_page
    today = timezone.localdate()

    # The requester applies, attaches the draft text and submits.
    walk.as_("requester")
    page.goto(f"{live_server.url}/agreements/new/")
    page.fill("#id_title", "MOU on the Korean Desk in Phnom Penh")
    page.select_option("#id_agreement_type", "mou")
    page.select_option("#id_counterpart", str(cambodia_police.pk))
    page.select_option("#id_institution", str(institutions.university.pk))
    page.fill("#id_purpose", "Work scam-compound cases together through a Korean Desk.")
    page.check("input[name=scope_areas][value=personnel_dispatch]")
    page.check("input[name=scope_areas][value=case_cooperation]")
    page.fill("#id_planned_signing_on", (today + datetime.timedelta(days=120)).isoformat())
    with page.expect_navigation():
        page.click("form button[type=submit].btn-primary")
    walk.url = page.url
    walk.expect_success()
    walk.act("upload", {"kind": "draft"}, {"file": pdf_file("draft-v1.pdf")})
    walk.move(AgreementStatus.SUBMITTED)
    assert walk.status() == AgreementStatus.SUBMITTED

    # The office asks for a revision; the requester resubmits.
    walk.as_("ico")
    walk.act("review", review("revise", "Name the liaison officers on both sides."))
    assert walk.status() == AgreementStatus.REVISION_REQUESTED
    walk.as_("requester")
    assert "Name the liaison officers" in page.locator("#reviews").inner_text()
    walk.act("upload", {"kind": "draft"}, {"file": pdf_file("draft-v2.pdf")})
    walk.move(AgreementStatus.SUBMITTED)

    # The office lets it proceed and agrees the second draft as the final text.
    walk.as_("ico")
    walk.act("review", review("proceed", "Ready for the draft review."))
    assert walk.status() == AgreementStatus.DRAFT_REVIEW
    final = Agreement.objects.get().documents.get(original_name="draft-v2.pdf")
    walk.act("final_text", {"document": final.pk, "comment": "Agreed with the CNP."})
    screenshot(page, "agreement-draft-review")

    # The Commissioner General decides.
    walk.as_("commissioner")
    walk.act("decide", {"decision": "approve", "note": "Sign at the IPS."})
    assert walk.status() == AgreementStatus.APPROVED

    # The requester records the signing, the result report, an activity, an annual report.
    walk.as_("requester")
    walk.act(
        "sign",
        {
            "signed_on": today.isoformat(),
            "place": "Seoul",
            "signatory_home": "Acting Commissioner General",
            "signatory_partner": "Commissioner General of the CNP",
            "renewal": "automatic",
        },
        {"signed_copy": pdf_file("signed.pdf")},
    )
    assert walk.status() == AgreementStatus.SIGNED
    walk.act("result_report", {"summary": "Signed at the IPS; the desk opens in March."})
    assert walk.status() == AgreementStatus.ACTIVE
    walk.act(
        "activity",
        {
            "kind": "fugitive_returned",
            "occurred_on": today.isoformat(),
            "description": "Two fugitives repatriated on one flight.",
            "count": 2,
        },
    )
    walk.act("annual_report", {"year": today.year, "exchange_status": "Monthly exchanges."})
    assert page.locator(f"#annual-reports [data-year='{today.year}']").count() == 1

    # The office recommends termination; the timeline holds the whole story.
    walk.as_("ico")
    walk.act("recommend_termination", {"recommendation": "The desk never opened."})
    assert walk.status() == AgreementStatus.TERMINATION_RECOMMENDED
    timeline = page.locator("#timeline").inner_text()
    for step in ("Revision requested", "Signed", "Result report", "Annual report"):
        assert step in timeline
    assert page.locator("#reviews [data-round]").count() == 2
    screenshot(page, "agreement-termination-recommended")

    # The dashboard draws its charts and lists the agreement as a termination candidate.
    page.goto(f"{live_server.url}/agreements/dashboard/")
    page.wait_for_selector("canvas#by-status[data-chart-drawn=true]")
    assert page.locator("#termination-candidates").get_by_text("Korean Desk").count() == 1
    screenshot(page, "agreements-dashboard")
