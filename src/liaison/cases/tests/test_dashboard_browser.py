"""The dashboard in headless Chromium: the charts and the offline map are drawn from what
the product serves itself, and the home page flags an overdue case in red."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from liaison.cases.choices import Category
from liaison.cases.tests.conftest import overdue_case
from liaison.cases.tests.test_dashboard import make_case
from liaison.core.tests.browser import screenshot, sign_in
from liaison.core.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_draws_its_charts_and_the_map_without_the_internet(
    browser_page, live_server, personas, cambodia_police, philippines
):
    page = browser_page
    outside = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    for lat, lon in (("10.62", "103.52"), ("10.63", "103.51"), ("11.55", "104.92")):
        make_case(
            cambodia_police.country,
            latitude=Decimal(lat),
            longitude=Decimal(lon),
            categories=[Category.CONFINEMENT],
        )
    make_case(philippines, reported=timezone.now() - datetime.timedelta(days=40))  # no place

    sign_in(page, live_server.url, "ico", PASSWORD)
    page.goto(f"{live_server.url}/cases/dashboard/")
    page.wait_for_selector("#case-map[data-map-drawn]")
    page.wait_for_selector("canvas[data-dashboard-chart][data-chart-drawn]")

    assert page.locator("#case-map path.land").count() > 200  # the world's countries
    dots = page.locator("#case-map circle")
    assert dots.count() == 3  # two Sihanoukville cases share a dot; Manila is unplaced
    assert page.locator("#case-map circle[data-count='2']").count() == 1
    assert page.locator("#case-map circle.unplaced").count() == 1
    assert page.locator("canvas[data-chart-drawn]").count() == 3

    page.locator("#case-map circle[data-count='2']").hover()
    tooltip = page.locator("#case-map .map-tooltip")
    assert tooltip.is_visible() and tooltip.inner_text().startswith("open cases: 2")

    screenshot(page, "cases-dashboard-asia")
    page.click("button[data-map-view=world]")
    assert page.locator("#case-map").get_attribute("data-view") == "world"
    screenshot(page, "cases-dashboard")
    assert outside == []


def test_an_officer_sees_the_overdue_case_in_red_on_the_home_page_and_opens_it(
    browser_page, live_server, personas, posts, cambodia_police
):
    case = overdue_case(personas, posts, cambodia_police.country, title="Held in Bavet")
    page = browser_page
    sign_in(page, live_server.url, "overseas", PASSWORD)
    alert = page.locator("#overdue-alert.alert-danger")
    assert alert.is_visible()
    assert "Held in Bavet" in alert.inner_text() and "late" in alert.inner_text()
    screenshot(page, "home-overdue")
    with page.expect_navigation():
        alert.locator(f"a[href='/cases/{case.pk}/']").click()
    assert page.url.endswith(f"/cases/{case.pk}/")
