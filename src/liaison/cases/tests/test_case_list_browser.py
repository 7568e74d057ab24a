"""The case list in headless Chromium, at the width of the office's laptops."""

import pytest

from liaison.cases.choices import CaseStatus
from liaison.core.tests.browser import screenshot, sign_in
from liaison.core.tests.factories import PASSWORD

from .conftest import overdue_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_case_list_fits_a_laptop_screen_without_scrolling_sideways(
    browser_page, live_server, personas, posts, open_case, cambodia_police, language
):
    # The widest rows: a case of the task force under its MOU, and an urgent one that is
    # overdue, with every badge; titles and places as long as the demo's.
    overdue = overdue_case(personas, posts, cambodia_police.country, title="취업 사기")
    type(open_case).objects.filter(pk__in=[open_case.pk, overdue.pk]).update(
        post=posts.task_force,
        title="취업 사기 — Sihanoukville",
        is_illustrative=True,
        place="an apartment block",
        city="Sihanoukville",
        province="Preah Sihanouk",
    )
    # The longest status there is.
    type(open_case).objects.filter(pk=open_case.pk).update(status=CaseStatus.EXTRADITION_REQUESTED)
    personas.ico.language = language
    personas.ico.save(update_fields=["language"])

    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server.url, "ico", PASSWORD)
    page.goto(f"{live_server.url}/cases/")
    table = page.locator("#case-table")
    assert table.locator("[data-overdue]").count() >= 1
    assert table.locator("a[href^='/agreements/']").count() >= 1
    scroll, visible = page.evaluate(
        "() => { const box = document.querySelector('.table-responsive');"
        " return [box.scrollWidth, box.clientWidth]; }"
    )
    screenshot(page, f"cases-list-{language}")
    assert scroll <= visible, f"the table is {scroll - visible} px wider than the screen"
