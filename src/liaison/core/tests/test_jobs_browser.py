"""In real headless Chromium: an officer imports a large file, follows its progress bar on
the job's page until the worker is done, and finds the result message; an administrator
reads a failed job's error and retries it, in Korean."""

import pytest
from playwright.sync_api import expect

from liaison.core.choices import JobState
from liaison.core.models import Job
from liaison.core.tests.browser import screenshot, sign_in
from liaison.core.tests.factories import PASSWORD
from liaison.partners.models import PartnerBody

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "kind,name_en,name_ko,name_local,abbreviation,country,website"


def test_a_large_import_shows_its_progress_and_ends_with_its_result(
    browser_page, live_server, personas, queue, settings, tmp_path
):
    settings.LIAISON_IMPORT_INLINE_ROWS = 5
    rows = [f"international_organisation,Forum {n},포럼 {n},,F{n},," for n in range(40)]
    upload = tmp_path / "forums.csv"
    upload.write_text("\n".join([HEADER, *rows]) + "\n")
    page = browser_page
    sign_in(page, live_server.url, "ico", PASSWORD)
    page.goto(f"{live_server.url}/partners/import/")
    page.set_input_files("input[type=file]", str(upload))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#job-panel")).to_have_attribute("data-state", "queued")
    expect(page.locator("#job-progress-text")).to_contain_text("Waiting for a worker.")
    screenshot(page, "job-queued")

    queue.run_pending()  # the worker's turn; the page polls and sees the end
    expect(page.locator("#job-panel")).to_have_attribute("data-state", "done", timeout=10_000)
    expect(page.locator("#job-summary")).to_contain_text("40 partner bodies are imported.")
    assert PartnerBody.objects.filter(name_en__startswith="Forum ").count() == 40
    screenshot(page, "job-done")


def test_an_administrator_reads_a_failed_job_and_retries_it_in_korean(
    browser_page, live_server, personas, queue
):
    failed = Job.objects.create(
        kind="cases.recount_figures",
        requested_by=personas.ico,
        state=JobState.FAILED,
        error="The job stopped on an error (OperationalError).",
        error_detail="Traceback: the database went away",
    )
    page = browser_page
    sign_in(page, live_server.url, "admin", PASSWORD)
    page.click("button[data-language=ko]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/jobs/?state=failed")
    expect(page.locator("h1")).to_have_text("작업")
    page.locator("#job-table a").first.click()
    expect(page.locator("h1")).to_have_text("대시보드 통계 재집계")
    page.locator("details summary").click()
    expect(page.locator("#job-error-detail")).to_contain_text("the database went away")
    screenshot(page, "job-failed-ko")
    page.locator("#job-retry").click()
    expect(page.locator("#job-panel")).to_have_attribute("data-state", "queued")
    queue.run_pending()
    expect(page.locator("#job-panel")).to_have_attribute("data-state", "done", timeout=10_000)
    failed.refresh_from_db()
    assert failed.state == JobState.DONE
