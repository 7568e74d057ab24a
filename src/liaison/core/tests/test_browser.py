"""End to end in real headless Chromium: sign in, switch language, search the partner
directory, and be refused a forbidden page."""

import pytest
from playwright.sync_api import expect

from liaison.core.tests.browser import screenshot, sign_in
from liaison.core.tests.factories import PASSWORD, CountryFactory, PartnerBodyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_signs_in_switches_to_korean_searches_partners_and_is_refused_users(
    browser_page, live_server, personas
):
    page = browser_page
    PartnerBodyFactory(
        name_en="Royal Thai Police",
        name_ko="태국 왕립경찰",
        abbreviation="RTP",
        country=CountryFactory(
            code="TH", alpha3="THA", numeric="764", name_en="Thailand", name_ko="태국"
        ),
    )
    sign_in(page, live_server.url, "ico", PASSWORD)
    assert page.locator("h1").first.inner_text().startswith("Welcome")

    page.click("button[data-language=ko]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert "환영합니다" in page.locator("h1").first.inner_text()

    page.goto(f"{live_server.url}/partners/")
    page.fill("input[name=q]", "Cambodian")
    page.locator("form[role=search] button[type=submit]").click()
    rows = page.locator("table tbody tr")
    # The search refreshes the table in place (htmx); wait for the result, not the network.
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("캄보디아 국가경찰")
    screenshot(page, "partners-search-ko")

    response = page.goto(f"{live_server.url}/users/")
    assert response.status == 403
    assert "접근" in page.locator("h1").first.inner_text()
    screenshot(page, "forbidden-ko")
