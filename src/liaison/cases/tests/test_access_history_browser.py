"""The panel "Who has seen the victims' data" on the case page, in Korean, in headless
Chromium: opened, it fetches the looks from the audit trail, and pages through them."""

import pytest

from liaison.core import audit
from liaison.core.tests.browser import screenshot, sign_in
from liaison.core.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_officer_opens_the_panel_and_pages_through_who_has_seen_the_victims(
    browser_page, live_server, personas, open_case
):
    for _ in range(21):
        audit.record_viewed(open_case, actor=personas.commissioner)
    audit.record_viewed(open_case.victims.first(), actor=personas.ico)
    personas.overseas.language = "ko"
    personas.overseas.save(update_fields=["language"])

    page = browser_page
    sign_in(page, live_server.url, "overseas", PASSWORD)
    page.goto(f"{live_server.url}/cases/{open_case.pk}/")
    panel = page.locator("#access-panel")
    panel.locator("summary").click()
    history = panel.locator("[data-access-history]")
    history.wait_for()
    assert "피해자 정보를 조회한 사람" in panel.inner_text()
    header = history.locator("thead").inner_text()
    assert "조회자" in header and "목적" in header
    rows = history.locator("[data-look]")
    # Newest first: the officer's own opening of this page, then the victim opened by ico,
    # then the commissioner's 21 views of the case.
    assert rows.count() == 20
    assert "overseas" in rows.nth(0).inner_text()
    assert "ico" in rows.nth(1).inner_text() and "피해자" in rows.nth(1).inner_text()
    assert "2쪽 중 1쪽" in history.inner_text()
    screenshot(page, "case-access-history-ko")
    overflow = page.evaluate(
        "() => { const box = document.querySelector('#access-panel .table-responsive');"
        " return box.scrollWidth - box.clientWidth; }"
    )
    assert overflow <= 0, f"the panel's table is {overflow} px wider than the sidebar"

    history.locator("[data-access-page=next]").click()
    page.locator("[data-access-history] [data-access-page=previous]").wait_for()
    assert "2쪽 중 2쪽" in page.locator("[data-access-history]").inner_text()
    assert page.url.endswith(f"/cases/{open_case.pk}/")  # the case page stays
