"""The purpose prompt in headless Chromium, in Korean: a passport number opened from the
People tab and the case list exported each ask their purpose first, show the refusal on
the form, keep the purpose in the audit entry and choose it again in the session; no
inline script or style is needed (the page runs under the Content-Security-Policy)."""

import pytest

from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent
from liaison.core.tests.browser import screenshot, sign_in
from liaison.core.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _watch(page, problems: list[str]) -> None:
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on("pageerror", lambda error: problems.append(f"script error {error}"))


def test_the_passport_asks_its_purpose_in_korean(browser_page, live_server, personas, open_case):
    personas.overseas.language = "ko"
    personas.overseas.save(update_fields=["language"])
    victim = open_case.victims.get()
    key = f"victim-{victim.pk}"
    page = browser_page
    problems: list[str] = []
    _watch(page, problems)
    sign_in(page, live_server.url, "overseas", PASSWORD)
    page.goto(f"{live_server.url}/cases/{open_case.pk}/?tab=people")
    page.click(f"[data-reveal='{key}']")
    form = page.locator(f"[data-purpose-for='{key}']")
    assert form.is_visible()
    assert "목적" in form.inner_text()
    form.locator("select[name=purpose]").select_option("other")
    form.locator(f"[data-reveal-submit='{key}']").click()
    error = page.locator(f"#passport-{key} [data-error-for='purpose_note']")
    error.wait_for()
    assert "“기타”를 선택하면 목적을 적어야 합니다." in error.inner_text()
    assert not AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="cases.victim"
    ).exists()
    screenshot(page, "purpose-passport-refused-ko")
    form = page.locator(f"[data-purpose-for='{key}']")
    form.locator("input[name=purpose_note]").fill("대사관 영사 요청")
    form.locator(f"[data-reveal-submit='{key}']").click()
    page.locator(f"#passport-{key} [data-passport]").wait_for()
    assert page.locator(f"#passport-{key} [data-passport]").inner_text() == "M12345678"
    event = AuditEvent.objects.get(action=AuditAction.VIEW, object_type="cases.victim")
    assert event.purpose == "other: 대사관 영사 요청"
    # The next time, within the session, the same purpose is chosen already.
    page.reload()
    page.click(f"[data-reveal='{key}']")
    form = page.locator(f"[data-purpose-for='{key}']")
    assert form.locator("select[name=purpose]").input_value() == "other"
    assert form.locator("input[name=purpose_note]").input_value() == "대사관 영사 요청"
    assert problems == []


def test_the_export_asks_its_purpose_in_a_dialog_in_korean(
    browser_page, live_server, personas, open_case
):
    personas.ico.language = "ko"
    personas.ico.save(update_fields=["language"])
    page = browser_page
    problems: list[str] = []
    _watch(page, problems)
    sign_in(page, live_server.url, "ico", PASSWORD)
    page.goto(f"{live_server.url}/cases/?country=KH")
    page.click("[data-export-asks-purpose]")
    dialog = page.locator("#export-purpose")
    dialog.locator("select[name=purpose]").wait_for(state="visible")
    assert "내보내기 목적" in dialog.inner_text()
    assert "수사" in dialog.locator("select[name=purpose]").inner_text()
    dialog.locator("select[name=purpose]").select_option("investigation")
    screenshot(page, "purpose-export-dialog-ko")
    with page.expect_download() as download:
        dialog.locator("button[name=export][value=csv]").click()
    assert download.value.suggested_filename.startswith("cases-")
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.purpose == "investigation" and event.reason == "filters: country=KH"
    assert problems == []
