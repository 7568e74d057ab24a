"""In headless Chromium, in Korean: a new officer acknowledges the notice, signs in with the
password, enrols an authenticator from the page's secret, keeps the recovery codes, and
next time signs in with one of them."""

import base64

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from liaison.core.choices import Role
from liaison.core.tests.browser import password_step, screenshot, settle
from liaison.core.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_officer_enrols_and_later_signs_in_with_a_recovery_code(
    browser_page, live_server, institutions
):
    page, base = browser_page, live_server.url
    UserFactory(
        username="new.officer", role=Role.ICO_OFFICER, institution=institutions.ico, language="ko"
    )
    page.goto(f"{base}/login/")
    expect(page.locator("[data-use-notice]")).to_contain_text("monitored")
    password_step(page, base, "new.officer", PASSWORD)

    assert "/login/enrol/" in page.url
    expect(page.locator("h1")).to_have_text("2단계 인증 설정")
    expect(page.locator("[data-totp-qr] svg")).to_be_visible()
    secret = page.locator("[data-totp-secret]").inner_text()
    code = TOTP(base64.b32decode(secret)).token()
    page.fill("#id_code", f"{code:06d}")
    page.locator("form:has(#id_code) button[type=submit]").click()
    codes = page.locator("[data-recovery-codes] li").all_inner_texts()
    assert len(codes) == 10
    screenshot(page, "recovery-codes-ko")
    with page.expect_navigation():
        page.get_by_role("link", name="계속").click()
    settle(page)
    assert page.url.rstrip("/") == base

    # The sign-out button sits in the user menu; submitting its form is what it does. The
    # submission is only asked for here: wait until the signed-out page has come.
    with page.expect_navigation():
        page.locator("form[action='/logout/']").first.evaluate("form => form.submit()")
    settle(page)
    password_step(page, base, "new.officer", PASSWORD)
    assert "/login/second-factor/" in page.url
    page.fill("#id_code", codes[0])
    with page.expect_navigation():
        page.locator("form:has(#id_code) button[type=submit]").click()
    settle(page)
    assert page.url.rstrip("/") == base
