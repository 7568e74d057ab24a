"""A running job's progress bar is as wide as its progress, under a Content-Security-Policy
that refuses the style attribute it used to carry (the width comes from data-progress-percent)."""

import pytest
from playwright.sync_api import expect

from liaison.core.choices import JobState
from liaison.core.jobs import JobRun
from liaison.core.models import Job
from liaison.core.tests.browser import sign_in
from liaison.core.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_progress_bar_of_a_running_job_shows_its_share_done(
    browser_page, live_server, personas
):
    job = Job.objects.create(
        kind="cases.recount_figures", requested_by=personas.ico, state=JobState.RUNNING
    )
    JobRun(job).progress(40, 100)
    refused: list[str] = []
    page = browser_page
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    sign_in(page, live_server.url, "ico", PASSWORD)
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    bar = page.locator("#job-panel .progress-bar")
    expect(bar).to_have_text("40%")
    page.wait_for_timeout(1_500)  # the panel is polled every second: the new one too
    bar_width, track_width = page.evaluate(
        "() => [document.querySelector('#job-panel .progress-bar').offsetWidth,"
        " document.querySelector('#job-panel .progress').offsetWidth]"
    )
    assert bar_width == pytest.approx(0.4 * track_width, abs=2)
    assert refused == []
