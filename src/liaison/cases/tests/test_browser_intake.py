"""A night call at the Joint Task Force, in headless Chromium: the officer takes it on the
quick intake screen in well under a minute, finds it flagged in the list, completes it with
the person's phone, sees that the embassy already reported the same person, and opens one
case from both reports."""

import re
import time

import pytest

from liaison.cases.models import Case, Report
from liaison.core.tests.browser import screenshot, sign_in
from liaison.core.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def stored_draft(page, key: str):
    return page.evaluate(f"window.localStorage.getItem('liaison:intake:{key}')")


def test_a_night_call_becomes_a_case_with_the_embassys_report(
    browser_page, live_server, personas, posts, same_phone_report
):
    page, base = browser_page, live_server.url
    sign_in(page, base, "overseas", PASSWORD)

    # The quick intake: the cursor is already in "what happened"; Enter saves.
    started = time.monotonic()
    page.goto(f"{base}/cases/reports/quick/")
    assert page.evaluate("document.activeElement.name") == "narrative"
    page.keyboard.type("My son is confined in a compound in Sihanoukville", delay=5)
    assert page.locator("#id_country").input_value() == "KH"  # from the officer's post
    page.fill("#id_city", "Sihanoukville")
    page.fill("#id_person", "김민준")
    page.fill("#id_reporter_contact", "+82 10 9876 5432")
    page.click("label[for=id_categories_0]")  # confinement
    assert page.locator("#id_life_at_risk").is_checked()
    assert "Sihanoukville" in stored_draft(page, "quick")  # kept in the browser meanwhile
    screenshot(page, "intake-quick")
    page.focus("textarea[name=narrative]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert time.monotonic() - started < 60
    report = Report.objects.exclude(pk=same_phone_report.pk).get()
    assert report.is_quick_intake and report.life_at_risk
    assert page.url.endswith(f"/cases/reports/{report.pk}/")
    assert page.locator(".alert-success").count() == 1
    assert stored_draft(page, "quick") is None  # the server confirmed: the copy is gone

    # The list flags it as urgent and to complete.
    page.goto(f"{base}/cases/reports/")
    row = page.locator(f"tr[data-report='{report.pk}']")
    assert row.locator("[data-flag=urgent]").count() == 1
    assert row.locator("[data-flag=to-complete]").count() == 1
    screenshot(page, "intake-list")

    # Open it and complete it: the live check finds the embassy's report by the phone.
    with page.expect_navigation():
        row.locator(f"a:has-text('{report.reference}')").first.click()
    with page.expect_navigation():
        page.click("#edit-link")
    page.select_option("#id_channel", "family")
    page.fill("#id_person_phone", "012 345 678")
    live = page.locator(f"#live-duplicates [data-duplicate-report='{same_phone_report.pk}']")
    live.wait_for()
    assert "same phone number" in live.inner_text()
    screenshot(page, "intake-complete")
    with page.expect_navigation():
        page.click("#save-report")
    assert page.locator("[data-flag=to-complete]").count() == 0

    # The report page lists the duplicate; one case is opened from both.
    duplicate = page.locator(f"#duplicates [data-duplicate-report='{same_phone_report.pk}']")
    assert "same phone number" in duplicate.inner_text()
    screenshot(page, "intake-report")
    page.check(f"#action-open input[name=also][value='{same_phone_report.pk}']")
    page.fill("#action-open input[name=title]", "Confinement in Sihanoukville")
    with page.expect_navigation():
        page.click("button[data-action=open]")
    case = Case.objects.get()
    assert re.search(rf"/cases/{case.pk}/$", page.url)
    assert re.search(r"C-\d{4}-\d+", page.content())
    assert set(case.reports.all()) == {report, same_phone_report}


def test_what_was_typed_survives_a_closed_tab_until_it_is_saved(
    browser_page, live_server, personas, posts
):
    page, base = browser_page, live_server.url
    sign_in(page, base, "overseas", PASSWORD)
    page.goto(f"{base}/cases/reports/quick/")
    page.keyboard.type("Daughter missing after a job interview in Bavet", delay=5)
    page.fill("#id_reporter_contact", "+82 10 5555 0101")
    page.goto("about:blank")  # the tab is closed before saving

    page.goto(f"{base}/cases/reports/quick/")
    assert page.locator("[data-draft-restored]").is_visible()
    assert "job interview in Bavet" in page.locator("#id_narrative").input_value()
    assert page.locator("#id_reporter_contact").input_value() == "+82 10 5555 0101"
    with page.expect_navigation():
        page.click("#save-quick")
    assert Report.objects.get().narrative == "Daughter missing after a job interview in Bavet"

    page.goto(f"{base}/cases/reports/quick/")  # saved: a fresh, empty screen
    assert page.locator("#id_narrative").input_value() == ""
    assert not page.locator("[data-draft-restored]").is_visible()
